using System.Globalization;
using System.Text.Json;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Members.Devices;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// Allthenticate's users API (<c>/compat/allthenticate/…</c>). <c>user_id</c>, <c>email_id</c> and
/// <c>admin_user_id</c> are all the member's stable numeric id in this organization (their membership number).
/// Replies are <c>{"success": …}</c> with 200 or <c>{"error": …}</c> with 400 (403 when the rules refuse).
/// </summary>
internal static class AllthenticateEndpoints
{
    private static readonly AllthenticateShape Shape = AllthenticateShape.Instance;

    public static void Map(RouteGroupBuilder allthenticate)
    {
        allthenticate.MapPost("/modifyallusernames", ModifyComputerUsernamesAsync);
        allthenticate.MapPost("/modifyrank", ModifyRankAsync);
        allthenticate.MapGet("/modifysmartcard", GetSmartcardsAsync);
        allthenticate.MapPost("/modifysmartcard", ModifySmartcardsAsync);
        allthenticate.MapGet("/multipleusers", ListAsync);
        allthenticate.MapPost("/promoteguest", PromoteGuestAsync);
        allthenticate.MapPost("/togglesuspension", ToggleSuspensionAsync);
        allthenticate.MapGet("/user", GetUserAsync);
        allthenticate.MapDelete("/user", RemoveUserAsync);
        allthenticate.MapFallback("{**rest}", () => Shape.Error(404, "No such endpoint."));
    }

    private static IResult Success(string message) => Results.Json(new Dictionary<string, string> { ["success"] = message });

    /// <summary>Allthenticate names a user by email; a member without one by their username.</summary>
    private static string Who(MemberDetail member) => member.Email.Length == 0 ? member.UserName : member.Email;

    /// <summary>The member named by a numeric id parameter (or, where allowed, by <c>email</c>), through the detail service.</summary>
    private static async Task<(MemberDetail? Member, IResult? Error)> MemberAsync(
        CompatInput input, string idField, MemberDetailService details, Actor actor, CancellationToken ct, bool byEmail = false)
    {
        OperationResult<MemberDetail> found;
        if (input.Has(idField))
        {
            if (input.Number(idField) is not { } id)
            {
                return (null, Shape.Error(400, $"{idField} must be a number."));
            }

            found = await details.GetByMembershipIdAsync(actor, id, ct);
        }
        else if (byEmail && input.Text("email") is { Length: > 0 } email)
        {
            found = await details.FindAsync(actor, null, email, ct);
        }
        else
        {
            return (null, Shape.Error(400, byEmail ? "Pass email_id or email." : $"{idField} is required."));
        }

        return found.Succeeded ? (found.Value!, null) : (null, Shape.From(found));
    }

    private static async Task<IResult> ModifyComputerUsernamesAsync(HttpContext http, MemberDetailService details, MemberDeviceService devices)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        if (input.Array("computer_usernames") is not { } list || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            return Shape.Error(400, "computer_usernames must be a list of {\"computer_username\": …}; pass [] to clear.");
        }

