using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>The policies list (/policies) and one policy's page (/policies/{id}).</summary>
public sealed class PoliciesPages(IPage page, string baseUrl)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator List => page.GetByRole(AriaRole.Table, new() { Name = "Policies", Exact = true });

    public ILocator Members => page.GetByRole(AriaRole.Table, new() { Name = "Members with this policy", Exact = true });

    public async Task GotoListAsync()
    {
        await page.GotoAsync(baseUrl + "/policies");
        await Interactive.WaitAsync(page, "section.policies-page");
    }

    public async Task CreateAsync(string name, string description)
    {
        await page.GetByLabel("New policy name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("New policy description", new() { Exact = true }).FillAsync(description);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create policy", Exact = true }).ClickAsync();
    }

    public async Task OpenAsync(string name)
    {
        await List.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Interactive.WaitAsync(page, "section.policy-page");
    }

    public async Task AssignMemberAsync(string userName)
    {
        var search = page.GetByLabel("Find a member to assign", new() { Exact = true });
        await search.FillAsync(userName);
        await search.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Assign {userName}", Exact = true }).ClickAsync();
    }
}

/// <summary>/organizations: the signed-in account's organizations with a switch for each other one.</summary>
public sealed class OrganizationsPage(IPage page, string baseUrl)
{
    public ILocator List => page.GetByRole(AriaRole.Table, new() { Name = "Your organizations", Exact = true });

    public async Task GotoAsync()
    {
        await page.GotoAsync(baseUrl + "/organizations");
        await Interactive.WaitAsync(page, "section.organizations-page");
    }

    public async Task GotoNewAsync()
    {
        await page.GotoAsync(baseUrl + "/organizations/new");
        await Interactive.WaitAsync(page, "section.new-organization-page");
    }

    public async Task CreateAsync(string name, string displayName, string firstSuper)
    {
        await page.GetByLabel("Name (a slug", new() { Exact = false }).FillAsync(name);
        await page.GetByLabel("Display name", new() { Exact = true }).FillAsync(displayName);
        await page.GetByLabel("First SUPER admin (username or email)", new() { Exact = true }).FillAsync(firstSuper);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization", Exact = true }).ClickAsync();
    }

    public Task SwitchToAsync(string displayName) =>
        List.GetByRole(AriaRole.Button, new() { Name = $"Switch to {displayName}", Exact = true }).ClickAsync();
}

internal static class Interactive
{
    /// <summary>Waits until the page's circuit is up and its first load is done (the section's data attributes say so).</summary>
    public static Task WaitAsync(IPage page, string section) =>
        page.Locator($"{section}[data-interactive='true'][data-loading='false']").WaitForAsync();
}
