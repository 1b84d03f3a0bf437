using System.Net;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>Headers, health endpoints and data-protection keys, as a client and an operator meet them.</summary>
public sealed class SecuritySettingsTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/assets/portal.css")]
    [InlineData("/no/such/page")]
    [InlineData("/api/v1/members")]
    [InlineData("/health/ready")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url)
    {
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync(url);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task LivenessAndReadinessAnswerAnonymouslyWithoutDetail()
    {
        using var client = app.CreateBrowser();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.StatusCode, await live.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ReadinessFailsWhenTheDatabaseCannotBeRead()
    {
        await using var broken = PortalAppFactory.For("Development");
        await broken.InitializeAsync();
        using var client = broken.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // The file is replaced by something that is not a database at all.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(broken.Database.FilePath + suffix);
        }

        await File.WriteAllTextAsync(broken.Database.FilePath, "this is not a database, and it is long enough to have a header of sorts");

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task DataProtectionKeysAreKeptBesideTheDatabaseSoARestartKeepsSessions()
    {
        using var client = app.CreateBrowser();

        // The sign-in form issues an antiforgery token, which needs a key.
        using var response = await client.GetAsync("/Account/Login");

        var folder = Path.Combine(Path.GetDirectoryName(app.Database.FilePath)!, "keys");
        Assert.Equal(folder, SecurityExtensions.KeysDirectory(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Portal"] = app.Database.ConnectionString }).Build()));
        Assert.NotEmpty(Directory.GetFiles(folder, "key-*.xml"));
    }

    [Fact]
    public void AConfiguredKeysDirectoryWins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = "Data Source=/srv/portal/portal.db",
            ["Portal:DataProtection:KeysDirectory"] = "/var/lib/portal-keys",
        }).Build();

        Assert.Equal("/var/lib/portal-keys", SecurityExtensions.KeysDirectory(configuration));
    }

    [Theory]
    [InlineData("/api/v1/members")]
    [InlineData("/api/v1/groups")]
    [InlineData("/compat/virtool/api/users")]
    [InlineData("/compat/allthenticate/multipleusers")]
    public async Task AnswersOfTheApiAndTheCompatibilityRoutesAreNeverStored(string url)
    {
        var kit = new ApiTestKit(app);
        var (_, _, key) = await kit.MemberWithKeyAsync();
        using var client = kit.Client(key);
        using var anonymous = kit.Client(null);

        using var response = await client.GetAsync(url);
        using var refused = await anonymous.GetAsync(url);

        await ApiTestKit.AssertOkAsync(response);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: no-store on {url}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(refused.Headers.CacheControl?.NoStore, $"Cache-Control: no-store on the 401 of {url}");
    }

    [Fact]
    public async Task KestrelAnswersPagesAndTheApiWithoutAServerHeader()
    {
        // TestServer never writes a Server header, so this asks the real server, on a free loopback port.
        await using var portal = await PortalServices.CreateAsync(server: true, kestrel: true);
        using var client = portal.CreateBrowser();

        using var page = await client.GetAsync("/Account/Login");
        using var api = await client.GetAsync("/api/v1/members");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (page.StatusCode, api.StatusCode));
        Assert.False(page.Headers.Contains("Server"), string.Join(", ", page.Headers.Server));
        Assert.False(api.Headers.Contains("Server"), string.Join(", ", api.Headers.Server));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from {response.RequestMessage?.RequestUri}");
}
