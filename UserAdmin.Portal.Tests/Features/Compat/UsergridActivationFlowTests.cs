using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Tests.Features.Activation;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>
/// Usergrid's create-then-activate flow on the app's request pipeline with a capturing email sender: created with a
/// password the account is active at once; without one its owner follows the emailed link to the activation page.
/// </summary>
public sealed class UsergridActivationFlowTests(ActivationPageHost host) : IClassFixture<ActivationPageHost>
{
    private const string Password = "copper-meadow-lantern-17";
    private const string OwnersPassword = "a long and quiet passphrase";

    /// <summary>As <c>curl -d '{…}'</c> sends it: JSON labelled as a form.</summary>
    private static StringContent Curl(string json) => new(json, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static string NewUserName() => TestData.UniqueName("ug").Replace("-", ".", StringComparison.Ordinal);

    private async Task<(TestOrganization Organization, HttpClient Api)> AdminClientAsync()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var admin = await host.Portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var key = await host.Portal.Get<ApiKeyService>().CreateAsync(host.Portal.Proven(admin), new NewApiKey { Name = "usergrid script", Scope = ApiKeyScope.ReadWrite });
        Assert.True(key.Succeeded, key.Message);
        var api = host.Portal.CreateBrowser();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Value!.Key);
        return (organization, api);
    }

    private static async Task<JsonElement> CreatedUserAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("post", body.GetProperty("action").GetString());
        return body.GetProperty("data").GetProperty("user");
    }

    private static FormUrlEncodedContent ActivationForm(string antiforgery, string password) => new(new Dictionary<string, string>
    {
        ["_handler"] = "activate",
        ["Input.NewPassword"] = password,
        ["Input.ConfirmPassword"] = password,
        [PortalHttp.AntiforgeryField] = antiforgery,
    });

    private static string PageAddress(Guid accountId, string token) => $"/Account/Activate?user={accountId:D}&token={Uri.EscapeDataString(token)}";

    [Fact]
    public async Task CreatingWithAPasswordMakesAnActiveAccountThatSignsInWithThatPassword()
    {
        var (organization, api) = await AdminClientAsync();
        var userName = NewUserName();
        var email = $"{userName}@example.org";

        var user = await CreatedUserAsync(await api.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"{{userName}}","name":"Jim Admin","email":"{{email}}","password":"{{Password}}"}""")));

        Assert.True(user.GetProperty("activated").GetBoolean());
        Assert.False(user.GetProperty("disabled").GetBoolean());
        Assert.Empty(host.Email.To(email));
        using var browser = host.Portal.CreateBrowser();
        using var signIn = await browser.SignInAsync(userName, Password, returnUrl: "/");
        // Signed in; like every password someone else chose, it is changed at the first sign-in.
        Assert.Equal("/Account/ChangePassword?returnUrl=%2F", signIn.RedirectTarget());
        Assert.Contains(await host.Portal.Database.ActivityForAsync(organization.Id), r => r.Verb == "account.signed_in" && r.ActorName == userName);
    }

    [Fact]
    public async Task CreatingWithoutAPasswordSendsTheActivationLinkWhichTheOwnerFollowsToChooseTheirPassword()
    {
        var (organization, api) = await AdminClientAsync();
        var userName = NewUserName();
        var email = $"{userName}@example.org";

        var user = await CreatedUserAsync(await api.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"{{userName}}","name":"Jim Admin","email":"{{email}}"}""")));

        Assert.False(user.GetProperty("activated").GetBoolean());
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(email)));
        Assert.Equal(accountId, user.GetProperty("uuid").GetGuid());
        using var browser = host.Portal.CreateBrowser();

        // Usergrid's form of the link, opened in a browser without a key, by username, email or uuid.
        foreach (var named in new[] { userName, email, accountId.ToString() })
        {
            using var followed = await browser.GetAsync($"/management/organizations/{organization.Name}/users/{Uri.EscapeDataString(named)}/activate?token={Uri.EscapeDataString(token)}");
            Assert.Equal(PageAddress(accountId, token), followed.RedirectTarget());
        }

        var url = PageAddress(accountId, token);
        var page = await browser.GetStringAsync(url);
        Assert.Contains($"<strong data-testid=\"activation-username\">{userName}</strong>", page, StringComparison.Ordinal);
        using var done = await browser.PostAsync(url, ActivationForm(PortalHttp.ReadAntiforgeryToken(page), OwnersPassword));
        Assert.Contains("Your account is active", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var signIn = await browser.SignInAsync(userName, OwnersPassword, returnUrl: "/");
        Assert.Equal("/", signIn.RedirectTarget());
    }

    [Fact]
    public async Task ALinkThatDoesNotMatchItsUserOrOrganizationReachesThePagesOneMessageAndActivatesNothing()
    {
        var (organization, api) = await AdminClientAsync();
        var other = await host.Portal.Database.AddOrganizationAsync();
        var userName = NewUserName();
        var email = $"{userName}@example.org";
        await CreatedUserAsync(await api.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"{{userName}}","email":"{{email}}"}""")));
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(email)));
        using var browser = host.Portal.CreateBrowser();

        foreach (var link in new[]
        {
            $"/management/organizations/{organization.Name}/users/someone.else/activate?token={Uri.EscapeDataString(token)}",
            $"/management/organizations/{other.Name}/users/{userName}/activate?token={Uri.EscapeDataString(token)}",
            $"/management/organizations/{organization.Name}/users/{userName}/activate?token=33dd0563-cd0c-11e1-bcf7-12313d1c4491",
            $"/management/organizations/{organization.Name}/users/{userName}/activate",
        })
        {
            using var followed = await browser.GetAsync(link);
            Assert.Equal("/Account/Activate", followed.RedirectTarget());
        }

        using var shown = await browser.GetAsync("/Account/Activate");
        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(await shown.Content.ReadAsStringAsync()));
        Assert.False(await host.Portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == accountId).Select(a => a.IsActivated).SingleAsync()));
    }

    [Fact]
    public async Task WithAPasswordTheActivateRouteActivatesForAKeyAndRefusesWithoutOne()
    {
        var (organization, api) = await AdminClientAsync();
        var userName = NewUserName();
        var email = $"{userName}@example.org";
        await CreatedUserAsync(await api.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"{{userName}}","email":"{{email}}"}""")));
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(email)));
        var activate = $"/management/organizations/{organization.Name}/users/{userName}/activate?token={Uri.EscapeDataString(token)}&password={Uri.EscapeDataString(OwnersPassword)}";
        using var anonymous = host.Portal.CreateBrowser();

        using var refused = await anonymous.GetAsync(activate);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("unauthorized", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.False(await host.Portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == accountId).Select(a => a.IsActivated).SingleAsync()));

        using var activated = await api.GetAsync(activate);
        var body = JsonDocument.Parse(await activated.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((HttpStatusCode.OK, "activate user"), (activated.StatusCode, body.GetProperty("action").GetString()));
        using var signIn = await anonymous.SignInAsync(userName, OwnersPassword, returnUrl: "/");
        Assert.Equal("/", signIn.RedirectTarget());
    }
}
