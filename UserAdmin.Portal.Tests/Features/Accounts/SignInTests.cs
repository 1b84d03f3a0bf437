using System.Net;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

/// <summary>
/// Sign-in through the real static form (antiforgery token, form post, cookie), which is where SignInService
/// runs with its HttpContext. Each test makes its own accounts; each password costs one PBKDF2 hash.
/// </summary>
public sealed class SignInTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Password = "amber-lantern-river-42";

    [Fact]
    public async Task TheRightPasswordSignsInAndRedirectsToTheReturnUrl()
    {
        var (organization, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync(member.UserName, Password, returnUrl: "/");

        Assert.Equal("/", response.RedirectTarget());
        var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains(organization.DisplayName, await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var activity = await app.Database.ActivityForAsync(organization.Id);
        var signedIn = Assert.Single(activity, a => a.Verb == "account.signed_in");
        Assert.Equal(member.AccountId, signedIn.ActorAccountId);
        Assert.Equal(ActivityCategory.Self, signedIn.Category);
        Assert.NotNull(await app.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.LastSignInAt).SingleAsync()));
    }

    [Fact]
    public async Task AnEmailAddressWorksAsTheLogin()
    {
        var (_, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync($"{member.UserName}@portal.test", Password, returnUrl: "/");

        Assert.Equal("/", response.RedirectTarget());
    }

    [Fact]
    public async Task AReturnUrlToAnotherSiteIsReplacedByTheDashboard()
    {
        var (_, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync(member.UserName, Password, returnUrl: "//evil.example/steal");

        Assert.Equal("/", response.RedirectTarget());
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSiteStrict()
    {
        var (_, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync(member.UserName, Password);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("UserAdmin.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AWrongPasswordAnUnknownAccountAndALockedAccountGetTheSameMessage()
    {
        var (organization, member) = await NewMemberAsync();
        var locked = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password,
            configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10));
        using var client = app.CreateBrowser();

        var wrongPassword = await FailedSignInMessageAsync(client, member.UserName, "not-the-right-password");
        var unknownAccount = await FailedSignInMessageAsync(client, "nobody-" + Guid.NewGuid().ToString("N"), Password);
        var lockedWithRightPassword = await FailedSignInMessageAsync(client, locked.UserName, Password);

        Assert.Equal(SignInOutcome.GenericFailure, wrongPassword);
        Assert.Equal(wrongPassword, unknownAccount);
        Assert.Equal(wrongPassword, lockedWithRightPassword);
    }

    [Fact]
    public async Task FiveFailuresLockTheAccountEvenAgainstTheRightPassword()
    {
        var (_, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(SignInOutcome.GenericFailure, await FailedSignInMessageAsync(client, member.UserName, $"wrong-password-{attempt}"));
        }

        Assert.Equal(SignInOutcome.GenericFailure, await FailedSignInMessageAsync(client, member.UserName, Password));

        var lockoutEnd = await app.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.LockoutEnd).SingleAsync());
        Assert.True(lockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10), $"Locked until {lockoutEnd}");
        // The lockout belongs to the account; it shows in the feed of the organization the member belongs to.
        var lockedOut = await app.Database.QueryAsync(db => db.Activity.SingleAsync(a => a.TargetAccountId == member.AccountId && a.Verb == "account.locked_out"));
        Assert.Equal(member.OrganizationId, lockedOut.OrganizationId);
        Assert.Null(lockedOut.ActorAccountId);
        Assert.Equal(ActivityCategory.Security, lockedOut.Category);
    }

    [Fact]
    public async Task FourFailuresAndThenTheRightPasswordStillSignsIn()
    {
        var (_, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await FailedSignInMessageAsync(client, member.UserName, $"wrong-password-{attempt}");
        }

        using var response = await client.SignInAsync(member.UserName, Password);

        Assert.Equal("/", response.RedirectTarget());
        Assert.Equal(0, await app.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.AccessFailedCount).SingleAsync()));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task AnAccountThatMayNotSignInIsToldSoOnlyAfterTheRightPassword(bool suspended, bool activated)
    {
        var organization = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password,
            suspended: suspended, configure: a => a.IsActivated = activated);
        using var client = app.CreateBrowser();

        var wrongPassword = await FailedSignInMessageAsync(client, member.UserName, "not-the-right-password");
        var rightPassword = await FailedSignInMessageAsync(client, member.UserName, Password);

        Assert.Equal(SignInOutcome.GenericFailure, wrongPassword);
        Assert.Equal(SignInOutcome.NotAllowedMessage, rightPassword);
    }

    [Fact]
    public async Task AMemberSuspendedInOneOrganizationSignsInToAnother()
    {
        var (first, member) = await NewMemberAsync(suspended: true);
        var second = await app.Database.AddOrganizationAsync();
        await app.Database.AddMembershipAsync(second.Id, member.AccountId);
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync(member.UserName, Password);

        Assert.Equal("/", response.RedirectTarget());
        Assert.DoesNotContain(await app.Database.ActivityForAsync(first.Id), a => a.Verb == "account.signed_in");
        Assert.Single(await app.Database.ActivityForAsync(second.Id), a => a.Verb == "account.signed_in");
    }

    [Fact]
    public async Task AForcedPasswordChangeComesFirstAndEveryOtherPageWaitsForIt()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password,
            configure: a => a.MustChangePassword = true);
        using var client = app.CreateBrowser();

        using var signIn = await client.SignInAsync(member.UserName, Password, returnUrl: "/");
        Assert.Equal("/Account/ChangePassword?returnUrl=%2F", signIn.RedirectTarget());

        using var dashboard = await client.GetAsync("/");
        Assert.Equal("/Account/ChangePassword?returnUrl=%2F", dashboard.RedirectTarget());
        using var elsewhere = await client.GetAsync("/Account/AccessDenied");
        Assert.StartsWith("/Account/ChangePassword?returnUrl=", elsewhere.RedirectTarget(), StringComparison.Ordinal);
        using var post = await client.PostAsync("/Account/SwitchOrganization", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);

        var changePage = await client.GetStringAsync("/Account/ChangePassword?returnUrl=%2F");
        Assert.Contains("Choose a new password", changePage, StringComparison.Ordinal);

        using var changed = await client.ChangePasswordAsync(Password, "violet-harbor-morning-77", returnUrl: "/");
        Assert.Equal("/", changed.RedirectTarget());
        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task SigningOutWithTheFormsTokenEndsTheSession()
    {
        var (organization, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();
        using var signIn = await client.SignInAsync(member.UserName, Password);
        var dashboard = await client.GetStringAsync("/");

        using var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [PortalHttp.AntiforgeryField] = PortalHttp.ReadAntiforgeryToken(dashboard),
        }));

        Assert.Equal("/Account/Login", signOut.RedirectTarget());
        using var again = await client.GetAsync("/");
        Assert.StartsWith("/Account/Login?", again.RedirectTarget(), StringComparison.Ordinal);
        Assert.Single(await app.Database.ActivityForAsync(organization.Id), a => a.Verb == "account.signed_out");
    }

    [Fact]
    public async Task SigningOutWithoutAnAntiforgeryTokenIsRefused()
    {
        var (organization, member) = await NewMemberAsync();
        using var client = app.CreateBrowser();
        using var signIn = await client.SignInAsync(member.UserName, Password);

        using var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        using var stillSignedIn = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
        Assert.DoesNotContain(await app.Database.ActivityForAsync(organization.Id), a => a.Verb == "account.signed_out");
    }

    [Fact]
    public async Task AnAnonymousSignOutWithoutATokenIsRefused()
    {
        using var client = app.CreateBrowser();

        using var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
    }

    [Fact]
    public async Task AnEmptyFormShowsBothValidationMessagesAndSignsNobodyIn()
    {
        using var client = app.CreateBrowser();

        using var response = await client.SignInAsync("", "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter your username or email.", html, StringComparison.Ordinal);
        Assert.Contains("Enter your password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("UserAdmin.Auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ATemporaryPasswordSignsInToTheForcedChangeUntilItExpires()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var helpDesk = await app.Database.AddMemberAsync(organization.Id, permissions: UserAdmin.Portal.Features.Shared.PortalPermissions.HelpDesk);
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password);
        var issued = (await app.Services.GetRequiredService<UserAdmin.Portal.Features.Passwords.PasswordAdminService>()
            .SetTemporaryPasswordAsync(helpDesk.Actor, member.AccountId)).Value!;
        using var client = app.CreateBrowser();

        Assert.Equal(SignInOutcome.GenericFailure, await FailedSignInMessageAsync(client, member.UserName, Password));
        using (var signedIn = await client.SignInAsync(member.UserName, issued.Password, returnUrl: "/"))
        {
            Assert.StartsWith("/Account/ChangePassword", signedIn.RedirectTarget(), StringComparison.Ordinal);
        }

        await app.Database.ExecuteAsync(db => db.Users.Where(a => a.Id == member.AccountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.TemporaryPasswordExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        using var late = app.CreateBrowser();
        Assert.Equal(SignInOutcome.GenericFailure, await FailedSignInMessageAsync(late, member.UserName, issued.Password));
    }

    private async Task<(TestOrganization Organization, TestMember Member)> NewMemberAsync(bool suspended = false)
    {
        var organization = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password, suspended: suspended);
        return (organization, member);
    }

    /// <summary>Posts the form, expects the page back (no redirect) and returns its alert text.</summary>
    private static async Task<string?> FailedSignInMessageAsync(HttpClient client, string login, string password)
    {
        using var response = await client.SignInAsync(login, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(password, html, StringComparison.Ordinal);
        return PortalHttp.ReadAlert(html);
    }
}
