using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Features.Organizations;

namespace UserAdmin.Portal.Features.Api;

/// <summary>Memberships across organizations: an account's organizations, adding an existing account, removal from one. SUPER only.</summary>
internal static class OrganizationEndpoints
{
    public static void MapOrganizationEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/members/{id:guid}/organizations", async (Guid id, HttpContext http, OrganizationMembershipService memberships) =>
            {
                var result = await memberships.ListForAccountAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Organizations")
            .WithName("ListMemberOrganizations")
            .WithSummary("The organizations an account belongs to, with whether you may remove it from each")
            .Produces<IReadOnlyList<AccountOrganizationRow>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/organization/members", async (ApiAddExistingAccount body, HttpContext http, OrganizationMembershipService memberships) =>
            {
                var result = await memberships.AddExistingAccountAsync(ApiActor.Of(http), body.Login ?? "", http.RequestAborted);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v1/members/{result.Value}", new ApiCreated(result.Value))
                    : ApiProblems.From(result);
            })
            .WithTags("Organizations")
            .WithName("AddExistingAccount")
            .WithSummary("Add an existing account (by username or email) to this organization as a REGULAR user")
            .Produces<ApiCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapDelete("/members/{id:guid}/organizations/{organizationId:guid}", async (Guid id, Guid organizationId,
                [FromQuery, Description("The membership's version in that organization, from the organizations list.")] string? version,
                HttpContext http, OrganizationMembershipService memberships) =>
            {
                if (string.IsNullOrWhiteSpace(version))
                {
                    return ApiProblems.Invalid("version", "Quote the membership's version from the organizations list.");
                }

                var result = await memberships.RemoveFromAsync(ApiActor.Of(http), id, organizationId, version, http.RequestAborted);
                return result.Succeeded ? Results.NoContent() : ApiProblems.From(result);
            })
            .WithTags("Organizations")
            .WithName("RemoveFromOrganization")
            .WithSummary("Remove the account from one of its organizations (where you are SUPER)")
            .Produces(StatusCodes.Status204NoContent)
            .Documented();
    }
}
