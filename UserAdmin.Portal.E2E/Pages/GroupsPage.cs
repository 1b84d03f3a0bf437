using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The groups page (/groups): the organization's groups and its application permissions.</summary>
public sealed class GroupsPage(IPage page, string baseUrl)
{
    public ILocator ApplicationPermissions => page.GetByRole(AriaRole.Table, new() { Name = "Application permissions", Exact = true });

    /// <summary>The keys as the application permissions table lists them, in its order.</summary>
    public ILocator ApplicationPermissionKeys => ApplicationPermissions.Locator("tbody code");

    public async Task GotoAsync()
    {
        await page.GotoAsync(baseUrl + "/groups");
        await Interactive.WaitAsync(page, "section.groups-page");
    }

    public Task AddVirtoolPermissionsAsync() =>
        page.GetByRole(AriaRole.Button, new() { Name = "Add Virtool permissions", Exact = true }).ClickAsync();
}
