using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class NotFoundTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task AnUnknownAddressShowsPageNotFoundWithStatus404() => RunAsync(async page =>
    {
        var response = await page.GotoAsync(Portal.BaseUrl + "/no/such/page");

        Assert.Equal(404, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
    });

    [Fact]
    public Task ASignedInAdminAlsoGetsPageNotFoundForAnUnknownAddress() => RunSignedInAsync(async page =>
    {
        var response = await page.GotoAsync(Portal.BaseUrl + "/users/no-such-user/settings");

        Assert.Equal(404, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
    });
}
