using System.Net;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activation;

/// <summary>The app with its request pipeline and a capturing email sender, for the static activation page.</summary>
public sealed class ActivationPageHost : IAsyncLifetime
{
    private PortalServices? _portal;

    public PortalServices Portal => _portal!;
    public CapturingEmailSender Email { get; } = new();

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(server: true, configure: s => s.AddSingleton<IEmailSender>(Email));

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}

/// <summary>/Account/Activate as a browser without JavaScript uses it: anonymous, antiforgery-checked, one message for a bad link.</summary>
public sealed class ActivationPageTests(ActivationPageHost host) : IClassFixture<ActivationPageHost>
{
    private const string Password = "a long and quiet passphrase";

    private async Task<(string Url, string UserName)> PendingMemberLinkAsync()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var admin = await host.Portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = new NewMember
        {
            UserName = TestData.UniqueName("act").Replace("-", ".", StringComparison.Ordinal),
            Email = $"{Guid.NewGuid():N}@example.org",
            SendActivationEmail = true,
        };
        var created = await host.Portal.Get<MemberAdminService>().CreateAsync(admin.Actor, request);
        Assert.True(created.Succeeded, created.Message);
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(request.Email)));
        return ($"/Account/Activate?user={accountId:D}&token={token}", request.UserName);
    }

    private static FormUrlEncodedContent Form(string? antiforgery, string password, string? confirm = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "activate",
            ["Input.NewPassword"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        };
        if (antiforgery is not null)
        {
            fields[PortalHttp.AntiforgeryField] = antiforgery;
        }

        return new FormUrlEncodedContent(fields);
    }

    [Fact]
    public async Task AnAnonymousVisitorWithAGoodLinkSeesTheirUsernameTheRulesAndTheForm()
    {
        var (url, userName) = await PendingMemberLinkAsync();
        using var client = host.Portal.CreateBrowser();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<strong data-testid=\"activation-username\">{userName}</strong>", html, StringComparison.Ordinal);
        Assert.Contains("At least 12 characters", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"referrer\" content=\"no-referrer\"", html, StringComparison.Ordinal);
        Assert.NotNull(PortalHttp.ReadAntiforgeryToken(html));
        Assert.Null(PortalHttp.ReadAlert(html));
    }

    [Theory]
    [InlineData("/Account/Activate")]
    [InlineData("/Account/Activate?user=not-a-guid&token=x")]
    [InlineData("/Account/Activate?user=6f9619ff-8b86-d011-b42d-00cf4fc964ff&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ABadLinkShowsOneMessageAndNoForm(string url)
    {
        using var client = host.Portal.CreateBrowser();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(html));
        Assert.DoesNotContain("Input.NewPassword", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        var (url, _) = await PendingMemberLinkAsync();
        using var client = host.Portal.CreateBrowser();

        using var response = await client.PostAsync(url, Form(antiforgery: null, Password));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var page = await client.GetAsync(url);
        Assert.Null(PortalHttp.ReadAlert(await page.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task APostWithABadTokenShowsTheSameMessage()
    {
        var (url, _) = await PendingMemberLinkAsync();
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(url));
        var forged = url[..^5] + "AAAAA";

        using var response = await client.PostAsync(forged, Form(antiforgery, Password));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(html));
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingAPasswordActivatesTheAccountWhichCanThenSignInAndTheLinkIsUsedUp()
    {
        var (url, userName) = await PendingMemberLinkAsync();
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(url));

        using var mismatch = await client.PostAsync(url, Form(antiforgery, Password, "something else entirely"));
        Assert.Contains("The two passwords do not match.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var weak = await client.PostAsync(url, Form(antiforgery, "password1234"));
        var weakHtml = await weak.Content.ReadAsStringAsync();
        Assert.Contains("too common", weakHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("password1234", weakHtml, StringComparison.Ordinal);

        using var done = await client.PostAsync(url, Form(antiforgery, Password));
        var doneHtml = await done.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Your account is active", doneHtml, StringComparison.Ordinal);
        Assert.Contains($"<strong>{userName}</strong>", doneHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/Account/Login\"", doneHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, doneHtml, StringComparison.Ordinal);

        using var again = await client.PostAsync(url, Form(antiforgery, "another long passphrase"));
        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(await again.Content.ReadAsStringAsync()));

        using var signIn = await client.SignInAsync(userName, Password);
        Assert.Equal("/", signIn.RedirectTarget());
    }
}
