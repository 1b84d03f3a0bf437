using System.Globalization;
using System.Text.Json.Serialization;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>One user as ThreatStream's org-admin API lists it; <c>id</c> is the member's stable numeric id here.</summary>
public sealed record ThreatStreamUser(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("username")] string UserName,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("user_role")] string Role,
    [property: JsonPropertyName("is_active")] bool IsActive,
    [property: JsonPropertyName("must_change_password")] bool MustChangePassword,
    [property: JsonPropertyName("date_joined")] DateTime DateJoined,
    [property: JsonPropertyName("last_login")] DateTime? LastLogin,
    [property: JsonPropertyName("resource_uri")] string ResourceUri)
{
    public static ThreatStreamUser From(MemberRow r) => new(
        r.MembershipId, r.UserName, r.Email.Length == 0 ? null : r.Email, r.DisplayName, r.Rank.ToString().ToLowerInvariant(), r.Status == MemberStatus.Active,
        r.MustChangePassword, r.CreatedAt, r.LastSignInAt, Uri(r.MembershipId));

    public static ThreatStreamUser From(MemberDetail d, DateTimeOffset now) => new(
        d.MembershipId, d.UserName, d.Email.Length == 0 ? null : d.Email, d.DisplayName, d.Rank.ToString().ToLowerInvariant(),
        d.IsActivated && !d.IsSuspended && !d.IsLockedOut(now), d.MustChangePassword, d.CreatedAt, d.LastSignInAt, Uri(d.MembershipId));

    private static string Uri(long id) => $"/api/v1/orgadmin/{id}/";
}

/// <summary>Tastypie's list envelope, as ThreatStream answers: <c>meta</c> and <c>objects</c>.</summary>
public sealed record ThreatStreamList(
    [property: JsonPropertyName("meta")] ThreatStreamMeta Meta,
    [property: JsonPropertyName("objects")] IReadOnlyList<ThreatStreamUser> Objects);

public sealed record ThreatStreamMeta(
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("next")] string? Next,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("previous")] string? Previous,
    [property: JsonPropertyName("total_count")] int? TotalCount);

/// <summary>
/// ThreatStream's org-admin API (<c>/api/v1/orgadmin/</c>): list the organization's users, force a password change.
/// Under <c>/api</c>, so its refusals are the API's problem details.
/// </summary>
internal static class ThreatStreamEndpoints
{
    public const int DefaultLimit = 20;

    public static void Map(RouteGroupBuilder orgadmin)
    {
        // GET with a body: the documented example sends one; it is not read.
        orgadmin.MapGet("/", ListAsync)
            .WithName("ThreatStreamListUsers")
            .WithSummary("ThreatStream: list the organization's users")
            .WithDescription("ThreatStream's org-admin list (meta + objects). limit (1–200, default 20); follow meta.next for the next page. Needs view_users.")
            .Produces<ThreatStreamList>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        orgadmin.MapPatch("/{id}/", PatchAsync)
            .WithName("ThreatStreamPatchUser")
            .WithSummary("ThreatStream: force a user's password change")
            .WithDescription("Body {\"must_change_password\": true}; id is the user's id from the list. Needs reset_passwords.")
            .Produces<ThreatStreamUser>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(HttpContext http, MemberQueryService members, int? limit, string? cursor)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > ApiMemberQuery.MaxLimit)
        {
            return ApiProblems.Invalid("limit", $"Ask for 1 to {ApiMemberQuery.MaxLimit} users.");
        }

        var after = MemberCursor.TryDecode(cursor);
        if (cursor is not null && after is null)
        {
            return ApiProblems.Invalid("cursor", "This cursor is not one the API gave out; start again without it.");
        }

        var actor = ApiActor.Of(http);
        var filter = new MemberFilter();
        var page = await members.PageAsync(actor, filter, new MemberSort(MemberSortField.UserName),
            new PageRequest(after is null ? PageAnchor.First : PageAnchor.After, after, size), http.RequestAborted);
        if (!page.Succeeded)
        {
            return ApiProblems.From(page);
        }

        var count = await members.CountAsync(actor, filter, http.RequestAborted);
        var rows = page.Value!;
        var next = rows.HasNext && rows.LastCursor is { } last
            ? $"/api/v1/orgadmin/?limit={size.ToString(CultureInfo.InvariantCulture)}&cursor={Uri.EscapeDataString(last.Encode())}"
            : null;
        return TypedResults.Ok(new ThreatStreamList(
            new ThreatStreamMeta(size, next, 0, null, count.Succeeded ? count.Value : null),
            rows.Rows.Select(ThreatStreamUser.From).ToList()));
    }

    private static async Task<IResult> PatchAsync(
        string id, HttpContext http, MemberDetailService details, PasswordAdminService passwords, TimeProvider clock)
    {
        // must_change_password is a JSON boolean ("yes" or 1 is refused as the wrong type); only true can be asked for.
        var input = await CompatInput.ReadAsync(http);
        if (input.BodyNames.Any(n => n != "must_change_password") || input.Flag("must_change_password") != true)
        {
            return ApiProblems.Problem(400,
                "Only {\"must_change_password\": true} can be changed here; the member clears it by choosing a new password.");
        }

        var actor = ApiActor.Of(http);
        var member = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var membershipId)
            ? await details.GetByMembershipIdAsync(actor, membershipId, http.RequestAborted)
            : await details.GetAsync(actor, Guid.Empty, http.RequestAborted);
        if (!member.Succeeded)
        {
            return ApiProblems.From(member);
        }

        var forced = await passwords.ForceChangeAsync(actor, member.Value!.AccountId, http.RequestAborted);
        if (!forced.Succeeded)
        {
            return ApiProblems.From(forced);
        }

        var updated = await details.GetAsync(actor, member.Value.AccountId, http.RequestAborted);
        return updated.Succeeded ? TypedResults.Ok(ThreatStreamUser.From(updated.Value!, clock.GetUtcNow())) : ApiProblems.From(updated);
    }
}
