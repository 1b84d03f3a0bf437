using System.Security.Claims;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users.Export;
using UserAdmin.Portal.Hosting;

// In the grid's namespace, which the hosting code already imports: mapping the export takes one line there.
namespace UserAdmin.Portal.Features.Users;

internal static class MemberExportEndpoints
{
    /// <summary>
    /// <c>GET /users/export.csv?&lt;the grid's query string&gt;</c>: the members matching the grid's filter, in its sort
    /// order, streamed straight to the response. A plain GET so that a link with a <c>download</c> attribute is all
    /// the page needs; it reads only, so it needs no antiforgery token.
    /// </summary>
    public static IEndpointConventionBuilder MapMemberExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/users/export.csv", async (ClaimsPrincipal user, HttpContext http) =>
        {
            if (user.AccountId() is not { } accountId || user.OrganizationId() is not { } organizationId)
            {
                return Results.Forbid();
            }

            // Not registered in AddPortal: built per request from registered services (or taken from the container if it is).
            var export = ActivatorUtilities.GetServiceOrCreateInstance<MemberCsvExport>(http.RequestServices);
            var state = MemberGridState.FromQuery(http.Request.QueryString.Value);
            var actor = new Actor(accountId, organizationId, http.Connection.RemoteIpAddress?.ToString());

            // The policy admitted the request; the service checks the actor again, as every operation does.
            var download = await export.PrepareAsync(actor, state.Filter, state.Sort, http.RequestAborted);
            if (!download.Succeeded)
            {
                return Results.Forbid();
            }

            // Member data: never kept by a browser or proxy cache.
            http.Response.Headers.CacheControl = "no-store";
            return Results.Stream(
                body => export.WriteAsync(download.Value!, body, http.RequestAborted),
                MemberCsvExport.ContentType,
                download.Value!.FileName);
        })
        .RequireAuthorization(PortalPolicies.ViewUsersPolicy);
}