        var names = list.EnumerateArray()
            .Select((e, i) => CompatInput.TextIn(e, "computer_username", $"computer_usernames[{i}]") ?? "")
            .ToList();
        var saved = await devices.ReplaceComputerUsernamesAsync(actor, member.AccountId, names, member.AccountVersion, http.RequestAborted);
        return saved.Succeeded ? Success($"Computer usernames of {Who(member)} were updated.") : Shape.From(saved);
    }

    private static async Task<IResult> ModifyRankAsync(HttpContext http, MemberDetailService details, MemberStandingService standing)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "admin_user_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        var text = input.Text("rank");
        if (text is null || int.TryParse(text, out _) || !Enum.TryParse<MemberRank>(text, ignoreCase: true, out var rank) || !Enum.IsDefined(rank))
        {
            return Shape.Error(400, "rank must be one of ADMIN, REGULAR, SUPER.");
        }

        var changed = await standing.SetRankAsync(actor, member.AccountId, rank, member.Version, http.RequestAborted);
        return changed.Succeeded ? Success($"{Who(member)} is now {rank.ToString().ToUpperInvariant()}.") : Shape.From(changed);
    }

    private static async Task<IResult> GetSmartcardsAsync(HttpContext http, MemberDetailService details, MemberDeviceService devices)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        var held = await devices.GetAsync(actor, member.AccountId, http.RequestAborted);
        return held.Succeeded
            ? Results.Json(new Dictionary<string, object?> { ["email_id"] = member.MembershipId, ["smartcards"] = Smartcards(held.Value!) })
            : Shape.From(held);
    }

    private static List<Dictionary<string, string?>> Smartcards(MemberDevices devices) =>
        devices.Smartcards.Select(c => new Dictionary<string, string?> { ["label"] = c.Label, ["number"] = c.Number }).ToList();

    private static async Task<IResult> ModifySmartcardsAsync(HttpContext http, MemberDetailService details, MemberDeviceService devices)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        if (input.Array("smartcards") is not { } list || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            return Shape.Error(400, "smartcards must be a list of {\"number\": …, \"label\": …}; pass [] to clear.");
        }

        // The documented items are {"number": "<integer string>", "label": "<label string>"}: both strings.
        var cards = list.EnumerateArray()
            .Select((c, i) => new SmartcardInput { Number = CompatInput.TextIn(c, "number", $"smartcards[{i}]") ?? "", Label = CompatInput.TextIn(c, "label", $"smartcards[{i}]") })
            .ToList();
        var allowDuplicates = input.Flag("allow_duplicates") ?? false;
        var saved = await devices.ReplaceSmartcardsAsync(actor, member.AccountId, cards, allowDuplicates, member.AccountVersion, http.RequestAborted);
        return saved.Succeeded ? Success($"Smartcards of {Who(member)} were updated.") : Shape.From(saved);
    }

    private static string? Date(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every member (or with <c>user_tag=GUEST</c> the guests; by default the users) with Allthenticate's fields.
    /// Each member's dates come from the detail service, one read per member: this API has no paging.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, MemberQueryService members, MemberDetailService details)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var tagText = input.Text("user_tag");
        MemberTag tag = MemberTag.User;
        if (tagText is not null && (int.TryParse(tagText, out _) || !Enum.TryParse(tagText, ignoreCase: true, out tag)))
        {
            return Shape.Error(400, "user_tag must be GUEST or USER.");
        }

        var withEmail = input.Flag("email") ?? false;
        var rows = await CompatDirectory.ListAsync(members, actor, new MemberFilter { Tag = tag }, CompatDirectory.WholeListMax, http.RequestAborted);
        if (!rows.Succeeded)
        {
            return Shape.From(rows);
        }

        var users = new List<Dictionary<string, object?>>();
        foreach (var row in rows.Value!)
        {
            var detail = await details.GetAsync(actor, row.AccountId, http.RequestAborted);
            if (!detail.Succeeded)
            {
                continue;
            }

            var d = detail.Value!;
            var name = string.IsNullOrWhiteSpace(d.DisplayName) ? $"{d.FirstName} {d.LastName}".Trim() : d.DisplayName;
            users.Add(new Dictionary<string, object?>
            {
                ["ad_status"] = d.DeviceStatus.ToString().ToUpperInvariant(),
                ["active_date"] = Date(d.ActivatedAt),
                ["confirmed"] = Date(d.EmailConfirmedAt),
                ["created"] = Date(d.CreatedAt),
                ["device_added"] = Date(d.DeviceAddedAt),
                ["email"] = d.Email.Length == 0 ? null : d.Email,
                ["email_id"] = d.MembershipId,
                ["email_status"] = d.EmailConfirmed ? "CONFIRMED" : "UNCONFIRMED",
                ["first_name"] = d.FirstName,
                ["groups"] = row.GroupNames.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(g => new[] { g }).ToList(),
                ["last_name"] = d.LastName,
                ["name"] = withEmail && d.Email.Length > 0 ? $"{name} ({d.Email})" : name,
                ["user_id"] = d.MembershipId,
                ["username"] = d.UserName,
                ["unique_id"] = d.AccountId,
            });
        }

        return Results.Json(users);
    }

    private static async Task<IResult> PromoteGuestAsync(HttpContext http, MemberDetailService details, MemberStandingService standing)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        var promoted = await standing.PromoteGuestAsync(actor, member.AccountId, member.Version, http.RequestAborted);
        return promoted.Succeeded ? Success($"{Who(member)} is now a USER.") : Shape.From(promoted);
    }

    private static async Task<IResult> ToggleSuspensionAsync(HttpContext http, MemberDetailService details, MemberStatusService status)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        var suspend = !member.IsSuspended;
        var toggled = await status.SetSuspendedAsync(actor, member.AccountId, suspend, member.Version, http.RequestAborted);
        return toggled.Succeeded ? Success($"{Who(member)} is now {(suspend ? "SUSPENDED" : "ACTIVE")}.") : Shape.From(toggled);
    }

    private static async Task<IResult> GetUserAsync(HttpContext http, MemberDetailService details, MemberAccessService access, MemberDeviceService devices)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted);
        if (member is null)
        {
            return error!;
        }

        var rights = await access.GetAsync(actor, member.AccountId, http.RequestAborted);
        if (!rights.Succeeded)
        {
            return Shape.From(rights);
        }

        var held = await devices.GetAsync(actor, member.AccountId, http.RequestAborted);
        if (!held.Succeeded)
        {
            return Shape.From(held);
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["policies"] = rights.Value!.Policies.Select(p => new[] { p.Name }).ToList(),
            ["computer_usernames"] = held.Value!.ComputerUsernames,
            ["smartcards"] = Smartcards(held.Value),
        });
    }

    /// <summary>Removes the member from the organization (their groups, and policies only they held, go too); the account stays.</summary>
    private static async Task<IResult> RemoveUserAsync(HttpContext http, MemberDetailService details, MemberStandingService standing)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (member, error) = await MemberAsync(input, "email_id", details, actor, http.RequestAborted, byEmail: true);
        if (member is null)
        {
            return error!;
        }

        var removed = await standing.RemoveAsync(actor, member.AccountId, member.Version, http.RequestAborted);
        return removed.Succeeded
            ? Success($"User {(member.Email.Length == 0 ? member.UserName : $"{member.Email}/{member.UserName}")} was successfully deleted from your organization.")
            : Shape.From(removed);
    }
}
