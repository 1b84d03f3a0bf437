using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The member detail page (/users/{id}): header, actions, editors and the activity tab.</summary>
public sealed class MemberDetailPage(IPage page)
{
    /// <summary>The member is loaded and the circuit is live (the page says so in data attributes).</summary>
    public Task WaitUntilShownAsync() =>
        page.WaitForFunctionAsync("""
            () => { const s = document.querySelector('section.member-page');
                    return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false' && !!document.querySelector('.member-header'); }
            """);

    public ILocator Heading => page.Locator(".member-header h1");

    public ILocator Badges => page.Locator(".member-badges");

    public ILocator Confirmation => page.Locator(".rz-dialog");

    public ILocator Notification => page.Locator(".rz-notification");

    public ILocator Tab(string name) => page.Locator(".member-tabs").GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    public ILocator Actions => page.GetByRole(AriaRole.Group, new() { Name = "Member actions", Exact = true });

    public ILocator Action(string name) => Actions.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>A button of the "Password and sign-in" tab (open the tab first).</summary>
    public ILocator PasswordAction(string name) =>
        page.GetByRole(AriaRole.Group, new() { Name = "Password actions", Exact = true }).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Email => page.Locator(".member-email");

    /// <param name="timeoutMs">How long the dialog may take to close; Playwright's default (5 s) when not given.</param>
    public async Task ConfirmAsync(string button, float? timeoutMs = null)
    {
        await Confirmation.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Expect(Confirmation).ToHaveCountAsync(0, new() { Timeout = timeoutMs });
    }

    /// <summary>Waits until a save has round-tripped: the page reloaded the member with a new version.</summary>
    public async Task<string> VersionAsync() => await page.Locator("section.member-page").GetAttributeAsync("data-version") ?? "";

    public Task WaitForNewVersionAsync(string before) =>
        page.WaitForFunctionAsync("v => { const s = document.querySelector('section.member-page'); return s && s.dataset.loading === 'false' && s.dataset.version !== v; }", before);
}
