using System.Security.Cryptography;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own: the test adds a member and writes mail into its pickup folder.</summary>
public sealed class ActivationPortal : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public async Task InitializeAsync() => Server = await PortalServer.StartAsync(new PortalServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class ActivationTests(PortalFixture fixture, ActivationPortal own) : PortalTest(fixture), IClassFixture<ActivationPortal>
{
    [Fact]
    public Task AMemberCreatedWithAnActivationEmailFollowsTheLinkSetsAPasswordAndSignsIn() => RunAsync(async page =>
    {
        var portal = own.Server;
        var name = "act" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{name}@example.org";
        var password = "chosen-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

        // The admin creates the member with an activation email.
        var login = new LoginPage(page, portal.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(portal.AdminUserName, portal.AdminPassword);
        await new ShellPage(page, portal.BaseUrl).ExpectDashboardAsync();
        var users = new MemberAdminPage(page, portal.BaseUrl);
        await users.GotoAsync();
        await users.OpenCreateAsync();
        await users.FillCreateAsync(name, email, "Ada", "Activation", password: null);
        await users.ChooseActivationEmailAsync();
        await users.SubmitCreateAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync("Activation email sent");

        // The link from the .eml file, opened by someone who is not signed in (the link's host is Portal:PublicBaseUrl;
        // this instance listens on a port of its own).
        var eml = await PickupMail.WaitForMessageToAsync(portal.MailFolder, email);
        var link = portal.BaseUrl + PickupMail.ActivationPathAndQuery(eml);
        await using var visitor = await Browser.NewContextAsync();
        var newcomer = await visitor.NewPageAsync();
        await FailureScreenshot.CaptureOnFailureAsync(newcomer, nameof(AMemberCreatedWithAnActivationEmailFollowsTheLinkSetsAPasswordAndSignsIn) + "-newcomer", async () =>
        {
            var activation = new ActivationPage(newcomer);
            await newcomer.GotoAsync(link);
            await Expect(activation.UserName).ToHaveTextAsync(name);
            await activation.ActivateAsync(password);
            await Expect(activation.Heading).ToHaveTextAsync("Your account is active");

            await activation.SignInLink.ClickAsync();
            var memberLogin = new LoginPage(newcomer, portal.BaseUrl);
            await memberLogin.ExpectShownAsync();
            await memberLogin.SignInAsync(name, password);
            await new ShellPage(newcomer, portal.BaseUrl).ExpectDashboardAsync();
            await Expect(new ShellPage(newcomer, portal.BaseUrl).UserMenu).ToContainTextAsync("Ada");

            // The link works once.
            await newcomer.GotoAsync(link);
            await Expect(activation.Alert).ToContainTextAsync("has already been used");
        });

        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var log = await portal.ReadLogAfterFlushAsync(page);
        Assert.Contains(portal.MailFolder, log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
    });
}
