using System.Net;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>What the app writes to its log file, and what any logger is handed at any level: never a password.</summary>
public sealed class LoggingTests
{
    private const string WrongPassword = "wrong-guess-ultramarine-31";
    private const string UnknownAccountsPassword = "nobodys-secret-tangerine-57";

    [Fact]
    public async Task TheLogFileNeverContainsASignInPassword()
    {
        await using var app = await PortalServices.CreateAsync(server: true);
        using var client = app.CreateBrowser();

        await SignInThreeWaysAsync(client);

        var written = await LogFileContainingAsync(app, "HTTP POST /Account/Login responded 302");
        Assert.Contains("HTTP POST /Account/Login responded 200", written, StringComparison.Ordinal);
        foreach (var password in new[] { WrongPassword, UnknownAccountsPassword, TestSettings.AdminPassword })
        {
            Assert.DoesNotContain(password, written, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoLoggerIsEverHandedASignInPassword()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateBrowser();

        await SignInThreeWaysAsync(client);

        var handed = app.Logs.Entries;
        Assert.Contains(handed, e => e.Message.Contains("HTTP POST /Account/Login responded 302", StringComparison.Ordinal));
        Assert.Contains(handed, e => e.Level <= LogLevel.Debug);
        foreach (var password in new[] { WrongPassword, UnknownAccountsPassword, TestSettings.AdminPassword })
        {
            Assert.DoesNotContain(handed, e => e.AllText.Contains(password, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RequestLogLinesLeaveOutTheQueryString()
    {
        await using var app = await PortalServices.CreateAsync(server: true);
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync("/Account/Login?returnUrl=%2Freset%3Ftoken%3Dsecret-reset-token-123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var written = await LogFileContainingAsync(app, "HTTP GET /Account/Login responded 200");
        Assert.DoesNotContain("secret-reset-token-123", written, StringComparison.Ordinal);
    }

    private static async Task SignInThreeWaysAsync(HttpClient client)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(TestSettings.AdminUserName, WrongPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync("nobody-" + Guid.NewGuid().ToString("N"), UnknownAccountsPassword)).StatusCode);
        Assert.Equal("/", (await client.SignInAsync(TestSettings.AdminUserName, TestSettings.AdminPassword)).RedirectTarget());
    }

    /// <summary>Serilog writes through a background sink: wait until the file shows the line the test expects.</summary>
    private static Task<string> LogFileContainingAsync(PortalServices app, string line) =>
        Eventually.ReturnsAsync(async () =>
        {
            var text = "";
            foreach (var file in Directory.EnumerateFiles(app.LogFolder, "*.log"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                text += await reader.ReadToEndAsync();
            }

            return text.Contains(line, StringComparison.Ordinal) ? text : null;
        }, $"the log file to show \"{line}\"");
}

/// <summary>A client that leaves mid-request: the request ends as 499, not as a failure.</summary>
public sealed class AbandonedRequestTests
{
    [Fact]
    public async Task WorkCancelledBecauseTheClientLeftEndsAs499WithoutAnError()
    {
        using var left = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = left.Token };
        await left.CancelAsync();

        await LoggingExtensions.EndAbandonedRequestsAsync(context, c => Task.FromCanceled(c.RequestAborted));

        Assert.Equal(LoggingExtensions.ClientClosedRequest, context.Response.StatusCode);
    }

    [Fact]
    public async Task ACancellationWhileTheClientIsStillThereIsNotSwallowed()
    {
        var context = new DefaultHttpContext();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LoggingExtensions.EndAbandonedRequestsAsync(context, _ => throw new OperationCanceledException()));
    }
}
