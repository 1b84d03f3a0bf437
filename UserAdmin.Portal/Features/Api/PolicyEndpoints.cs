using UserAdmin.Portal.Features.Policies;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The organization's policies and their assignment to members and groups.</summary>
internal static class PolicyEndpoints
{
    public static void MapPolicyEndpoints(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/policies").WithTags("Policies");

        policies.MapGet("", async (HttpContext http, PolicyService service) =>
            {
                var result = await service.ListAsync(ApiActor.Of(http), http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithName("ListPolicies")
            .WithSummary("List the organization's policies with member and group counts")
            .Produces<IReadOnlyList<PolicySummary>>();

        policies.MapPost("", async (ApiCreatePolicy body, HttpContext http, PolicyService service) =>
            {
                var result = await service.CreateAsync(ApiActor.Of(http), body.Name ?? "", body.Description ?? "", http.RequestAborted);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v1/policies/{result.Value}", new ApiCreated(result.Value))
                    : ApiProblems.From(result);
            })
            .WithName("CreatePolicy")
            .WithSummary("Create a policy")
            .WithDescription("Names are unique in the organization, ignoring case. Needs manage_groups.")
            .Produces<ApiCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        policies.MapDelete("/{policyId:guid}", async (Guid policyId, HttpContext http, PolicyService service) =>
            {
                var result = await service.DeleteAsync(ApiActor.Of(http), policyId, http.RequestAborted);
                return result.Succeeded ? Results.NoContent() : ApiProblems.From(result);
            })
            .WithName("DeletePolicy")
            .WithSummary("Delete a policy (its assignments go with it)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        policies.MapPut("/{policyId:guid}/members/{accountId:guid}", (Guid policyId, Guid accountId, HttpContext http, PolicyService service) =>
                SetMemberAsync(policyId, accountId, true, http, service))
            .WithName("AssignPolicyToMember")
            .WithSummary("Assign the policy to a member directly")
            .Documented();

        policies.MapDelete("/{policyId:guid}/members/{accountId:guid}", (Guid policyId, Guid accountId, HttpContext http, PolicyService service) =>
                SetMemberAsync(policyId, accountId, false, http, service))
            .WithName("UnassignPolicyFromMember")
            .WithSummary("Take a directly assigned policy from a member")
            .Documented();

        policies.MapPut("/{policyId:guid}/groups/{groupId:guid}", (Guid policyId, Guid groupId, HttpContext http, PolicyService service) =>
                SetGroupAsync(policyId, groupId, true, http, service))
            .WithName("AssignPolicyToGroup")
            .WithSummary("Assign the policy to a group (its members hold it through the group)")
            .Documented();

        policies.MapDelete("/{policyId:guid}/groups/{groupId:guid}", (Guid policyId, Guid groupId, HttpContext http, PolicyService service) =>
                SetGroupAsync(policyId, groupId, false, http, service))
            .WithName("UnassignPolicyFromGroup")
            .WithSummary("Take the policy from a group")
            .Documented();
    }

    private static async Task<IResult> SetMemberAsync(Guid policyId, Guid accountId, bool assigned, HttpContext http, PolicyService service) =>
        MemberActionEndpoints.Changed(await service.SetMemberAsync(ApiActor.Of(http), policyId, accountId, assigned, http.RequestAborted));

    private static async Task<IResult> SetGroupAsync(Guid policyId, Guid groupId, bool assigned, HttpContext http, PolicyService service) =>
        MemberActionEndpoints.Changed(await service.SetGroupAsync(ApiActor.Of(http), policyId, groupId, assigned, http.RequestAborted));
}
