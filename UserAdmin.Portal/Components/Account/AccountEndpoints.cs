using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Organizations;

namespace UserAdmin.Portal.Components.Account;

/// <summary>Form posts that are not pages: sign-out and switching organization. Both check antiforgery tokens.</summary>
internal static class AccountEndpoints
{
    public static IEndpointConventionBuilder MapPortalAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/Account");

        group.MapPost("/Logout", async (ClaimsPrincipal user, HttpContext http, [FromServices] SignInService signIn, [FromServices] IAntiforgery antiforgery) =>
        {
            // Minimal APIs check the token only on endpoints that bind form fields; this one binds none, so check here.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            await signIn.SignOutAsync(user, http.Connection.RemoteIpAddress?.ToString());
            return Results.LocalRedirect("/Account/Login");
        });

        group.MapPost("/SwitchOrganization", async (
            ClaimsPrincipal user,
            [FromForm] Guid organizationId,
            [FromForm] string? returnUrl,
            [FromServices] SessionQueries session,
            [FromServices] UserManager<Data.Account> users,
            [FromServices] SignInManager<Data.Account> signInManager) =>
        {
            if (user.AccountId() is not { } accountId || await users.FindByIdAsync(accountId.ToString()) is not { } account)
            {
                return Results.Unauthorized();
            }

            var organizations = await session.ListOrganizationsAsync(accountId);
            if (organizations.All(o => o.Id != organizationId))
            {
                return Results.Forbid();
            }

            await signInManager.SignInWithClaimsAsync(account, isPersistent: false, [new Claim(PortalClaims.Organization, organizationId.ToString())]);
            return Results.LocalRedirect(IdentityRedirectManager.SafeLocalUrl(returnUrl));
        }).RequireAuthorization();

        return group;
    }
}
