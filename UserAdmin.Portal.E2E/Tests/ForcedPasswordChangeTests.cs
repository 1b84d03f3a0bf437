using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class ForcedPasswordChangeTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task AnAdminWhoMustChangeTheirPasswordIsHeldOnTheChangePageUntilTheyChooseAGoodOne() => RunAsync(async page =>
    {
        // Its own portal: the change is permanent, and the shared admin has no pending change.
        await using var portal = await PortalServer.StartAsync(new PortalServerOptions { AdminMustChangePassword = true });
        var login = new LoginPage(page, portal.BaseUrl);
        var change = new ChangePasswordPage(page, portal.BaseUrl);
        var shell = new ShellPage(page, portal.BaseUrl);

        await login.GotoAsync();
        await login.SignInAsync(portal.AdminUserName, portal.AdminPassword);
        await change.ExpectShownAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Choose a new password");

        // Every other page sends the account back here.
        await shell.GotoDashboardAsync();
        await change.ExpectShownAsync();

        await change.ChangeAsync(portal.AdminPassword, "too-short");
        await Expect(change.NewPasswordError).ToContainTextAsync(new Regex("at least 12 characters", RegexOptions.IgnoreCase));
        await change.ExpectShownAsync();

        var newPassword = "fresh-" + RandomNumberGenerator.GetHexString(20, lowercase: true);
        await change.ChangeAsync(portal.AdminPassword, newPassword);
        await shell.ExpectDashboardAsync();
        await Expect(shell.UserMenu).ToContainTextAsync(portal.AdminUserName);

        // The new password works on its own, and the change is not asked for again.
        await shell.SignOutAsync();
        await login.ExpectShownAsync();
        await login.SignInAsync(portal.AdminUserName, newPassword);
        await shell.ExpectDashboardAsync();

        var log = await portal.ReadLogAfterFlushAsync(page);
        Assert.DoesNotContain(portal.AdminPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(newPassword, log, StringComparison.Ordinal);
    });
}
