using System.Security.Claims;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.Activity;

internal static class ActivityExportEndpoints
{
    /// <summary>
    /// <c>GET /activity/export.csv?&lt;the activity page's filters&gt;</c>: the matching records, streamed. A plain GET
    /// (a link with a <c>download</c> attribute); it only reads, so it needs no antiforgery token.
    /// </summary>
    public static IEndpointConventionBuilder MapActivityExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/activity/export.csv", async (ClaimsPrincipal user, HttpContext http, ActivityCsvExport export) =>
        {
            if (user.AccountId() is not { } accountId || user.OrganizationId() is not { } organizationId)
            {
                return Results.Forbid();
            }

            var query = ActivityQuery.FromQueryString(http.Request.QueryString.Value);
            var actor = new Actor(accountId, organizationId, http.Connection.RemoteIpAddress?.ToString());

            // The policy admitted the request; the service checks the actor again, as every operation does.
            var prepared = await export.PrepareAsync(actor, query, http.RequestAborted);
            if (!prepared.Succeeded)
            {
                return Results.Forbid();
            }

            http.Response.Headers.CacheControl = "no-store";
            return Results.Stream(body => export.WriteAsync(actor, query, body, http.RequestAborted), ActivityCsvExport.ContentType, prepared.Value);
        })
        .RequireAuthorization(PortalPolicies.ViewActivityPolicy);
}
