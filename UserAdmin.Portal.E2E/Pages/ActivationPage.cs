using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>/Account/Activate: the static page an activation email links to.</summary>
public sealed class ActivationPage(IPage page)
{
    public ILocator UserName => page.GetByTestId("activation-username");

    public ILocator Alert => page.GetByRole(AriaRole.Alert);

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator SignInLink => page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true });

    public async Task ActivateAsync(string password)
    {
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat new password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate account" }).ClickAsync();
    }
}
