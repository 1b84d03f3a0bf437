using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>The strict policy holds the portal's own pages without breaking them: Chromium reports no violation.</summary>
public sealed class ContentSecurityPolicyTests(PortalFixture fixture) : PortalTest(fixture)
{
    private static readonly string[] Pages = ["/", "/users", "/activity", "/groups", "/policies", "/account/api-keys", "/api-docs"];

    [Fact]
    public Task EveryPageWorksUnderThePolicyWithoutAViolation() => RunSignedInAsync(async page =>
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        // Runs before each page's own scripts, so a violation during load is caught too.
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))");

        foreach (var path in Pages)
        {
            await page.GotoAsync(Portal.BaseUrl + path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.readyState === 'complete'");
        }

        // The user grid's live page works: its filters change the view.
        var users = new UsersPage(page, Portal.BaseUrl);
        await users.GotoAsync();
        await users.FilterByStatusAsync("Suspended");

        Assert.Empty(violations);
    });
}
