using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Features.Users.Export;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The grid's query string, as the list and the export read it. Every value is optional.</summary>
public sealed class ApiMemberQuery
{
    [Description("Search username, email, names and computer usernames (3+ characters match anywhere, shorter ones as a prefix).")]
    [FromQuery(Name = "q")] public string? Search { get; set; }

    [Description("Active, Suspended, PendingActivation or LockedOut.")]
    [FromQuery] public string? Status { get; set; }

    [Description("Regular, Admin or Super.")]
    [FromQuery] public string? Rank { get; set; }

    [Description("User or Guest.")]
    [FromQuery] public string? Tag { get; set; }

    [Description("A group id.")]
    [FromQuery] public Guid? Group { get; set; }

    [FromQuery] public bool? EmailConfirmed { get; set; }

    [FromQuery] public bool? MustChangePassword { get; set; }

    [Description("None, Pending or Registered.")]
    [FromQuery] public string? Device { get; set; }

    [Description("DisplayName (default), UserName, Email, Rank, Tag, Status, Groups, CreatedAt or LastSignInAt.")]
    [FromQuery] public string? Sort { get; set; }

    [Description("asc (default) or desc.")]
    [FromQuery] public string? Dir { get; set; }

    [Description("Rows per page, 1–200 (default 50).")]
    [FromQuery] public int? Limit { get; set; }

    [Description("The previous page's next value.")]
    [FromQuery] public string? Cursor { get; set; }

    [Description("Also count every match (costs a query on large organizations).")]
    [FromQuery] public bool? Count { get; set; }

    public const int MaxLimit = 200;

    /// <summary>The filter and sort, or the field errors that make the query unusable (422).</summary>
    public (MemberFilter Filter, MemberSort Sort, Dictionary<string, string[]> Errors) Read()
    {
        var errors = new Dictionary<string, string[]>();
        TEnum? Parse<TEnum>(string? text, string field) where TEnum : struct, Enum
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
            {
                return value;
            }

            errors[field] = [$"Use one of: {string.Join(", ", Enum.GetNames<TEnum>())}."];
            return null;
        }

        var filter = new MemberFilter
        {
            Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
            Status = Parse<MemberStatus>(Status, "status"),
            Rank = Parse<MemberRank>(Rank, "rank"),
            Tag = Parse<MemberTag>(Tag, "tag"),
            GroupId = Group,
            EmailConfirmed = EmailConfirmed,
            MustChangePassword = MustChangePassword,
            DeviceStatus = Parse<DeviceStatus>(Device, "device"),
        };
        if (filter.Search?.Length > 200)
        {
            errors["q"] = ["Search for at most 200 characters."];
        }

        var field = Parse<MemberSortField>(Sort, "sort") ?? MemberSortField.DisplayName;
        if (Dir is not (null or "asc" or "desc"))
        {
            errors["dir"] = ["Use asc or desc."];
        }

        if (Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Ask for 1 to {MaxLimit} rows."];
        }

        if (Cursor is not null && MemberCursor.TryDecode(Cursor) is null)
        {
            errors["cursor"] = ["This cursor is not one the API gave out; start again without it."];
        }

        return (filter, new MemberSort(field, Dir == "desc"), errors);
    }
}

internal static class MemberEndpoints
{
    public static void MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/members").WithTags("Members");

