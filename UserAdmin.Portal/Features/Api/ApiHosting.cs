using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The <c>Portal:Api</c> settings.</summary>
public sealed class ApiSettings
{
    /// <summary>Requests one API key may make per minute; beyond, 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>
/// The REST API's registration and mapping: the ApiKey scheme and policy, per-key rate limiting, problem details,
/// JSON conventions and the OpenAPI document. Endpoints live per resource next to this file and call the same
/// services as the pages.
/// </summary>
public static class ApiHosting
{
    public const string RateLimitPolicy = "api-per-key";

    public static void AddPortalApi(this IServiceCollection services, PortalOptions portal)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.Policy, p => p
                .AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new ApiScopeRequirement()));
        services.AddSingleton<IAuthorizationHandler, ApiScopeRequirementHandler>();

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var perMinute = Math.Max(1, portal.Api.RequestsPerMinute);
        services.AddRateLimiter(limiter => limiter.AddPolicy(RateLimitPolicy, http =>
            RateLimitPartition.GetFixedWindowLimiter(
                // The policy runs after authorization, so the user is the key's principal. The one route open without a key
                // (Usergrid's activation link, opened in a browser) counts per client address instead.
                http.User.FindFirst(ApiKeyDefaults.KeyIdClaim)?.Value ?? "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        services.PostConfigure<RateLimiterOptions>(limiter =>
        {
            // One OnRejected serves every policy: the public forms keep their plain-text answer; the per-key limit answers
            // in the error shape of the route's API (problem details, or a compatibility route's own) with its own Retry-After.
            var others = limiter.OnRejected;
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var endpoint = http.GetEndpoint();
                if (endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != RateLimitPolicy)
                {
                    if (others is not null)
                    {
                        await others(context, ct);
                    }

                    return;
                }

                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var message = $"This API key made more than {perMinute} requests in a minute. Wait {seconds} seconds, then try again.";
                await (endpoint.Metadata.GetMetadata<IApiErrorShape>() is { } shape
                    ? shape.WriteAsync(http, StatusCodes.Status429TooManyRequests, message)
                    : ApiProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, message));
            };
        });

        services.AddSingleton<ApiDocumentReader>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<ApiDocumentTransformer>();
            o.AddSchemaTransformer<ApiExampleTransformer>();
        });
    }

    public static void MapPortalApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(ApiKeyDefaults.Policy)
            .RequireRateLimiting(RateLimitPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapMemberEndpoints();
        api.MapMemberActionEndpoints();
        api.MapMemberAccessEndpoints();
        api.MapMemberAccountEndpoints();
        api.MapGroupEndpoints();
        api.MapPolicyEndpoints();
        api.MapOrganizationEndpoints();
        api.MapActivityEndpoints();

        // The description of the API, not its data: readable without a key, so a script author can start from it.
        app.MapOpenApi(ApiDocumentReader.DocumentRoute).AllowAnonymous();
    }
}
