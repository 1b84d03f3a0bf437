using System.Net;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>The app as a browser meets it: static files, redirects, error pages, cookies and form protection.</summary>
public sealed class PortalHostingTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("/assets/portal.css", "text/css", "portal.css")]
    [InlineData("/assets/scripts/portal.js", "javascript", "scripts/portal.js")]
    [InlineData("/assets/icons/logo.svg", "image/svg+xml", "icons/logo.svg")]
    public async Task TheTopLevelAssetsFolderIsServedUnderAssets(string url, string contentType, string file)
    {
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contentType, response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var source = await File.ReadAllTextAsync(Path.Combine(SolutionFolder(), "wwwroot-assets", file));
        Assert.Equal(source, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnAnonymousVisitToTheDashboardRedirectsToSignIn()
    {
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync("/");

        Assert.Equal("/Account/Login?ReturnUrl=%2F", response.RedirectTarget());
    }

    [Fact]
    public async Task TheSignInPageIsReachableAnonymously()
    {
        using var client = app.CreateBrowser();

        var html = await client.GetStringAsync("/Account/Login");

        Assert.Contains("<h1>Sign in</h1>", html, StringComparison.Ordinal);
        Assert.Null(PortalHttp.ReadAlert(html));
    }

    [Fact]
    public async Task AnUnknownAddressAnswers404WithTheFriendlyNotFoundPage()
    {
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormPostToAnUnknownAddressIsNotTurnedIntoAnAntiforgeryError()
    {
        using var client = app.CreateBrowser();

        using var response = await client.PostAsync("/no/such/page", new FormUrlEncodedContent([]));

        // Routing's own answer (405 where the static-asset fallback matches GET only), not the not-found page's 400.
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
    }

    private static string SolutionFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UserAdminPortal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("UserAdminPortal.sln not found above " + AppContext.BaseDirectory);
    }
}
