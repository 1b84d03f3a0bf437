using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class LockoutTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task AfterFiveWrongPasswordsEvenTheRightPasswordIsRefusedWithTheSameMessage() => RunAsync(async page =>
    {
        // Its own portal: a locked-out admin would break every other test.
        await using var portal = await PortalServer.StartAsync(new PortalServerOptions { MaxFailedAttempts = 5 });
        var login = new LoginPage(page, portal.BaseUrl);

        var failures = new List<string>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await login.GotoAsync();
            await login.SignInAsync(portal.AdminUserName, $"wrong-password-number-{attempt}");
            failures.Add(await login.ExpectFailureAsync());
        }

        await login.GotoAsync();
        await login.SignInAsync(portal.AdminUserName, portal.AdminPassword);
        var refused = await login.ExpectFailureAsync();

        Assert.All(failures, message => Assert.Equal(message, refused));
    });
}
