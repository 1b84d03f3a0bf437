using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Features.Members;

namespace UserAdmin.Portal.Features.Api;

/// <summary>A member's groups and effective permissions.</summary>
internal static class MemberAccessEndpoints
{
    public static void MapMemberAccessEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/members/{id:guid}").WithTags("Member groups and permissions");

        member.MapGet("/groups", async (Guid id, HttpContext http, MemberAccessService access) =>
            {
                var result = await access.GetAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value!.Groups) : ApiProblems.From(result);
            })
            .WithName("ListMemberGroups")
            .WithSummary("The organization's groups, with whether the member is in each and which is primary")
            .Produces<IReadOnlyList<MemberGroupRow>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        member.MapGet("/permissions", async (Guid id, HttpContext http, MemberAccessService access) =>
            {
                var result = await access.GetAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value!.Permissions) : ApiProblems.From(result);
            })
            .WithName("ListMemberPermissions")
            .WithSummary("The member's effective permissions and what grants each (rank or groups)")
            .Produces<IReadOnlyList<EffectivePermission>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        member.MapPut("/groups/{groupId:guid}", (Guid id, Guid groupId, [FromQuery, Description("Optional: the member's version as last read.")] string? version,
                HttpContext http, MemberAccessService access) => SetGroupAsync(id, groupId, true, version, http, access))
            .WithName("AddMemberToGroup")
            .WithSummary("Add the member to a group")
            .WithDescription("Needs manage_groups; not yourself; ADMIN and SUPER members take a SUPER; nobody grants a permission they do not hold.")
            .Documented();

        member.MapDelete("/groups/{groupId:guid}", (Guid id, Guid groupId, [FromQuery] string? version, HttpContext http, MemberAccessService access) =>
                SetGroupAsync(id, groupId, false, version, http, access))
            .WithName("RemoveMemberFromGroup")
            .WithSummary("Take the member out of a group")
            .Documented();
    }

    private static async Task<IResult> SetGroupAsync(Guid id, Guid groupId, bool member, string? version, HttpContext http, MemberAccessService access) =>
        MemberActionEndpoints.Changed(await access.SetGroupAsync(
            ApiActor.Of(http), id, groupId, member, string.IsNullOrWhiteSpace(version) ? null : version, http.RequestAborted));
}
