using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>The API as a whole: every endpoint is guarded by the API-key policy, and the OpenAPI document lists them all.</summary>
public sealed class ApiSurfaceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private List<RouteEndpoint> ApiEndpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText?.TrimStart('/') + "/").StartsWith("api/", StringComparison.OrdinalIgnoreCase))
            .ToList();

    [Fact]
    public void EveryApiEndpointRequiresTheApiKeyPolicyAndNoneAllowsAnonymous()
    {
        var endpoints = ApiEndpoints();

        Assert.True(endpoints.Count >= 20, $"Only {endpoints.Count} API endpoints were found.");
        Assert.All(endpoints, e =>
        {
            Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>());
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            Assert.True(policies.Contains(ApiKeyDefaults.Policy), $"{e.DisplayName} ({e.RoutePattern.RawText}) lacks the {ApiKeyDefaults.Policy} policy.");
        });
    }

    [Fact]
    public async Task TheOpenApiDocumentListsEveryOperationWithTheApiKeySchemeAndASummary()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("apiKey", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("type").GetString());
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name.ToUpperInvariant(), Operation: o.Value)))
            .ToList();
        var documented = operations.Select(o => $"{o.Method} {o.Path}").ToHashSet();
        foreach (var endpoint in ApiEndpoints())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/').Replace(":guid", "", StringComparison.Ordinal);
            Assert.All(methods, m => Assert.Contains($"{m} {path}", documented));
        }

        Assert.All(operations, o =>
        {
            Assert.True(o.Operation.TryGetProperty("summary", out _), $"{o.Method} {o.Path} has no summary.");
            Assert.Equal("ApiKey", o.Operation.GetProperty("security")[0].EnumerateObject().Single().Name);
        });
        Assert.DoesNotContain(operations, o => !o.Path.StartsWith("/api/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApiDocsPageListsEveryOperationOfTheDocument()
    {
        const string password = "amber-lantern-river-42";
        var organization = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, password);
        using var browser = app.CreateBrowser();
        using var signIn = await browser.SignInAsync(member.UserName, password);
        using var client = app.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var page = await browser.GetStringAsync("/api-docs");

        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.Contains($"data-operation=\"{WebUtility.HtmlEncode(o)}\"", page, StringComparison.Ordinal));
        Assert.Contains("Suspend a member", page, StringComparison.Ordinal);
        Assert.Contains("jane.doe@example.org", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDocumentCarriesExampleValues()
    {
        using var client = app.CreateClient();

        var text = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("jane.doe@example.org", text, StringComparison.Ordinal);
    }
}

/// <summary>The per-key rate limit, on an app configured with a small one.</summary>
public sealed class ApiRateLimitTests : IAsyncLifetime
{
    private readonly PortalAppFactory _app = PortalAppFactory.For(Environments.Development, s => s["Portal:Api:RequestsPerMinute"] = "3");

    public async Task InitializeAsync() => await ((IAsyncLifetime)_app).InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AKeyBeyondItsLimitGets429WithRetryAfterWhileAnotherKeyIsUnaffected()
    {
        var kit = new ApiTestKit(_app);
        var (organization, member, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var other = await kit.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        using var client = kit.Client(key);
        using var otherClient = kit.Client(await kit.KeyForAsync(other));

        for (var i = 0; i < 3; i++)
        {
            await ApiTestKit.AssertOkAsync(await client.GetAsync($"/api/v1/members/{member.AccountId}"));
        }

        using var limited = await client.GetAsync($"/api/v1/members/{member.AccountId}");

        await ApiTestKit.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await ApiTestKit.AssertOkAsync(await otherClient.GetAsync($"/api/v1/members/{member.AccountId}"));
    }
}
