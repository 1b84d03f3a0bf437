using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Members;

public sealed record MemberGroupRow(Guid GroupId, string Name, string Description, IReadOnlyList<string> Permissions, bool IsMember, bool IsPrimary);

/// <summary>One permission the member holds, and where it comes from: their rank, or the groups that grant it.</summary>
public sealed record EffectivePermission(string Key, string Description, bool IsPortal, bool ByRank, IReadOnlyList<string> GrantedBy);

public sealed record MemberPolicyRow(Guid PolicyId, string Name, string Description, bool AssignedDirectly, IReadOnlyList<string> ThroughGroups);

public sealed record MemberAccess(
    IReadOnlyList<MemberGroupRow> Groups,
    IReadOnlyList<EffectivePermission> Permissions,
    IReadOnlyList<MemberPolicyRow> Policies)
{
    /// <summary>Every application permission key the organization defines, held by the member or not.</summary>
    public IReadOnlyList<string> ApplicationPermissions { get; init; } = [];
}

/// <summary>A member's groups (and primary group), effective permissions and policies.</summary>
public sealed class MemberAccessService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<OperationResult<MemberAccess>> GetAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        // A read: no write transaction, so the page never queues behind other admins' saves.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (_, membership, refusal) = await MemberOperation.LoadForReadingAsync(db, actor, accountId, ct);
        if (membership is null)
        {
            return MemberOperation.Fail<MemberAccess>(refusal);
        }

        var organizationId = membership.OrganizationId;
        var groups = await db.Groups.AsNoTracking()
            .Where(g => g.OrganizationId == organizationId)
            .OrderBy(g => g.Name)
            .Select(g => new
            {
                g.Id,
                g.Name,
                g.Description,
                Permissions = g.Permissions.Select(p => p.Permission).OrderBy(p => p).ToList(),
                IsMember = g.Members.Any(m => m.MembershipId == membership.Id),
            })
            .ToListAsync(ct);
        var rows = groups
            .Select(g => new MemberGroupRow(g.Id, g.Name, g.Description, g.Permissions, g.IsMember, g.Id == membership.PrimaryGroupId))
            .ToList();

        var applicationPermissions = await db.ApplicationPermissions.AsNoTracking()
            .Where(p => p.OrganizationId == organizationId)
            .ToDictionaryAsync(p => p.Key, p => p.Description, ct);
        var byRank = membership.Rank >= MemberRank.Admin;
        var granted = rows.Where(g => g.IsMember)
            .SelectMany(g => g.Permissions.Select(p => (Permission: p, Group: g.Name)))
            .ToLookup(x => x.Permission, x => x.Group);
        var keys = granted.Select(g => g.Key).Concat(byRank ? PortalPermissions.All : []).Distinct(StringComparer.Ordinal);
        var permissions = keys
            .Select(key => new EffectivePermission(
                key,
                PortalPermissions.Descriptions.TryGetValue(key, out var d) ? d : applicationPermissions.GetValueOrDefault(key, ""),
                PortalPermissions.IsPortalPermission(key),
                byRank && PortalPermissions.IsPortalPermission(key),
                granted[key].OrderBy(n => n, StringComparer.Ordinal).ToList()))
            .OrderBy(p => p.IsPortal ? 0 : 1).ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

        var memberGroupIds = rows.Where(g => g.IsMember).Select(g => g.GroupId).ToList();
        var policies = await db.Policies.AsNoTracking()
            .Where(p => p.OrganizationId == organizationId)
            .OrderBy(p => p.Name)
            .Select(p => new
            {
                p.Id,
                p.Name,
                p.Description,
                Direct = p.Members.Any(m => m.MembershipId == membership.Id),
                GroupIds = p.Groups.Select(g => g.GroupId).Where(id => memberGroupIds.Contains(id)).ToList(),
            })
            .ToListAsync(ct);
        var groupNames = rows.ToDictionary(g => g.GroupId, g => g.Name);
        var policyRows = policies
            .Select(p => new MemberPolicyRow(p.Id, p.Name, p.Description, p.Direct, p.GroupIds.Select(id => groupNames[id]).OrderBy(n => n, StringComparer.Ordinal).ToList()))
            .ToList();

        return OperationResult<MemberAccess>.Ok(new MemberAccess(rows, permissions, policyRows)
        {
            ApplicationPermissions = applicationPermissions.Keys.Order(StringComparer.Ordinal).ToList(),
        });
    }

    /// <summary>Adds the member to a group or takes them out of it.</summary>
    public Task<OperationResult<bool>> SetGroupAsync(
        Actor actor, Guid accountId, Guid groupId, bool member, string? expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ChangeGroups, expectedVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var group = await op.Db.Groups.Include(g => g.Permissions)
                .SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == membership.OrganizationId, ct);
            if (group is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such group in this organization."));
            }

            var existing = await op.Db.GroupMembers.SingleOrDefaultAsync(g => g.GroupId == groupId && g.MembershipId == membership.Id, ct);
            if ((existing is not null) == member)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (member && GroupGrants.Check(op.Actor!, group) is { Allowed: false } grant)
            {
                return OperationResult<bool>.Fail(OperationResult.From(grant));
            }

            if (member)
            {
                op.Db.GroupMembers.Add(new GroupMember { GroupId = groupId, MembershipId = membership.Id, AddedAt = op.Now });
            }
            else
            {
                op.Db.GroupMembers.Remove(existing!);
                if (membership.PrimaryGroupId == groupId)
                {
                    membership.PrimaryGroupId = null;
                }
            }

            MemberOperation.Touch(membership);
            var name = membership.Account!.UserName ?? "";
            var verb = member ? "member.group_added" : "member.group_removed";
            var title = member ? $"{op.Actor!.UserName} added {name} to group {group.Name}" : $"{op.Actor!.UserName} removed {name} from group {group.Name}";
            var record = op.Record(verb, title, ActivityCategory.Admin, accountId, name,
                new Dictionary<string, (object?, object?)> { ["groups"] = member ? (null, group.Name) : (group.Name, null) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), verb, record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Chooses the member's primary group (one they are in), or none.</summary>
    public Task<OperationResult<bool>> SetPrimaryGroupAsync(
        Actor actor, Guid accountId, Guid? groupId, string expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ChangeGroups, expectedVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            if (membership.PrimaryGroupId == groupId)
            {
                return OperationResult<bool>.Ok(false);
            }

            string? newName = null;
            if (groupId is { } id)
            {
                newName = await op.Db.GroupMembers
                    .Where(g => g.GroupId == id && g.MembershipId == membership.Id && g.Group!.OrganizationId == membership.OrganizationId)
                    .Select(g => g.Group!.Name)
                    .SingleOrDefaultAsync(ct);
                if (newName is null)
                {
                    return OperationResult<bool>.Fail(OperationResult.Invalid("PrimaryGroup", "The primary group must be one of the member's groups."));
                }
            }

            var oldName = membership.PrimaryGroupId is { } oldId ? await op.Db.Groups.Where(g => g.Id == oldId).Select(g => g.Name).SingleOrDefaultAsync(ct) : null;
            membership.PrimaryGroupId = groupId;
            MemberOperation.Touch(membership);
            var name = membership.Account!.UserName ?? "";
            var record = op.Record(
                "member.primary_group_changed",
                newName is null ? $"{op.Actor!.UserName} cleared {name}'s primary group" : $"{op.Actor!.UserName} made {newName} {name}'s primary group",
                ActivityCategory.Admin, accountId, name,
                new Dictionary<string, (object?, object?)> { ["primaryGroup"] = (oldName, newName) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.primary_group_changed", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Assigns a policy to the member directly, or takes the direct assignment away.</summary>
    public Task<OperationResult<bool>> SetPolicyAsync(
        Actor actor, Guid accountId, Guid policyId, bool assigned, string? expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            // Policies are access, like groups: the same rule (not on oneself; ADMIN/SUPER targets need SUPER).
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ChangeGroups, expectedVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var policy = await op.Db.Policies.SingleOrDefaultAsync(p => p.Id == policyId && p.OrganizationId == membership.OrganizationId, ct);
            if (policy is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such policy in this organization."));
            }

            var existing = await op.Db.PolicyMembers.SingleOrDefaultAsync(p => p.PolicyId == policyId && p.MembershipId == membership.Id, ct);
            if ((existing is not null) == assigned)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (assigned)
            {
                op.Db.Add(new PolicyMember { PolicyId = policyId, MembershipId = membership.Id });
            }
            else
            {
                op.Db.Remove(existing!);
            }

            MemberOperation.Touch(membership);
            var name = membership.Account!.UserName ?? "";
            var verb = assigned ? "member.policy_assigned" : "member.policy_unassigned";
            var title = assigned ? $"{op.Actor!.UserName} assigned policy {policy.Name} to {name}" : $"{op.Actor!.UserName} took policy {policy.Name} from {name}";
            var record = op.Record(verb, title, ActivityCategory.Admin, accountId, name,
                new Dictionary<string, (object?, object?)> { ["policies"] = assigned ? (null, policy.Name) : (policy.Name, null) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), verb, record);
            return OperationResult<bool>.Ok(true);
        }, ct);
}

/// <summary>DESIGN.md: nobody grants a permission they do not hold themselves, including by putting someone in a group.</summary>
public static class GroupGrants
{
    public static Decision Check(ActingMember actor, Group group)
    {
        var missing = group.Permissions.Select(p => p.Permission).Where(p => !actor.Has(p)).OrderBy(p => p, StringComparer.Ordinal).ToList();
        return missing.Count == 0
            ? Decision.Allow
            : Decision.Deny($"The group {group.Name} grants {string.Join(", ", missing)}, which you do not hold yourself.");
    }
}
