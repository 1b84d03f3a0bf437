using System.Security.Cryptography;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own that sends its email to a real SMTP server on loopback.</summary>
public sealed class RecoveryPortal : IAsyncLifetime
{
    public LoopbackSmtpServer Smtp { get; private set; } = default!;

    public PortalServer Server { get; private set; } = default!;

    /// <summary>The admin's password as it is now: a test that resets it says so here.</summary>
    public string AdminPassword { get; set; } = "";

    public async Task InitializeAsync()
    {
        Smtp = await LoopbackSmtpServer.StartAsync();
        Server = await PortalServer.StartAsync(new PortalServerOptions { MaxFailedAttempts = 3, Settings = Smtp.PortalSettings });
        AdminPassword = Server.AdminPassword;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class PasswordRecoveryTests(PortalFixture fixture, RecoveryPortal own) : PortalTest(fixture), IClassFixture<RecoveryPortal>
{
    private PortalServer Server => own.Server;

    private async Task RequestResetAsync(IPage page, string login)
    {
        await page.GotoAsync(Server.BaseUrl + LoginPage.Path);
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Username or email", new() { Exact = true }).FillAsync(login);

        // The self-hosted proof-of-work challenge: ticking the box makes the browser solve it.
        await page.GetByLabel("I'm not a robot").ClickAsync();
        await Expect(page.Locator("altcha-widget [data-state]").First).ToHaveAttributeAsync("data-state", "verified");
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Expect(page.GetByTestId("reset-requested")).ToContainTextAsync("a link to choose a new password is on its way");
    }

    private static async Task ChooseNewPasswordAsync(IPage page, string password)
    {
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat new password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(page.GetByTestId("reset-done")).ToContainTextAsync("every other session of the account is signed out");
    }

    [Fact]
    public Task ForgotPasswordEmailsALinkThroughSmtpThatSetsANewPasswordOnce() => RunAsync(async page =>
    {
        var login = new LoginPage(page, Server.BaseUrl);
        var shell = new ShellPage(page, Server.BaseUrl);
        var newPassword = "reset-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

        // Someone who does not exist gets the very same answer (and no email).
        await RequestResetAsync(page, "nobody-" + Guid.NewGuid().ToString("N")[..8]);
        await RequestResetAsync(page, Server.AdminUserName);

        var message = await own.Smtp.WaitForMessageToAsync(Server.AdminEmail);
        Assert.Contains("Subject: Choose a new UserAdmin Portal password", message, StringComparison.Ordinal);
        var link = Server.BaseUrl + LoopbackSmtpServer.LinkPathAndQuery(message, "ResetPassword");

        await page.GotoAsync(link);
        await Expect(page.GetByTestId("reset-username")).ToHaveTextAsync(Server.AdminUserName);
        await ChooseNewPasswordAsync(page, newPassword);
        own.AdminPassword = newPassword;

        // The old password no longer works, the new one does, and the link works once.
        await login.GotoAsync();
        await login.SignInAsync(Server.AdminUserName, Server.AdminPassword);
        await login.ExpectFailureAsync();
        await login.SignInAsync(Server.AdminUserName, newPassword);
        await shell.ExpectDashboardAsync();
        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has already been used");

        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var log = await Server.ReadLogAfterFlushAsync(page);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(newPassword, log, StringComparison.Ordinal);
    });

    [Fact]
    public Task AnAdminUnlocksALockedOutMemberAndSendsThemAResetLink() => RunAsync(async page =>
    {
        var login = new LoginPage(page, Server.BaseUrl);
        var shell = new ShellPage(page, Server.BaseUrl);
        var users = new MemberAdminPage(page, Server.BaseUrl);
        var detail = new MemberDetailPage(page);
        var name = "lk" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{name}@example.org";
        var password = "member-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

        await login.GotoAsync();
        await login.SignInAsync(Server.AdminUserName, own.AdminPassword);
        await shell.ExpectDashboardAsync();
        await users.GotoAsync();
        await users.OpenCreateAsync();
        await users.FillCreateAsync(name, email, "Lena", "Locked", password);
        await users.Dialog.GetByLabel("Must change the password at first sign-in").UncheckAsync();
        await users.SubmitCreateAsync();
        await Expect(users.Dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await shell.SignOutAsync();

        // Three wrong passwords lock the account; then even the right one is refused.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await login.GotoAsync();
            await login.SignInAsync(name, $"wrong-{attempt}-{password}");
            await login.ExpectFailureAsync();
        }

        await login.GotoAsync();
        await login.SignInAsync(name, password);
        await login.ExpectFailureAsync();

        // The admin sees the lockout on the member page and unlocks.
        await login.SignInAsync(Server.AdminUserName, own.AdminPassword);
        await shell.ExpectDashboardAsync();
        await users.GotoAsync();
        await users.SearchAsync(name);
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Lena Locked" }).ClickAsync();
        await detail.WaitUntilShownAsync();
        await detail.Tab("Password and sign-in").ClickAsync();
        var actions = page.GetByRole(AriaRole.Group, new() { Name = "Password actions", Exact = true });
        await Expect(page.Locator(".password-facts")).ToContainTextAsync("until");
        await actions.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true }).ClickAsync();
        await Expect(detail.Notification).ToContainTextAsync($"{name} is unlocked");
        await Expect(actions.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true })).ToBeDisabledAsync();

        // And sends a reset link, which arrives through SMTP.
        await actions.GetByRole(AriaRole.Button, new() { Name = "Send reset link", Exact = true }).ClickAsync();
        await Expect(detail.Notification).ToContainTextAsync($"A reset link is on its way to {email}");
        var message = await own.Smtp.WaitForMessageToAsync(email);
        Assert.Contains("help desk", message, StringComparison.Ordinal);
        await shell.SignOutAsync();

        // The member signs in again with their password.
        await login.ExpectShownAsync();
        await login.SignInAsync(name, password);
        await shell.ExpectDashboardAsync();
    });
}
