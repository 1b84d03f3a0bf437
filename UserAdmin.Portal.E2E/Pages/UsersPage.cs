using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>
/// /users: the member grid. Its section says when the rows shown belong to the address bar (data-loaded-query equals
/// location.search, data-loading false) and when the circuit is live (data-interactive), so every action here waits
/// for the address to change and then for that, instead of sleeping.
/// </summary>
public sealed class UsersPage(IPage page, string baseUrl)
{
    public const string Path = "/users";

    private const string ViewShown =
        """
        () => {
            const s = document.querySelector('section.users-page');
            return !!s && s.dataset.interactive === 'true' && s.dataset.loading === 'false' && s.dataset.loadedQuery === location.search;
        }
        """;

    // The text of one column in every row, by the column's title (Radzen puts it in the header's title attribute).
    private const string ReadColumn =
        """
        title => {
            const section = document.querySelector('section.users-page');
            const headers = [...section.querySelectorAll('table thead th')];
            const index = headers.findIndex(th => th.querySelector('.rz-column-title')?.getAttribute('title') === title);
            if (index < 0) throw new Error('No column titled ' + title);
            return [...section.querySelectorAll('table tbody tr.rz-data-row')].map(tr => tr.children[index].innerText.trim());
        }
        """;

    public ILocator Total => page.GetByTestId("member-total");

    public ILocator PageNumber => page.GetByTestId("page-number");

    public ILocator SearchBox => page.GetByLabel("Search members", new() { Exact = true });

    public ILocator Rows => page.Locator("section.users-page table tbody tr.rz-data-row");

    /// <summary>The query string the grid is showing, with its leading '?' (empty for the default view).</summary>
    public string Query => new Uri(page.Url).Query;

    // The header's accessible name also carries the sort icon's text, so match the title at its start.
    public ILocator Header(string title) => page.GetByRole(AriaRole.Columnheader, new() { NameRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(title) + @"\b") });

    public ILocator PagerButton(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async Task GotoAsync(string query = "")
    {
        await page.GotoAsync(baseUrl + Path + query);
        await WaitForViewAsync();
    }

    public async Task ReloadAsync()
    {
        await page.ReloadAsync();
        await WaitForViewAsync();
    }

    public Task WaitForViewAsync() => page.WaitForFunctionAsync(ViewShown);

    public Task SortByAsync(string columnTitle) => ChangeViewAsync(() => Header(columnTitle).ClickAsync());

    public Task FilterByStatusAsync(string status) => ChangeViewAsync(async () =>
    {
        await page.Locator(".member-filters").GetByRole(AriaRole.Combobox, new() { Name = "Status", Exact = true })
            .SelectOptionAsync(new SelectOptionValue { Label = status });
    });

    /// <summary>
    /// Searches, then waits for the address to carry that search and for its rows. Not "for the address to change":
    /// after an organization switch the address can already hold the same search, and the wait would never end.
    /// </summary>
    public async Task SearchAsync(string text)
    {
        await SearchBox.FillAsync(text);
        await SearchBox.PressAsync("Enter");
        await page.WaitForFunctionAsync("t => new URLSearchParams(location.search).get('q') === t", text);
        await WaitForViewAsync();
    }

    /// <summary>"First page", "Previous page", "Next page" or "Last page".</summary>
    public Task GoToPageAsync(string button) => ChangeViewAsync(() => PagerButton(button).ClickAsync());

    public async Task<IReadOnlyList<string>> ColumnAsync(string title) => await page.EvaluateAsync<string[]>(ReadColumn, title);

    /// <summary>
    /// Does something that moves the grid to another address, then waits for the rows of that address. Blazor
    /// navigates in the page with pushState; the wait asks the page itself whether location.href has moved rather than
    /// listening for Playwright's navigation event, which can go unseen after a pushState. The action is never
    /// repeated: a slow first action still takes effect, and a repeated sort would come out descending.
    /// </summary>
    private async Task ChangeViewAsync(Func<Task> action)
    {
        var before = await page.EvaluateAsync<string>("() => location.href");
        await action();
        await page.WaitForFunctionAsync("before => location.href !== before", before, new() { Timeout = 30_000 });
        await WaitForViewAsync();
    }
}
