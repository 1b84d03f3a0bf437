using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>/activity: the organization's activity feed with its filter bar.</summary>
public sealed class ActivityLogPage(IPage page, string baseUrl)
{
    public ILocator Filters => page.GetByRole(AriaRole.Search, new() { Name = "Filter activity" });

    public ILocator Titles => page.Locator("section.activity-page .activity-title");

    public ILocator Items => page.Locator("section.activity-page .activity-item");

    public ILocator ExportLink => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" });

    public async Task GotoAsync(string query = "")
    {
        await page.GotoAsync(baseUrl + "/activity" + query);
        await WaitUntilLiveAsync();
    }

    /// <summary>Waits for the circuit (the filters only apply once it is live) and for the feed to finish reading.</summary>
    public async Task WaitUntilLiveAsync()
    {
        await Expect(page.Locator("section.activity-page[data-interactive=true]")).ToBeVisibleAsync();
        await Expect(page.Locator("section.activity-feed[data-loading=false]")).ToBeVisibleAsync();
    }

    public ILocator Filter(string label) => Filters.GetByLabel(label, new() { Exact = false });

    public async Task ApplyAsync()
    {
        await Filters.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await WaitUntilLiveAsync();
    }
}
