using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Organizations;

namespace UserAdmin.Portal.Components.Account;

/// <summary>
/// Form posts that are not pages: sign-out and switching organization. A post without a valid antiforgery token is an
/// ordinary 400, in every environment.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointConventionBuilder MapPortalAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/Account");

        // The endpoints bind no form parameters and check the token here. A minimal API that binds [FromForm] checks it
        // itself, but in Development (RouteHandlerOptions.ThrowOnBadRequest) a missing token then throws a
        // BadHttpRequestException: logged as an unhandled error, with a stack trace in the answer.
        group.AddEndpointFilter(async (context, next) =>
            await HasValidTokenAsync(context.HttpContext) ? await next(context) : Results.BadRequest());

        group.MapPost("/Logout", async (ClaimsPrincipal user, HttpContext http, [FromServices] SignInService signIn) =>
        {
            await signIn.SignOutAsync(user, http.Connection.RemoteIpAddress?.ToString());
            return Results.LocalRedirect("/Account/Login");
        });

        group.MapPost("/SwitchOrganization", async (
            ClaimsPrincipal user,
            HttpContext http,
            [FromServices] SessionQueries session,
            [FromServices] UserManager<Data.Account> users,
            [FromServices] SignInManager<Data.Account> signInManager) =>
        {
            // The token check has read the form already (a token in a header alone leaves a body of any type).
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
            if (form is null || !Guid.TryParse(form["organizationId"].ToString(), out var organizationId))
            {
                return Results.BadRequest();
            }

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
            return Results.LocalRedirect(IdentityRedirectManager.SafeLocalUrl(form["returnUrl"].ToString()));
        }).RequireAuthorization();

        return group;
    }

    private static async Task<bool> HasValidTokenAsync(HttpContext http)
    {
        try
        {
            return await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            // A body that cannot be read as a form carries no token either.
            return false;
        }
    }
}
