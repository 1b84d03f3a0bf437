using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Benchmarks;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>
/// The live benchmark's browserless circuit client against the real portal: it starts a grid circuit with a signed-in
/// admin's cookie and sees another admin's change arrive in a render batch, as the benchmark's 50 clients must.
/// </summary>
public sealed class CircuitClientTests(PortalFixture fixture, MemberDetailPortal own) : PortalTest(fixture), IClassFixture<MemberDetailPortal>
{
    [Fact]
    public Task ACircuitWithoutABrowserShowsTheGridAndAnotherAdminsChange() => RunAsync(async page =>
    {
        await own.Server.AddMembersAsync([new SeedMember("aaron.circuitwatch", "Aaron Circuitwatch", "aaron.circuitwatch@example.org")]);
        var login = new LoginPage(page, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();
        var cookies = await CircuitClient.CookiesOfAsync(page.Context);

        // Starting waits for the member's row in the circuit's own interactive render (not the prerendered page).
        await using var circuit = await CircuitClient.StartAsync(own.Server.BaseUrl, "/users", cookies, "Aaron Circuitwatch");
        var suspended = circuit.WatchFor("Suspended");

        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        await users.GotoAsync();
        await users.SearchAsync("aaron.circuitwatch");
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Aaron Circuitwatch" }).ClickAsync();
        var detail = new MemberDetailPage(page);
        await detail.WaitUntilShownAsync();
        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");

        var seenAt = await suspended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.InRange(seenAt, (DateTime.UtcNow.AddMinutes(-1) - DateTime.UnixEpoch).TotalMilliseconds, (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds);
        Assert.Null(circuit.Error);
    });
}
