using System.Net;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Cross-site request forgery on every form that posts over plain HTTP: the static account pages (sign-in, forgot,
/// reset, activation, change password, email confirmation) and the two form endpoints (sign-out, switch
/// organization). A hostile page can make the browser post with the victim's cookie, but it cannot read the
/// antiforgery token of the portal's page: without it (or with another browser's), each is 400 and nothing changes.
/// The interactive pages post nothing over HTTP (their events travel on the circuit's WebSocket), and the REST API
/// accepts only API keys, never the cookie.
/// </summary>
public sealed class CrossSiteRequestForgeryTests(AbuseHost host) : IClassFixture<AbuseHost>
{
    private const string Password = "amber-lantern-river-42";
    private const string NewPassword = "a forged and quite new passphrase";

    private TestDatabase Database => host.Portal.Database;

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    private async Task<(TestOrganization Organization, TestMember Member)> MemberWithPasswordAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        return (organization, await Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, Password));
    }

    private async Task<HttpClient> SignedInAsync(TestMember member)
    {
        var client = host.Portal.CreateBrowser();
        using var signIn = await client.SignInAsync(member.UserName, Password);
        Assert.Equal("/", signIn.RedirectTarget());
        return client;
    }

    private static async Task<bool> SignedInStillAsync(HttpClient client)
    {
        using var home = await client.GetAsync("/");
        return home.StatusCode == HttpStatusCode.OK;
    }

    [Fact(DisplayName = "CSRF: sign-in form posted without the antiforgery token is 400 and signs nobody in")]
    public async Task SignInWithoutToken()
    {
        var (organization, member) = await MemberWithPasswordAsync();
        using var client = host.Portal.CreateBrowser();

        using var response = await HostileForms.PostAsync(client, "/Account/Login", HostileForms.SignIn(member.UserName, Password), antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await SignedInStillAsync(client));
        Assert.Null((await AccountAsync(member.AccountId)).LastSignInAt);
        Assert.DoesNotContain(await Database.ActivityForAsync(organization.Id), a => a.Verb == "account.signed_in");
    }

    [Fact(DisplayName = "CSRF: sign-in form posted with a token lifted from another browser's page is 400 (login CSRF)")]
    public async Task SignInWithAnotherBrowsersToken()
    {
        var (_, member) = await MemberWithPasswordAsync();
        using var attacker = host.Portal.CreateBrowser();
        using var victim = host.Portal.CreateBrowser();
        var fields = HostileForms.SignIn(member.UserName, Password);
        fields[PortalHttp.AntiforgeryField] = PortalHttp.ReadAntiforgeryToken(await attacker.GetStringAsync("/Account/Login"));

        using var response = await victim.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await SignedInStillAsync(victim));
    }

    [Fact(DisplayName = "CSRF: forgot-password form posted without the token is 400 and queues no email")]
    public async Task ForgotPasswordWithoutToken()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();

        using var response = await HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot(member.UserName), antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(200);
        Assert.Empty(host.Email.To($"{member.UserName}@portal.test"));
        Assert.DoesNotContain(await Database.ActivityForAsync(organization.Id), a => a.Verb == "account.password_reset_requested");
    }

    [Fact(DisplayName = "CSRF: reset-password form posted without the token is 400, the password is unchanged and the link still works")]
    public async Task ResetPasswordWithoutToken()
    {
        var (organization, member) = await MemberWithPasswordAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        Assert.True((await host.Portal.Get<PasswordResetService>().SendResetLinkAsync(admin.Actor, member.AccountId)).Succeeded);
        var (accountId, token) = CapturingEmailSender.ResetLink(host.Email.To($"{member.UserName}@portal.test")[^1]);
        var url = $"/Account/ResetPassword?user={accountId:D}&token={Uri.EscapeDataString(token)}";
        var before = await AccountAsync(member.AccountId);
        using var client = host.Portal.CreateBrowser();

        using var response = await HostileForms.PostAsync(client, url, HostileForms.NewPassword("reset-password", NewPassword), antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var after = await AccountAsync(member.AccountId);
        Assert.Equal((before.PasswordHash, before.SecurityStamp), (after.PasswordHash, after.SecurityStamp));
        Assert.NotNull(await host.Portal.Get<PasswordResetService>().CheckLinkAsync(accountId, token));
    }

    [Fact(DisplayName = "CSRF: activation form posted without the token is 400 and the account stays pending")]
    public async Task ActivateWithoutToken()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var email = $"{Guid.NewGuid():N}@example.org";
        var created = await host.Portal.Get<MemberAdminService>().CreateAsync(admin.Actor, new NewMember
        {
            UserName = TestData.UniqueName("pending").Replace("-", ".", StringComparison.Ordinal), Email = email, SendActivationEmail = true,
        });
        Assert.True(created.Succeeded, created.Message);
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(email)));
        using var client = host.Portal.CreateBrowser();

        using var response = await HostileForms.PostAsync(client, $"/Account/Activate?user={accountId:D}&token={Uri.EscapeDataString(token)}",
            HostileForms.NewPassword("activate", NewPassword), antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var account = await AccountAsync(accountId);
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(account));
        Assert.Null(account.PasswordHash);
    }

    [Fact(DisplayName = "CSRF: change-password form posted with the victim's cookie but no token is 400 and the old password still works")]
    public async Task ChangePasswordWithoutToken()
    {
        var (_, member) = await MemberWithPasswordAsync();
        using var victim = await SignedInAsync(member);
        var before = await AccountAsync(member.AccountId);

        using var response = await HostileForms.PostAsync(victim, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["Input.CurrentPassword"] = Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
            ["Input.ReturnUrl"] = "/",
        }, antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before.PasswordHash, (await AccountAsync(member.AccountId)).PasswordHash);
        Assert.True(await SignedInStillAsync(victim));
    }

    [Fact(DisplayName = "CSRF: email-confirmation button posted without the token is 400 and the address stays unconfirmed")]
    public async Task ConfirmEmailWithoutToken()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var account = await AccountAsync(target.AccountId);
        var email = $"{TestData.UniqueName("moved")}@example.org";
        var saved = await host.Portal.Get<MemberProfileService>().UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = account.FirstName, LastName = account.LastName, DisplayName = account.DisplayName, Email = email }, account.ConcurrencyStamp!);
        Assert.True(saved.Succeeded, saved.Message);
        var (accountId, token) = CapturingEmailSender.ConfirmationLink(Assert.Single(host.Email.To(email)));
        using var client = host.Portal.CreateBrowser();

        using var response = await HostileForms.PostAsync(client, $"/Account/ConfirmEmail?user={accountId:D}&token={Uri.EscapeDataString(token)}",
            new Dictionary<string, string> { ["_handler"] = "confirm-email" }, antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await AccountAsync(target.AccountId)).EmailConfirmed);
        Assert.Equal(email, await host.Portal.Get<EmailConfirmationService>().CheckLinkAsync(accountId, token));
    }

    [Fact(DisplayName = "CSRF: sign-out posted with the victim's cookie but no token is 400 and the session stays")]
    public async Task SignOutWithoutToken()
    {
        var (organization, member) = await MemberWithPasswordAsync();
        using var victim = await SignedInAsync(member);

        using var response = await HostileForms.PostAsync(victim, "/Account/Logout", [], antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await SignedInStillAsync(victim));
        Assert.DoesNotContain(await Database.ActivityForAsync(organization.Id), a => a.Verb == "account.signed_out");
    }

    [Fact(DisplayName = "CSRF: switch-organization posted with the victim's cookie but no token is 400 and the session stays in its organization")]
    public async Task SwitchOrganizationWithoutToken()
    {
        var first = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberWithPasswordAsync(host.Portal.Services, first.Id, Password, MemberRank.Admin);
        var second = await Database.AddOrganizationAsync();
        await Database.AddMembershipAsync(second.Id, member.AccountId, MemberRank.Admin);
        var inSecond = await Database.AddMemberAsync(second.Id);
        using var victim = await SignedInAsync(member);

        using var response = await HostileForms.PostAsync(victim, "/Account/SwitchOrganization", new Dictionary<string, string>
        {
            ["organizationId"] = second.Id.ToString(),
            ["returnUrl"] = "/",
        }, antiforgeryFrom: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("There is no such member in this organization.", await victim.GetStringAsync($"/users/{inSecond.AccountId}"), StringComparison.Ordinal);
    }
}
