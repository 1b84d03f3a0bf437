using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The API keys page (/account/api-keys): create a key (shown once), list and revoke.</summary>
public sealed class ApiKeysPage(IPage page, string baseUrl)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync(baseUrl + "/account/api-keys");
        await page.WaitForFunctionAsync("""
            () => { const s = document.querySelector('section.api-keys-page'); return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }
            """);
    }

    public ILocator OwnKeys => page.GetByRole(AriaRole.Table, new() { Name = "Your API keys", Exact = true });

    /// <summary>
    /// Creates a key and returns its text, read from the one place it is ever shown. The page asks for the password
    /// first; <paramref name="wrongPasswordFirst"/> types a wrong one before it and checks that it is refused.
    /// </summary>
    public async Task<string> CreateAsync(string name, string scope, string password, string? wrongPasswordFirst = null)
    {
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Create API key", Exact = true });
        await form.GetByLabel("Key name", new() { Exact = true }).FillAsync(name);
        await form.GetByLabel("Scope", new() { Exact = true }).SelectOptionAsync(scope);
        await form.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        var confirm = page.GetByRole(AriaRole.Form, new() { Name = "Confirm it's you", Exact = true });
        if (wrongPasswordFirst is not null)
        {
            await confirm.GetByLabel("Your password", new() { Exact = true }).FillAsync(wrongPasswordFirst);
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
            await Expect(confirm.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That password is not right.");
        }

        await confirm.GetByLabel("Your password", new() { Exact = true }).FillAsync(password);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        var shown = page.GetByTestId("new-key").GetByLabel("New API key");
        await Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^uap_"));
        return await shown.InputValueAsync();
    }
}
