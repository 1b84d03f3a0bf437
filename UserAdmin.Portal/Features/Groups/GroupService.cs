using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using Group = UserAdmin.Portal.Data.Group;

namespace UserAdmin.Portal.Features.Groups;

public sealed record GroupSummary(Guid Id, string Name, string Description, IReadOnlyList<string> Permissions, int MemberCount);

/// <summary>One permission a group can grant: the portal's own or one the organization defined, and what it means.</summary>
public sealed record PermissionChoice(string Key, string Description, bool IsPortal);

public sealed record GroupDetail(
    Guid Id,
    string Name,
    string Description,
    IReadOnlySet<string> Permissions,
    IReadOnlyList<PermissionChoice> Choices,
    int MemberCount,
    int PrimaryFor,
    bool CanEdit,
    string? WhyNot);

public sealed record GroupMemberRow(long MembershipId, Guid AccountId, string UserName, string DisplayName, MemberRank Rank, bool IsPrimary);

/// <summary>What happens to members whose primary group is being deleted.</summary>
public sealed record PrimaryGroupChoice(Guid? MoveTo);

/// <summary>Groups of one organization: create, rename, describe, their permissions, their members, delete.</summary>
public sealed class GroupService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxMembersPage = 100;

    public async Task<OperationResult<IReadOnlyList<GroupSummary>>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ViewerAsync(db, actor, ct) is { } refusal)
        {
            return OperationResult<IReadOnlyList<GroupSummary>>.Fail(refusal);
        }

        var groups = await db.Groups.AsNoTracking()
            .Where(g => g.OrganizationId == actor.OrganizationId)
            .OrderBy(g => g.Name)
            .Select(g => new GroupSummary(g.Id, g.Name, g.Description, g.Permissions.Select(p => p.Permission).OrderBy(p => p).ToList(), g.Members.Count))
            .ToListAsync(ct);
        return OperationResult<IReadOnlyList<GroupSummary>>.Ok(groups);
    }

    public async Task<OperationResult<GroupDetail>> GetAsync(Actor actor, Guid groupId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null || !viewer.Has(PortalPermissions.ViewUsers))
        {
            return OperationResult<GroupDetail>.Fail(OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission for this."));
        }

        var group = await db.Groups.AsNoTracking()
            .Where(g => g.Id == groupId && g.OrganizationId == actor.OrganizationId)
            .Select(g => new
            {
                g.Id,
                g.Name,
                g.Description,
                Permissions = g.Permissions.Select(p => p.Permission).ToList(),
                Members = g.Members.Count,
                PrimaryFor = db.Memberships.Count(m => m.PrimaryGroupId == g.Id),
            })
            .SingleOrDefaultAsync(ct);
        if (group is null)
        {
            return OperationResult<GroupDetail>.Fail(OperationResult.NotFound("No such group in this organization."));
        }

        var choices = await ChoicesAsync(db, actor.OrganizationId, ct);
        var whyNot = viewer.Has(PortalPermissions.ManageGroups) ? null : $"You need the {PortalPermissions.ManageGroups} permission to change groups.";
        return OperationResult<GroupDetail>.Ok(new GroupDetail(
            group.Id, group.Name, group.Description, group.Permissions.ToHashSet(), choices, group.Members, group.PrimaryFor, whyNot is null, whyNot));
    }

    /// <summary>The group's members, by username, a page at a time (keyset on the username), optionally only those starting with <paramref name="prefix"/>.</summary>
    public async Task<OperationResult<IReadOnlyList<GroupMemberRow>>> ListMembersAsync(
        Actor actor, Guid groupId, string? prefix = null, string? after = null, int pageSize = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ViewerAsync(db, actor, ct) is { } refusal)
        {
            return OperationResult<IReadOnlyList<GroupMemberRow>>.Fail(refusal);
        }

        pageSize = Math.Clamp(pageSize, 1, MaxMembersPage);
        var query = db.GroupMembers.AsNoTracking()
            .Where(g => g.GroupId == groupId && g.Group!.OrganizationId == actor.OrganizationId)
            .Select(g => new { Membership = g.Membership!, g.Membership!.Account!.UserName, g.Membership.Account.DisplayName });
        if (!string.IsNullOrWhiteSpace(prefix))
        {
            var p = prefix.Trim().ToLowerInvariant();
            query = query.Where(x => x.UserName!.StartsWith(p));
        }

        if (after is not null)
        {
            // Translated to SQL's binary comparison, the same order as the keyset's index.
#pragma warning disable CA1309
            query = query.Where(x => string.Compare(x.UserName, after) > 0);
#pragma warning restore CA1309
        }

        var rows = await query.OrderBy(x => x.UserName).Take(pageSize)
            .Select(x => new GroupMemberRow(x.Membership.Id, x.Membership.AccountId, x.UserName ?? "", x.DisplayName, x.Membership.Rank, x.Membership.PrimaryGroupId == groupId))
            .ToListAsync(ct);
        return OperationResult<IReadOnlyList<GroupMemberRow>>.Ok(rows);
    }

    public static Dictionary<string, string[]> Validate(string name, string description)
    {
        var errors = new Dictionary<string, string[]>();
        if (NameText.RefusalOfRequired(name, Group.NameMaxLength) is { } refusal)
        {
            errors["Name"] = [refusal];
        }

        if ((description ?? "").Length > Group.DescriptionMaxLength)
        {
            errors["Description"] = [$"At most {Group.DescriptionMaxLength} characters."];
        }
        else if ((description ?? "").Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            errors["Description"] = ["Control characters are not allowed."];
        }

        return errors;
    }

    public Task<OperationResult<Guid>> CreateAsync(Actor actor, string name, string description, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<Guid>(actor, PortalPermissions.ManageGroups, async op =>
        {
            if (Validate(name, description) is { Count: > 0 } errors)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            name = name.Trim();
            if (await NameTakenAsync(op.Db, actor.OrganizationId, name, null, ct))
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Name", $"There is already a group called '{name}'."));
            }

            var group = new Group { Id = Guid.NewGuid(), OrganizationId = actor.OrganizationId, Name = name, Description = description?.Trim() ?? "", CreatedAt = op.Now };
            op.Db.Groups.Add(group);
            var record = op.Record("group.created", $"{op.Actor!.UserName} created group {name}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["name"] = (null, name) });
            op.Notify(ChangeEntities.Group, group.Id.ToString(), "group.created", record);
            return OperationResult<Guid>.Ok(group.Id);
        }, ct);

    public Task<OperationResult<bool>> UpdateAsync(Actor actor, Guid groupId, string name, string description, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            if (Validate(name, description) is { Count: > 0 } errors)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            var group = await op.Db.Groups.SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == actor.OrganizationId, ct);
            if (group is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such group in this organization."));
            }

            name = name.Trim();
            description = description?.Trim() ?? "";
            if (group.Name == name && group.Description == description)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (await NameTakenAsync(op.Db, actor.OrganizationId, name, groupId, ct))
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Name", $"There is already a group called '{name}'."));
            }

            var diff = new Dictionary<string, (object?, object?)>();
            if (group.Name != name)
            {
                diff["name"] = (group.Name, name);
            }

            if (group.Description != description)
            {
                diff["description"] = (group.Description, description);
            }

            group.Name = name;
            group.Description = description;
            var record = op.Record("group.updated", $"{op.Actor!.UserName} changed group {name}", ActivityCategory.Admin, diff: diff);
            op.Notify(ChangeEntities.Group, groupId.ToString(), "group.updated", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Sets the group's permissions as a whole. Adding a permission grants it to every member, so DESIGN.md's rule
    /// applies: nobody adds a permission they do not hold themselves. Unknown keys are refused.
    /// </summary>
    public Task<OperationResult<bool>> SetPermissionsAsync(Actor actor, Guid groupId, IReadOnlyCollection<string> permissions, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var group = await op.Db.Groups.Include(g => g.Permissions)
                .SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == actor.OrganizationId, ct);
            if (group is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such group in this organization."));
            }

            var known = (await ChoicesAsync(op.Db, actor.OrganizationId, ct)).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            var wanted = permissions.Select(p => p.Trim()).ToHashSet(StringComparer.Ordinal);
            if (wanted.FirstOrDefault(p => !known.Contains(p)) is { } unknown)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Permissions", $"'{unknown}' is not a permission of this organization."));
            }

            var current = group.Permissions.Select(p => p.Permission).ToHashSet(StringComparer.Ordinal);
            var added = wanted.Except(current).OrderBy(p => p, StringComparer.Ordinal).ToList();
            var removed = current.Except(wanted).OrderBy(p => p, StringComparer.Ordinal).ToList();
            if (added.Count == 0 && removed.Count == 0)
            {
                return OperationResult<bool>.Ok(false);
            }

            var notHeld = added.Where(p => !op.Actor!.Has(p)).ToList();
            if (notHeld.Count > 0)
            {
                return OperationResult<bool>.Fail(OperationResult.Forbidden($"You cannot grant {string.Join(", ", notHeld)}: you do not hold it yourself."));
            }

            group.Permissions.RemoveAll(p => removed.Contains(p.Permission));
            group.Permissions.AddRange(added.Select(p => new GroupPermission { GroupId = groupId, Permission = p }));
            var record = op.Record("group.permissions_changed", $"{op.Actor!.UserName} changed the permissions of group {group.Name}", ActivityCategory.Security,
                diff: new Dictionary<string, (object?, object?)> { ["permissions"] = (string.Join(", ", current.Order(StringComparer.Ordinal)), string.Join(", ", wanted.Order(StringComparer.Ordinal))) });
            op.Notify(ChangeEntities.Group, groupId.ToString(), "group.permissions_changed", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Deletes the group. Members whose primary group it is get none, or <see cref="PrimaryGroupChoice.MoveTo"/> as
    /// their primary group (joining it if needed, which is granting: the actor must hold what it grants). When the
    /// group is someone's primary group and no choice was made, nothing happens and the caller is told to choose.
    /// </summary>
    public Task<OperationResult<bool>> DeleteAsync(Actor actor, Guid groupId, PrimaryGroupChoice? primary, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var group = await op.Db.Groups.SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == actor.OrganizationId, ct);
            if (group is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such group in this organization."));
            }

            var primaryFor = await op.Db.Memberships.Where(m => m.PrimaryGroupId == groupId).ToListAsync(ct);
            if (primaryFor.Count > 0 && primary is null)
            {
                return OperationResult<bool>.Fail(OperationResult.Conflict(
                    $"{group.Name} is the primary group of {primaryFor.Count} member(s): choose what their primary group becomes."));
            }

            if (primary?.MoveTo is { } moveTo && primaryFor.Count > 0)
            {
                var target = await op.Db.Groups.Include(g => g.Permissions).SingleOrDefaultAsync(g => g.Id == moveTo && g.OrganizationId == actor.OrganizationId, ct);
                if (target is null || target.Id == groupId)
                {
                    return OperationResult<bool>.Fail(OperationResult.Invalid("MoveTo", "Choose another group of this organization."));
                }

                if (GroupGrants.Check(op.Actor!, target) is { Allowed: false } grant)
                {
                    return OperationResult<bool>.Fail(OperationResult.From(grant));
                }

                var ids = primaryFor.Select(m => m.Id).ToList();
                var already = await op.Db.GroupMembers.Where(g => g.GroupId == moveTo && ids.Contains(g.MembershipId)).Select(g => g.MembershipId).ToListAsync(ct);
                op.Db.GroupMembers.AddRange(ids.Except(already).Select(id => new GroupMember { GroupId = moveTo, MembershipId = id, AddedAt = op.Now }));
                foreach (var membership in primaryFor)
                {
                    membership.PrimaryGroupId = moveTo;
                    MemberOperation.Touch(membership);
                }
            }
            else
            {
                foreach (var membership in primaryFor)
                {
                    membership.PrimaryGroupId = null;
                    MemberOperation.Touch(membership);
                }
            }

            // Group memberships, permissions and policy assignments of the group go by cascade.
            op.Db.Groups.Remove(group);
            var record = op.Record("group.deleted", $"{op.Actor!.UserName} deleted group {group.Name}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["name"] = (group.Name, null) });
            op.Notify(ChangeEntities.Group, groupId.ToString(), "group.deleted", record);
            foreach (var membership in primaryFor)
            {
                op.Notify(ChangeEntities.Member, membership.AccountId.ToString(), "member.primary_group_changed");
            }

            return OperationResult<bool>.Ok(true);
        }, ct);

    private static async Task<IReadOnlyList<PermissionChoice>> ChoicesAsync(PortalDbContext db, Guid organizationId, CancellationToken ct)
    {
        var application = await db.ApplicationPermissions.AsNoTracking()
            .Where(p => p.OrganizationId == organizationId).OrderBy(p => p.Key)
            .Select(p => new PermissionChoice(p.Key, p.Description, false))
            .ToListAsync(ct);
        return PortalPermissions.All.Select(p => new PermissionChoice(p, PortalPermissions.Descriptions[p], true)).Concat(application).ToList();
    }

    private static Task<bool> NameTakenAsync(PortalDbContext db, Guid organizationId, string name, Guid? except, CancellationToken ct)
    {
        // SQLite's lower() folds ASCII only; so does the comparison it stands for here.
        var lower = name.ToLowerInvariant();
        // Inside the query ToLower() becomes SQL lower(), which knows no culture; string.Equals with a comparison type
        // does not translate at all.
#pragma warning disable CA1862, CA1304, CA1311
        return db.Groups.AnyAsync(g => g.OrganizationId == organizationId && g.Name.ToLower() == lower && g.Id != except, ct);
#pragma warning restore CA1862, CA1304, CA1311
    }

    private static async Task<OperationResult?> ViewerAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        return viewer is not null && viewer.Has(PortalPermissions.ViewUsers)
            ? null
            : OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission for this.");
    }
}
