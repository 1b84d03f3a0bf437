using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The signed-in shell (header with organization and user menu) around the dashboard at /.</summary>
public sealed class ShellPage(IPage page, string baseUrl)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator CurrentOrganization => page.GetByTestId("current-organization");

    public ILocator UserMenu => page.GetByTestId("user-menu");

    public ILocator SignOutButton => UserMenu.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true });

    public async Task GotoDashboardAsync() => await page.GotoAsync(baseUrl + "/");

    public async Task ExpectDashboardAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(baseUrl + "/");
        await Assertions.Expect(Heading).ToHaveTextAsync("Dashboard");
    }

    public async Task SignOutAsync() => await SignOutButton.ClickAsync();
}