        members.MapGet("", ListAsync)
            .WithName("ListMembers")
            .WithSummary("List members")
            .WithDescription("The user grid's filters, sort and search, one page at a time (keyset paging: any depth costs the same). Needs view_users.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        members.MapGet("/{id:guid}", async (Guid id, HttpContext http, MemberDetailService details, TimeProvider clock) =>
                Member(await details.GetAsync(ApiActor.Of(http), id, http.RequestAborted), clock))
            .WithName("GetMember")
            .WithSummary("Get a member by id")
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapGet("/by-username/{userName}", async (string userName, HttpContext http, MemberDetailService details, TimeProvider clock) =>
                Member(await details.FindAsync(ApiActor.Of(http), userName, null, http.RequestAborted), clock))
            .WithName("GetMemberByUserName")
            .WithSummary("Get a member by username")
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapGet("/by-email/{email}", async (string email, HttpContext http, MemberDetailService details, TimeProvider clock) =>
                Member(await details.FindAsync(ApiActor.Of(http), null, email, http.RequestAborted), clock))
            .WithName("GetMemberByEmail")
            .WithSummary("Get a member by email")
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapPost("", CreateAsync)
            .WithName("CreateMember")
            .WithSummary("Create a member")
            .WithDescription("With a password (forced change on by default) or pending activation (sendActivationEmail, which needs an email). The email is optional. Needs manage_users.")
            .Accepts<ApiCreateMember>("application/json")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        members.MapPut("/{id:guid}/profile", UpdateProfileAsync)
            .WithName("UpdateMemberProfile")
            .WithSummary("Update a member's names and email")
            .WithDescription("Quote accountVersion from the last read; a stale one is refused with 409. A new email is unconfirmed and gets a confirmation link. Leaving email out (or null) keeps it; an empty string removes it.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        members.MapDelete("/{id:guid}", async (Guid id, [FromQuery, Description("The member's version as last read.")] string? version,
                HttpContext http, MemberStandingService standing) =>
            {
                if (string.IsNullOrWhiteSpace(version))
                {
                    return ApiProblems.Invalid("version", "Quote the member's version from the last read.");
                }

                var result = await standing.RemoveAsync(ApiActor.Of(http), id, version, http.RequestAborted);
                return result.Succeeded ? Results.NoContent() : ApiProblems.From(result);
            })
            .WithName("RemoveMember")
            .WithSummary("Remove a member from the organization")
            .WithDescription("Their groups go, and policies only they held; the account stays. Needs manage_users.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        members.MapGet("/export.csv", ExportAsync)
            .WithName("ExportMembers")
            .WithSummary("Export members as CSV")
            .WithDescription("The same filters and sort as the list, every match, streamed. Needs view_users.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    private static IResult Member(OperationResult<MemberDetail> result, TimeProvider clock) =>
        result.Succeeded ? TypedResults.Ok(ApiMember.From(result.Value!, clock.GetUtcNow())) : ApiProblems.From(result);

    private static async Task<IResult> ListAsync([AsParameters] ApiMemberQuery query, HttpContext http, MemberQueryService members)
    {
        var (filter, sort, errors) = query.Read();
        if (errors.Count > 0)
        {
            return ApiProblems.From(OperationResult.Invalid("Some query values are not valid.", errors));
        }

        var actor = ApiActor.Of(http);
        var cursor = MemberCursor.TryDecode(query.Cursor);
        var request = new PageRequest(cursor is null ? PageAnchor.First : PageAnchor.After, cursor, query.Limit ?? 50);
        var page = await members.PageAsync(actor, filter, sort, request, http.RequestAborted);
        if (!page.Succeeded)
        {
            return ApiProblems.From(page);
        }

        int? total = null;
        if (query.Count == true)
        {
            var counted = await members.CountAsync(actor, filter, http.RequestAborted);
            total = counted.Succeeded ? counted.Value : null;
        }

        var rows = page.Value!;
        return TypedResults.Ok(new ApiMemberPage(
            rows.Rows.Select(ApiMemberListItem.From).ToList(),
            rows.HasNext ? rows.LastCursor?.Encode() : null,
            total));
    }

    private static async Task<IResult> CreateAsync(ApiCreateMember body, HttpContext http, MemberAdminService admin, MemberDetailService details, TimeProvider clock)
    {
        var actor = ApiActor.Of(http);
        var created = await admin.CreateAsync(actor, body.ToNewMember(), http.RequestAborted);
        if (!created.Succeeded)
        {
            return ApiProblems.From(created);
        }

        var member = await details.GetAsync(actor, created.Value, http.RequestAborted);
        return member.Succeeded
            ? TypedResults.Created($"/api/v1/members/{created.Value}", ApiMember.From(member.Value!, clock.GetUtcNow()))
            : TypedResults.Created($"/api/v1/members/{created.Value}", new ApiCreated(created.Value));
    }

    private static async Task<IResult> UpdateProfileAsync(
        Guid id, ApiUpdateProfile body, HttpContext http, MemberProfileService profiles, MemberDetailService details, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(body.AccountVersion))
        {
            return ApiProblems.Invalid("accountVersion", "Quote the member's accountVersion from the last read.");
        }

        var actor = ApiActor.Of(http);
        var input = new ProfileInput { FirstName = body.FirstName ?? "", LastName = body.LastName ?? "", DisplayName = body.DisplayName ?? "", Email = body.Email };
        var saved = await profiles.UpdateProfileAsync(actor, id, input, body.AccountVersion, http.RequestAborted);
        return saved.Succeeded ? Member(await details.GetAsync(actor, id, http.RequestAborted), clock) : ApiProblems.From(saved);
    }

    private static async Task<IResult> ExportAsync([AsParameters] ApiMemberQuery query, HttpContext http)
    {
        var (filter, sort, errors) = query.Read();
        if (errors.Count > 0)
        {
            return ApiProblems.From(OperationResult.Invalid("Some query values are not valid.", errors));
        }

        // The same export as the grid's download link (not registered in AddPortal: built from registered services).
        var export = ActivatorUtilities.GetServiceOrCreateInstance<MemberCsvExport>(http.RequestServices);
        var download = await export.PrepareAsync(ApiActor.Of(http), filter, sort, http.RequestAborted);
        if (!download.Succeeded)
        {
            return ApiProblems.From(download);
        }

        return Results.Stream(body => export.WriteAsync(download.Value!, body, http.RequestAborted), MemberCsvExport.ContentType, download.Value!.FileName);
    }
}
