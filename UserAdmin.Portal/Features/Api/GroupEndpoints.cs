using UserAdmin.Portal.Features.Groups;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The organization's groups.</summary>
internal static class GroupEndpoints
{
    public static void MapGroupEndpoints(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("Groups");

        groups.MapGet("", async (HttpContext http, GroupService service) =>
            {
                var result = await service.ListAsync(ApiActor.Of(http), http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithName("ListGroups")
            .WithSummary("List the organization's groups with their permissions and member counts")
            .Produces<IReadOnlyList<GroupSummary>>();

        groups.MapPost("", async (ApiCreateGroup body, HttpContext http, GroupService service) =>
            {
                var result = await service.CreateAsync(ApiActor.Of(http), body.Name ?? "", body.Description ?? "", http.RequestAborted);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v1/groups/{result.Value}", new ApiCreated(result.Value))
                    : ApiProblems.From(result);
            })
            .WithName("CreateGroup")
            .WithSummary("Create a group")
            .WithDescription("Names are unique in the organization, ignoring case. Needs manage_groups.")
            .Produces<ApiCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
