using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// The routes of the four user-admin APIs the portal replaces (issue #9), so their scripts keep working with only
/// the address and key changed. Each is a thin adapter: it translates the old request to a call of the same
/// services the pages and <c>/api/v1</c> use, and the result to the old response shape. Rules, validation and
/// activity records stay in the services. Every route needs the API-key policy of <c>/api/v1</c> and shares its
/// per-key rate limit.
/// </summary>
public static class CompatHosting
{
    public const string UsergridPrefix = "/management";
    public const string CompatPrefix = "/compat";

    /// <summary>
    /// Paths that answer in their own JSON shapes, never with the portal's HTML pages: the status code pages and the
    /// cookie's forced password change leave them alone, as they do <c>/api</c> (where ThreatStream's routes live).
    /// </summary>
    public static bool IsCompat(HttpContext http) =>
        http.Request.Path.StartsWithSegments(UsergridPrefix) || http.Request.Path.StartsWithSegments(CompatPrefix);

    public static void MapCompatibilityApis(this WebApplication app)
    {
        ThreatStreamEndpoints.Map(Guarded(app.MapGroup("/api/v1/orgadmin")).WithTags("Compatibility: ThreatStream"));
        UsergridEndpoints.Map(Guarded(app.MapGroup(UsergridPrefix)).WithMetadata(new BearerKeyAccepted(), UsergridShape.Instance));
        AllthenticateEndpoints.Map(Guarded(app.MapGroup(CompatPrefix + "/allthenticate")).WithMetadata(AllthenticateShape.Instance));
        VirtoolEndpoints.Map(Guarded(app.MapGroup(CompatPrefix + "/virtool/api")).WithMetadata(VirtoolShape.Instance));
    }

    private static RouteGroupBuilder Guarded(RouteGroupBuilder group)
    {
        group.RequireAuthorization(ApiKeyDefaults.Policy).RequireRateLimiting(ApiHosting.RateLimitPolicy);
        // Every route reads its parameters through CompatInput, once, here first: a body that is too large, malformed or
        // names a field twice is refused before the route starts. A parameter of the wrong type stops the route when it
        // is read, before it changes anything. Unexpected errors too answer in the system's own shape (ThreatStream's,
        // under /api, are the API's problems).
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var shape = http.GetEndpoint()?.Metadata.GetMetadata<CompatShape>();
            var input = await CompatInput.ReadAsync(http);
            if (input.Refusal is { } refusal)
            {
                return shape?.Error(refusal.Status, refusal.Message) ?? ApiProblems.Problem(refusal.Status, refusal.Message);
            }

            try
            {
                return await next(context);
            }
            catch (CompatInputException ex) when (!http.Response.HasStarted)
            {
                // Invalid input in each system's terms (Virtool's 422 with errors); ThreatStream, like /api/v1's binding, says 400.
                return shape?.From(OperationResult.Invalid(ex.Field, ex.Message)) ?? ApiProblems.Problem(StatusCodes.Status400BadRequest, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !http.Response.HasStarted)
            {
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("UserAdmin.Portal.Compat");
                var (status, message) = DatabaseFaults.Describe(ex) is { } fault
                    ? (StatusCodes.Status503ServiceUnavailable, fault)
                    : (StatusCodes.Status500InternalServerError, "Something went wrong on the server; the error is logged.");
                logger.Log(status == 503 ? LogLevel.Warning : LogLevel.Error, ex, "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
                return shape is not null ? shape.Error(status, message) : ApiProblems.Problem(status, message);
            }
        });
        return group;
    }
}
