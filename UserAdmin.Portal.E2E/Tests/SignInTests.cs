using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class SignInTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task TheAdminSignsInAndSeesTheShell() => RunAsync(async page =>
    {
        var login = new LoginPage(page, Portal.BaseUrl);
        var shell = new ShellPage(page, Portal.BaseUrl);

        // The dashboard sends an anonymous visitor to sign in, and back to the dashboard afterwards.
        await shell.GotoDashboardAsync();
        await login.ExpectShownAsync();
        await login.SignInAsync(Portal.AdminUserName, Portal.AdminPassword);

        await shell.ExpectDashboardAsync();
        await Expect(shell.CurrentOrganization).ToContainTextAsync(Portal.OrganizationDisplayName);
        await Expect(shell.UserMenu).ToContainTextAsync(Portal.AdminUserName);
        await Expect(shell.SignOutButton).ToBeVisibleAsync();
    });

    [Fact]
    public Task TheAdminCanAlsoSignInWithTheirEmailAddress() => RunAsync(async page =>
    {
        var login = new LoginPage(page, Portal.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(Portal.AdminEmail, Portal.AdminPassword);

        await new ShellPage(page, Portal.BaseUrl).ExpectDashboardAsync();
    });

    [Fact]
    public Task AWrongPasswordAndAnUnknownUserGetTheSameGenericMessage() => RunAsync(async page =>
    {
        var login = new LoginPage(page, Portal.BaseUrl);

        // A fresh page for each attempt, so the alert looked for can only come from that attempt's answer.
        await login.GotoAsync();
        await login.SignInAsync(Portal.AdminUserName, "not-the-right-password");
        var wrongPassword = await login.ExpectFailureAsync();
        await Expect(login.Password).ToHaveValueAsync("");

        await login.GotoAsync();
        await login.SignInAsync("nobody-by-this-name", "not-the-right-password");
        var unknownUser = await login.ExpectFailureAsync();

        Assert.Equal(wrongPassword, unknownUser);
    });
}
