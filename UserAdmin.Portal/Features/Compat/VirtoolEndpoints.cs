using System.Security.Cryptography;
using System.Text;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// Virtool's users API (<c>/compat/virtool/api/users…</c>). A user's <c>id</c> is their username; a group's id is
/// its name. <c>permissions</c> maps every permission of the organization (the portal's own and every application
/// permission it defines) to whether the member holds it through their rank or groups.
/// </summary>
internal static class VirtoolEndpoints
{
    private static readonly VirtoolShape Shape = VirtoolShape.Instance;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users", ListAsync);
        api.MapPost("/users", CreateAsync);
        api.MapGet("/users/{id}", GetAsync);
        api.MapPatch("/users/{id}", EditAsync);
        api.MapDelete("/users/{id}", DeleteAsync);
        api.MapPost("/users/{id}/group", AddToGroupAsync);
        api.MapDelete("/users/{id}/groups/{groupId}", RemoveFromGroupAsync);
        api.MapFallback("{**rest}", () => Shape.Error(404, "Not found"));
    }

    /// <summary>The user as Virtool shapes it, or the refusal of the access read.</summary>
    private static async Task<(Dictionary<string, object?>? User, MemberAccess? Access, IResult? Error)> UserAsync(
        MemberDetail d, Actor actor, MemberAccessService access, CancellationToken ct)
    {
        var rights = await access.GetAsync(actor, d.AccountId, ct);
        if (!rights.Succeeded)
        {
            return (null, null, Shape.From(rights));
        }

        var a = rights.Value!;
        var held = a.Permissions.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var known = PortalPermissions.All.Concat(a.ApplicationPermissions).Concat(held).Distinct().Order(StringComparer.Ordinal);
        var user = new Dictionary<string, object?>
        {
            ["id"] = d.UserName,
            ["groups"] = a.Groups.Where(g => g.IsMember).Select(g => g.Name).ToList(),
            ["permissions"] = known.ToDictionary(k => k, held.Contains),
            ["primary_group"] = a.Groups.FirstOrDefault(g => g.IsPrimary)?.Name ?? "",
            ["force_reset"] = d.MustChangePassword,
            ["last_password_change"] = d.LastPasswordChangeAt is { } changed ? DateTime.SpecifyKind(changed, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture) : null,
            ["identicon"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(d.AccountId.ToString("N")))),
        };
        return (user, a, null);
    }

    private static async Task<IResult> Reply(MemberDetailService details, MemberAccessService access, Actor actor, Guid accountId, int status, CancellationToken ct)
    {
        var member = await details.GetAsync(actor, accountId, ct);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var (user, _, error) = await UserAsync(member.Value!, actor, access, ct);
        return error ?? Results.Json(user, statusCode: status);
    }

    private static async Task<IResult> ListAsync(HttpContext http, MemberQueryService members, MemberDetailService details, MemberAccessService access)
    {
        var actor = ApiActor.Of(http);
        var rows = await CompatDirectory.ListAsync(members, actor, new MemberFilter(), CompatDirectory.WholeListMax, http.RequestAborted);
        if (!rows.Succeeded)
        {
            return Shape.From(rows);
        }

        var users = new List<Dictionary<string, object?>>();
        foreach (var row in rows.Value!)
        {
            var member = await details.GetAsync(actor, row.AccountId, http.RequestAborted);
            if (member.Succeeded && (await UserAsync(member.Value!, actor, access, http.RequestAborted)).User is { } user)
            {
                users.Add(user);
            }
        }

        return Results.Json(users);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, MemberDetailService details, MemberAccessService access)
    {
        var actor = ApiActor.Of(http);
        var member = await details.FindAsync(actor, id, null, http.RequestAborted);
        return member.Succeeded ? await Reply(details, access, actor, member.Value!.AccountId, 200, http.RequestAborted) : Shape.From(member);
    }

    /// <summary>
    /// user_id and password, force_reset (default true), as Virtool takes them. Virtool users have no email address;
    /// the body may carry an <c>email</c> for the portal's emailed links, and leaving it out is fine. A user id or
    /// email already in use is 409.
    /// </summary>
    private static async Task<IResult> CreateAsync(HttpContext http, MemberAdminService admin, MemberDetailService details, MemberAccessService access)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var created = await admin.CreateAsync(actor, new NewMember
        {
            UserName = input.Text("user_id") ?? "",
            Email = input.Text("email") ?? "",
            Password = input.Text("password"),
            MustChangePassword = input.Flag("force_reset") ?? true,
        }, http.RequestAborted);
        if (!created.Succeeded)
        {
            return Shape.From(created);
        }

        http.Response.Headers.Location = $"/compat/virtool/api/users/{input.Text("user_id")?.Trim().ToLowerInvariant()}";
        return await Reply(details, access, actor, created.Value, StatusCodes.Status201Created, http.RequestAborted);
    }

    /// <summary>
    /// <c>password</c> sets a temporary password of the admin's choosing (it must pass the portal's rules; the member
    /// must change it at the next sign-in, so it implies force_reset); <c>force_reset</c> true forces a password change
    /// (the member clears it by choosing a password); <c>primary_group</c> names one of the member's groups ("" or "none"
    /// for none). Everything that can be refused is checked before anything changes: the rights for each part, the
    /// group, then the password itself (the first change made, refused whole if the rules refuse it).
    /// </summary>
    private static async Task<IResult> EditAsync(
        string id, HttpContext http, MemberDetailService details, MemberAccessService access, PasswordAdminService passwords)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        if (input.Has("force_reset") && input.Flag("force_reset") != true)
        {
            return Shape.Error(422, "Invalid input", new Dictionary<string, string[]> { ["force_reset"] = ["Only true: the member clears it by choosing a new password."] });
        }

        var password = input.Has("password") ? input.Text("password") : null;
        if (input.Has("password") && string.IsNullOrEmpty(password))
        {
            return Shape.Error(422, "Invalid input", new Dictionary<string, string[]> { ["password"] = ["A password is required."] });
        }

        var primaryName = input.Has("primary_group") ? input.Text("primary_group") ?? "" : null;

        var found = await details.FindAsync(actor, id, null, http.RequestAborted);
        if (!found.Succeeded)
        {
            return Shape.From(found);
        }

        var member = found.Value!;
        if (password is not null && !member.Can.Allows(MemberAction.ResetPassword))
        {
            return Shape.Error(403, member.Can.WhyNot(MemberAction.ResetPassword) ?? "Not permitted");
        }

        (bool Set, Guid? Id) primary = (false, null);
        if (primaryName is not null)
        {
            if (!member.Can.Allows(MemberAction.ChangeGroups))
            {
                return Shape.Error(403, member.Can.WhyNot(MemberAction.ChangeGroups) ?? "Not permitted");
            }

            var (_, rights, error) = await UserAsync(member, actor, access, http.RequestAborted);
            if (error is not null)
            {
                return error;
            }

            if (primaryName is not ("" or "none"))
            {
                if (rights!.Groups.FirstOrDefault(g => g.Name == primaryName) is not { } group)
                {
                    return Shape.Error(404, "Group not found");
                }

                primary = (true, group.GroupId);
            }
            else
            {
                primary = (true, null);
            }
        }

        if (password is not null)
        {
            var set = await passwords.SetChosenPasswordAsync(actor, member.AccountId, password, http.RequestAborted);
            if (!set.Succeeded)
            {
                return set.Status == OperationStatus.Invalid
                    ? Shape.Error(422, "Invalid input", new Dictionary<string, string[]> { ["password"] = set.FieldErrors?.Values.SelectMany(v => v).ToArray() ?? [set.Message ?? "Invalid password."] })
                    : Shape.From(set);
            }
        }

        if (primary.Set)
        {
            var set = await access.SetPrimaryGroupAsync(actor, member.AccountId, primary.Id, member.Version, http.RequestAborted);
            if (!set.Succeeded)
            {
                return Shape.From(set);
            }
        }

        if (password is null && input.Flag("force_reset") == true)
        {
            var forced = await passwords.ForceChangeAsync(actor, member.AccountId, http.RequestAborted);
            if (!forced.Succeeded)
            {
                return Shape.From(forced);
            }
        }

        return await Reply(details, access, actor, member.AccountId, 200, http.RequestAborted);
    }

    /// <summary>Removes the user account (from every organization it is in), as Virtool's remove does.</summary>
    private static async Task<IResult> DeleteAsync(string id, HttpContext http, MemberDetailService details, MemberStandingService standing)
    {
        var actor = ApiActor.Of(http);
        var member = await details.FindAsync(actor, id, null, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var deleted = await standing.DeleteAccountAsync(actor, member.Value!.AccountId, member.Value.AccountVersion, http.RequestAborted);
        return deleted.Succeeded ? Results.NoContent() : Shape.From(deleted);
    }

    private static async Task<IResult> AddToGroupAsync(string id, HttpContext http, MemberDetailService details, MemberAccessService access)
    {
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        if (input.Text("group_id") is not { Length: > 0 } groupName)
        {
            return Shape.Error(422, "Invalid input", new Dictionary<string, string[]> { ["group_id"] = ["required field"] });
        }

        var (member, group, error) = await MemberAndGroupAsync(id, groupName, actor, details, access, http.RequestAborted);
        if (error is not null)
        {
            return error;
        }

        var added = await access.SetGroupAsync(actor, member!.AccountId, group!.GroupId, true, member.Version, http.RequestAborted);
        return added.Succeeded ? await Reply(details, access, actor, member.AccountId, StatusCodes.Status201Created, http.RequestAborted) : Shape.From(added);
    }

    private static async Task<IResult> RemoveFromGroupAsync(string id, string groupId, HttpContext http, MemberDetailService details, MemberAccessService access)
    {
        var actor = ApiActor.Of(http);
        var (member, group, error) = await MemberAndGroupAsync(id, groupId, actor, details, access, http.RequestAborted);
        if (error is not null)
        {
            return error;
        }

        var removed = await access.SetGroupAsync(actor, member!.AccountId, group!.GroupId, false, member.Version, http.RequestAborted);
        if (!removed.Succeeded)
        {
            return Shape.From(removed);
        }

        var rights = await access.GetAsync(actor, member.AccountId, http.RequestAborted);
        return rights.Succeeded ? Results.Json(rights.Value!.Groups.Where(g => g.IsMember).Select(g => g.Name).ToList()) : Shape.From(rights);
    }

    private static async Task<(MemberDetail? Member, MemberGroupRow? Group, IResult? Error)> MemberAndGroupAsync(
        string id, string groupName, Actor actor, MemberDetailService details, MemberAccessService access, CancellationToken ct)
    {
        var member = await details.FindAsync(actor, id, null, ct);
        if (!member.Succeeded)
        {
            return (null, null, Shape.From(member));
        }

        var rights = await access.GetAsync(actor, member.Value!.AccountId, ct);
        if (!rights.Succeeded)
        {
            return (null, null, Shape.From(rights));
        }

        return rights.Value!.Groups.FirstOrDefault(g => g.Name == groupName) is { } group
            ? (member.Value, group, null)
            : (null, null, Shape.Error(404, "Group not found"));
    }
}
