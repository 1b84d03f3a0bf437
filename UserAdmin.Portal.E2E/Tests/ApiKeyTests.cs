using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class ApiKeyTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public async Task AKeyCreatedOnThePageCallsTheApiAsItsOwnerWithoutACookie()
    {
        // Its own portal: the key and its activity record stay out of the shared portal's feed.
        await using var portal = await PortalServer.StartAsync();
        await RunWithStorageStateAsync(await PortalSignIn.AdminStorageStateAsync(Browser, portal), page => CreateAndUseAsync(page, portal));
    }

    private async Task CreateAndUseAsync(IPage page, PortalServer portal)
    {
        var keys = new ApiKeysPage(page, portal.BaseUrl);
        await keys.GotoAsync();

        // A new key asks for the password again: a wrong one is refused in the dialog, the right one creates the key.
        var key = await keys.CreateAsync("e2e script", "ReadWrite", portal.AdminPassword, wrongPasswordFirst: portal.AdminPassword + "-not");

        await Expect(keys.OwnKeys).ToContainTextAsync("e2e script");
        await Expect(keys.OwnKeys).Not.ToContainTextAsync(key[^16..]);

        // A fresh context has no cookie: only the key speaks.
        await using var anonymous = await Browser.NewContextAsync();
        var member = await anonymous.APIRequest.GetAsync($"{portal.BaseUrl}/api/v1/members/by-username/{portal.AdminUserName}",
            new() { Headers = new Dictionary<string, string> { ["Authorization"] = $"ApiKey {key}" } });
        Assert.Equal(200, member.Status);
        Assert.Equal(portal.AdminUserName, (await member.JsonAsync())?.GetProperty("userName").GetString());

        var refused = await anonymous.APIRequest.GetAsync($"{portal.BaseUrl}/api/v1/members");
        Assert.Equal(401, refused.Status);

        var feed = await anonymous.APIRequest.GetAsync($"{portal.BaseUrl}/api/v1/activity?verb=api_key.created",
            new() { Headers = new Dictionary<string, string> { ["Authorization"] = $"apikey {portal.AdminUserName}:{key}" } });
        Assert.Contains("e2e script", await feed.TextAsync(), StringComparison.Ordinal);
    }
}
