using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Api;

/// <summary>Suspension, forced password change, rank, tag and the help desk's password actions on one member.</summary>
internal static class MemberActionEndpoints
{
    public static void MapMemberActionEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/members/{id:guid}").WithTags("Member actions");

        member.MapPost("/suspend", (Guid id, [FromQuery, Description("Optional: the member's version as last read (409 when stale).")] string? version,
                HttpContext http, MemberStatusService status) => SetSuspendedAsync(id, true, version, http, status))
            .WithName("SuspendMember")
            .WithSummary("Suspend a member")
            .WithDescription("They cannot sign in to this organization and their sessions end. Needs suspend_users.")
            .Documented();

        member.MapPost("/unsuspend", (Guid id, [FromQuery] string? version, HttpContext http, MemberStatusService status) =>
                SetSuspendedAsync(id, false, version, http, status))
            .WithName("UnsuspendMember")
            .WithSummary("Unsuspend a member")
            .Documented();

        member.MapPost("/must-change-password", async (Guid id, HttpContext http, PasswordAdminService passwords) =>
                Changed(await passwords.ForceChangeAsync(ApiActor.Of(http), id, http.RequestAborted)))
            .WithName("ForcePasswordChange")
            .WithSummary("Require a password change at next sign-in")
            .WithDescription("Needs reset_passwords, on members you outrank, in every organization of the account.")
            .Documented();

        member.MapPut("/rank", async (Guid id, ApiSetRank body, HttpContext http, MemberStandingService standing) =>
            {
                if (body.Rank is not { } rank)
                {
                    return ApiProblems.Invalid("rank", "Choose Regular, Admin or Super.");
                }

                if (string.IsNullOrWhiteSpace(body.Version))
                {
                    return ApiProblems.Invalid("version", "Quote the member's version from the last read.");
                }

                return Changed(await standing.SetRankAsync(ApiActor.Of(http), id, rank, body.Version, http.RequestAborted));
            })
            .WithName("SetMemberRank")
            .WithSummary("Change a member's rank")
            .WithDescription("SUPER only; nobody changes their own rank, and the last SUPER stays SUPER.")
            .Documented();

        member.MapPut("/tag", async (Guid id, ApiSetTag body, HttpContext http, MemberStandingService standing) =>
            {
                if (body.Tag is not MemberTag.User)
                {
                    return ApiProblems.Invalid("tag", "A guest can be promoted to User; no other change of tag exists.");
                }

                if (string.IsNullOrWhiteSpace(body.Version))
                {
                    return ApiProblems.Invalid("version", "Quote the member's version from the last read.");
                }

                return Changed(await standing.PromoteGuestAsync(ApiActor.Of(http), id, body.Version, http.RequestAborted));
            })
            .WithName("PromoteGuest")
            .WithSummary("Promote a guest to user")
            .Documented();

        member.MapPost("/password/temporary", async (Guid id, HttpContext http, PasswordAdminService passwords) =>
            {
                var result = await passwords.SetTemporaryPasswordAsync(ApiActor.Of(http), id, http.RequestAborted);
                if (!result.Succeeded)
                {
                    return ApiProblems.From(result);
                }

                return TypedResults.Ok(new ApiTemporaryPassword(result.Value!.Password, result.Value.ExpiresAt));
            })
            .WithName("SetTemporaryPassword")
            .WithSummary("Set a temporary password")
            .WithDescription("Random, returned once, forces a change at sign-in and stops working after Portal:Passwords:TemporaryPasswordHours. Ends the member's sessions.")
            .Documented<ApiTemporaryPassword>();

        member.MapPut("/password", async (Guid id, ApiSetPassword body, HttpContext http, PasswordAdminService passwords) =>
            {
                if (string.IsNullOrEmpty(body.Password))
                {
                    return ApiProblems.Invalid("password", "Send the temporary password you chose.");
                }

                return Changed(await passwords.SetChosenPasswordAsync(ApiActor.Of(http), id, body.Password, http.RequestAborted));
            })
            .WithName("SetChosenTemporaryPassword")
            .WithSummary("Set a temporary password of your choosing")
            .WithDescription("For scripts that set a known first password. It must pass the password rules (422 otherwise, with nothing changed); the member must change it at the next sign-in and it stops working after Portal:Passwords:TemporaryPasswordHours. Ends the member's sessions.")
            .Documented();

        member.MapPost("/password/reset-link", async (Guid id, HttpContext http, PasswordResetService resets) =>
            {
                var result = await resets.SendResetLinkAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded
                    ? TypedResults.Ok(new ApiEmailOutcome(result.Value!.Email, result.Value.Sent, result.Value.Problem))
                    : ApiProblems.From(result);
            })
            .WithName("SendPasswordResetLink")
            .WithSummary("Email a password reset link")
            .Documented<ApiEmailOutcome>();

        member.MapPost("/unlock", async (Guid id, HttpContext http, PasswordAdminService passwords) =>
                Changed(await passwords.UnlockAsync(ApiActor.Of(http), id, http.RequestAborted)))
            .WithName("UnlockMember")
            .WithSummary("Clear a sign-in lockout")
            .Documented();

        member.MapPost("/sign-out-everywhere", async (Guid id, HttpContext http, PasswordAdminService passwords) =>
                Changed(await passwords.SignOutEverywhereAsync(ApiActor.Of(http), id, http.RequestAborted)))
            .WithName("SignOutEverywhere")
            .WithSummary("End every session of the member")
            .Documented();
    }

    private static async Task<IResult> SetSuspendedAsync(Guid id, bool suspended, string? version, HttpContext http, MemberStatusService status) =>
        Changed(await status.SetSuspendedAsync(ApiActor.Of(http), id, suspended, string.IsNullOrWhiteSpace(version) ? null : version, http.RequestAborted));

    internal static IResult Changed(OperationResult<bool> result) =>
        result.Succeeded ? TypedResults.Ok(new ApiChanged(result.Value)) : ApiProblems.From(result);

    /// <summary>The answers every member action can give.</summary>
    internal static RouteHandlerBuilder Documented(this RouteHandlerBuilder endpoint) => endpoint.Documented<ApiChanged>();

    internal static RouteHandlerBuilder Documented<T>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<T>()
        .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
