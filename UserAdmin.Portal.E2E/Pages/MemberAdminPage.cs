using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The user grid's admin actions: create, import, bulk actions and saved views.</summary>
public sealed class MemberAdminPage(IPage page, string baseUrl)
{
    public async Task GotoAsync(string query = "")
    {
        await page.GotoAsync(baseUrl + "/users" + query);
        await WaitUntilShownAsync();
    }

    /// <summary>The rows on screen belong to the URL and the circuit is live (the page says so in data attributes).</summary>
    public Task WaitUntilShownAsync() =>
        page.WaitForFunctionAsync("""
            () => { const s = document.querySelector('section.users-page');
                    return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false' && (s.dataset.loadedQuery || '') === location.search; }
            """);

    public ILocator Total => page.GetByTestId("member-total");

    public ILocator Dialog => page.Locator(".rz-dialog");

    public async Task SearchAsync(string text)
    {
        var box = page.GetByLabel("Search members");
        await box.FillAsync(text);
        await box.PressAsync("Enter");
        await page.WaitForFunctionAsync("t => new URLSearchParams(location.search).get('q') === t", text);
        await WaitUntilShownAsync();
    }

    public async Task OpenCreateAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create member" }).First.ClickAsync();

        // The dialog moves focus to its first field a moment after it opens; typing before that can land in the
        // wrong field (text inserted where focus went). Wait for it, but do not fail if it never comes.
        try
        {
            await Expect(Dialog.GetByLabel("Username", new() { Exact = true })).ToBeFocusedAsync(new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
        }
    }

    public async Task FillCreateAsync(string userName, string email, string first, string last, string? password)
    {
        await Dialog.GetByLabel("Username", new() { Exact = true }).FillAsync(userName);
        await Dialog.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await Dialog.GetByLabel("First name", new() { Exact = true }).FillAsync(first);
        await Dialog.GetByLabel("Last name", new() { Exact = true }).FillAsync(last);
        if (password is not null)
        {
            await Dialog.GetByLabel("Initial password", new() { Exact = true }).FillAsync(password);
        }
    }

    /// <summary>In the create dialog: no initial password, an activation email instead.</summary>
    public async Task ChooseActivationEmailAsync()
    {
        // A click, then wait for the server's re-render: CheckAsync's own state check can race the re-render of the form.
        await Dialog.GetByLabel("Send an activation email").ClickAsync();
        await Expect(Dialog.GetByText("pending activation, until its owner follows the emailed link")).ToBeVisibleAsync();
        await Expect(Dialog.GetByLabel("Send an activation email")).ToBeCheckedAsync();
    }

    public Task SubmitCreateAsync() => Dialog.Locator("button[type=submit]").ClickAsync();

    public async Task ImportAsync(string csv)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Import CSV" }).ClickAsync();
        await Expect(page.Locator("[data-testid=import-dialog][data-ready=true]")).ToBeVisibleAsync();
        await Dialog.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = "members.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes(csv),
        });
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("Dry run", new() { Timeout = 30_000 });
    }

    public async Task SelectAllOnPageAsync() => await page.GetByLabel("Select every member on this page").CheckAsync();

    public async Task PreviewBulkAsync(string action)
    {
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Bulk action", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = action });
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview…" }).ClickAsync();
        await Expect(page.GetByTestId("bulk-preview")).ToBeVisibleAsync();
    }
}
