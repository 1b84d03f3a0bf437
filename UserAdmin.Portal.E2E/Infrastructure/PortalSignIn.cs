using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>One real sign-in as a portal's first admin, kept as a storage state (cookies) for tests to start from.</summary>
public static class PortalSignIn
{
    public static async Task<string> AdminStorageStateAsync(IBrowser browser, PortalServer portal)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var login = new LoginPage(page, portal.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(portal.AdminUserName, portal.AdminPassword);
        await new ShellPage(page, portal.BaseUrl).ExpectDashboardAsync();
        return await context.StorageStateAsync();
    }
}
