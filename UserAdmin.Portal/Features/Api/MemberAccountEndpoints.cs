using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Members.Devices;

namespace UserAdmin.Portal.Features.Api;

/// <summary>Account-wide data and actions: activation, deletion, custom properties, smartcards, computer usernames, primary group.</summary>
internal static class MemberAccountEndpoints
{
    private const string AccountVersionMissing = "Quote the member's accountVersion from the last read.";

    public static void MapMemberAccountEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/members/{id:guid}").WithTags("Member account");

        member.MapPost("/activation/send", async (Guid id, HttpContext http, ActivationService activation) =>
            {
                var result = await activation.SendActivationAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded
                    ? TypedResults.Ok(new ApiEmailOutcome(result.Value!.Email, result.Value.Sent, result.Value.Problem))
                    : ApiProblems.From(result);
            })
            .WithName("SendActivation")
            .WithSummary("Send (or resend) the activation email of a pending account")
            .Documented<ApiEmailOutcome>();

        member.MapPost("/deactivate", async (Guid id, HttpContext http, ActivationService activation) =>
                MemberActionEndpoints.Changed(await activation.DeactivateAsync(ApiActor.Of(http), id, http.RequestAborted)))
            .WithName("DeactivateAccount")
            .WithSummary("Deactivate an account: it cannot sign in anywhere until reactivated")
            .Documented();

        member.MapPost("/reactivate", async (Guid id, HttpContext http, ActivationService activation) =>
                MemberActionEndpoints.Changed(await activation.ReactivateAsync(ApiActor.Of(http), id, http.RequestAborted)))
            .WithName("ReactivateAccount")
            .WithSummary("Reactivate a deactivated account")
            .Documented();

        member.MapDelete("/account", async (Guid id, [FromQuery, Description("The member's accountVersion as last read.")] string? accountVersion,
                HttpContext http, MemberStandingService standing) =>
            {
                if (string.IsNullOrWhiteSpace(accountVersion))
                {
                    return ApiProblems.Invalid("accountVersion", AccountVersionMissing);
                }

                var result = await standing.DeleteAccountAsync(ApiActor.Of(http), id, accountVersion, http.RequestAborted);
                return result.Succeeded ? Results.NoContent() : ApiProblems.From(result);
            })
            .WithName("DeleteAccount")
            .WithSummary("Delete the account from every organization it belongs to")
            .WithDescription("Allowed only when you may delete it in all of them, and none loses its last SUPER.")
            .Produces(StatusCodes.Status204NoContent)
            .Documented();

        member.MapGet("/properties", async (Guid id, HttpContext http, MemberDetailService details, MemberProfileService profiles) =>
            {
                // The detail read answers "may you see this member" (403/404); the properties read then has no refusal of its own.
                var actor = ApiActor.Of(http);
                var seen = await details.GetAsync(actor, id, http.RequestAborted);
                return seen.Succeeded
                    ? TypedResults.Ok(new ApiProperties(await profiles.GetPropertiesAsync(actor, id, http.RequestAborted)))
                    : ApiProblems.From(seen);
            })
            .WithName("GetMemberProperties")
            .WithSummary("The account's custom properties")
            .Produces<ApiProperties>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        member.MapPut("/properties", async (Guid id, ApiReplaceProperties body, HttpContext http, MemberProfileService profiles) =>
            {
                if (string.IsNullOrWhiteSpace(body.AccountVersion))
                {
                    return ApiProblems.Invalid("accountVersion", AccountVersionMissing);
                }

                var properties = (body.Properties ?? []).Select(p => new PropertyInput { Key = p.Key ?? "", Value = p.Value ?? "" }).ToList();
                return MemberActionEndpoints.Changed(await profiles.ReplacePropertiesAsync(ApiActor.Of(http), id, properties, body.AccountVersion, http.RequestAborted));
            })
            .WithName("ReplaceMemberProperties")
            .WithSummary("Replace the account's custom properties as a whole list")
            .Documented();

        member.MapGet("/devices", async (Guid id, HttpContext http, MemberDeviceService devices) =>
            {
                var result = await devices.GetAsync(ApiActor.Of(http), id, http.RequestAborted);
                return result.Succeeded ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithName("GetMemberDevices")
            .WithSummary("The account's smartcards and computer usernames")
            .Produces<MemberDevices>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        member.MapPut("/smartcards", async (Guid id, ApiReplaceSmartcards body, HttpContext http, MemberDeviceService devices) =>
            {
                if (string.IsNullOrWhiteSpace(body.AccountVersion))
                {
                    return ApiProblems.Invalid("accountVersion", AccountVersionMissing);
                }

                var cards = (body.Smartcards ?? []).Select(c => new SmartcardInput { Number = c.Number ?? "", Label = c.Label }).ToList();
                return MemberActionEndpoints.Changed(await devices.ReplaceSmartcardsAsync(
                    ApiActor.Of(http), id, cards, body.AllowDuplicates ?? false, body.AccountVersion, http.RequestAborted));
            })
            .WithName("ReplaceSmartcards")
            .WithSummary("Replace the account's smartcards as a whole list")
            .Documented();

        member.MapPut("/computer-usernames", async (Guid id, ApiReplaceComputerUsernames body, HttpContext http, MemberDeviceService devices) =>
            {
                if (string.IsNullOrWhiteSpace(body.AccountVersion))
                {
                    return ApiProblems.Invalid("accountVersion", AccountVersionMissing);
                }

                return MemberActionEndpoints.Changed(await devices.ReplaceComputerUsernamesAsync(
                    ApiActor.Of(http), id, body.Names ?? [], body.AccountVersion, http.RequestAborted));
            })
            .WithName("ReplaceComputerUsernames")
            .WithSummary("Replace the account's computer usernames as a whole list")
            .Documented();

        member.MapPut("/primary-group", async (Guid id, ApiSetPrimaryGroup body, HttpContext http, MemberAccessService access) =>
            {
                if (string.IsNullOrWhiteSpace(body.Version))
                {
                    return ApiProblems.Invalid("version", "Quote the member's version from the last read.");
                }

                return MemberActionEndpoints.Changed(await access.SetPrimaryGroupAsync(ApiActor.Of(http), id, body.GroupId, body.Version, http.RequestAborted));
            })
            .WithTags("Member groups and permissions")
            .WithName("SetPrimaryGroup")
            .WithSummary("Set the member's primary group (one of their groups), or none")
            .Documented();
    }
}
