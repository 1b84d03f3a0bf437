using System.Security.Cryptography;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class LoggingTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task PasswordsNeverAppearInThePortalsLogAfterSignIns() => RunAsync(async page =>
    {
        var wrongPassword = "wrong-" + RandomNumberGenerator.GetHexString(20, lowercase: true);
        var login = new LoginPage(page, Portal.BaseUrl);

        await login.GotoAsync();
        await login.SignInAsync(Portal.AdminUserName, wrongPassword);
        await login.ExpectFailureAsync();

        await login.GotoAsync();
        await login.SignInAsync(Portal.AdminUserName, Portal.AdminPassword);
        await new ShellPage(page, Portal.BaseUrl).ExpectDashboardAsync();

        var log = await Portal.ReadLogAfterFlushAsync(page);
        Assert.Contains("POST /Account/Login", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Portal.AdminPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Portal.AdminPassword, Portal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, Portal.Output, StringComparison.Ordinal);
    });
}
