using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>The compatibility routes outside <c>/api</c> (which ApiSurfaceTests covers) need the API-key policy too.</summary>
public sealed class CompatSurfaceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("management/", 10)]
    [InlineData("compat/allthenticate/", 8)]
    [InlineData("compat/virtool/api/", 7)]
    public void EveryCompatibilityEndpointRequiresTheApiKeyPolicyAndNoneAllowsAnonymous(string prefix, int atLeast)
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText?.TrimStart('/') + "/").StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.True(endpoints.Count >= atLeast, $"Only {endpoints.Count} endpoints under /{prefix} were found.");
        Assert.All(endpoints, e =>
        {
            Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>());
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            Assert.True(policies.Contains(ApiKeyDefaults.Policy), $"{e.DisplayName} ({e.RoutePattern.RawText}) lacks the {ApiKeyDefaults.Policy} policy.");
        });
    }
}
