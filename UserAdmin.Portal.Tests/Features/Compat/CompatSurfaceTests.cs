using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>The compatibility routes outside <c>/api</c> (which ApiSurfaceTests covers) need the API-key policy too.</summary>
public sealed class CompatSurfaceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    /// <summary>
    /// Usergrid's activation link is opened in a browser, without a key: the route sends it on to the activation page
    /// and checks the key itself before it activates anything (UsergridActivationFlowTests).
    /// </summary>
    private const string OpenWithoutKey = "/management/organizations/{org}/users/{user}/activate";

    [Theory]
    [InlineData("management/", 10)]
    [InlineData("compat/allthenticate/", 8)]
    [InlineData("compat/virtool/api/", 7)]
    public void EveryCompatibilityEndpointRequiresTheApiKeyPolicyAndOnlyUsergridsActivationLinkAllowsAnonymous(string prefix, int atLeast)
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText?.TrimStart('/') + "/").StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.True(endpoints.Count >= atLeast, $"Only {endpoints.Count} endpoints under /{prefix} were found.");
        Assert.All(endpoints, e =>
        {
            Assert.True((e.Metadata.GetMetadata<IAllowAnonymous>() is null) != (e.RoutePattern.RawText == OpenWithoutKey),
                $"{e.DisplayName} ({e.RoutePattern.RawText}) allows anonymous requests, or Usergrid's activation link does not.");
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            Assert.True(policies.Contains(ApiKeyDefaults.Policy), $"{e.DisplayName} ({e.RoutePattern.RawText}) lacks the {ApiKeyDefaults.Policy} policy.");
        });
    }
}
