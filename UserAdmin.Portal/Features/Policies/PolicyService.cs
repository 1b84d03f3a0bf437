using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Policies;

public sealed record PolicySummary(Guid Id, string Name, string Description, int MemberCount, int GroupCount);

/// <summary>A group of the organization and whether the policy is assigned to it.</summary>
public sealed record PolicyGroupRow(Guid GroupId, string Name, bool Assigned, int MemberCount);

public sealed record PolicyDetail(
    Guid Id,
    string Name,
    string Description,
    IReadOnlyList<PolicyGroupRow> Groups,
    int MemberCount,
    bool CanEdit,
    string? WhyNot);

public sealed record PolicyMemberRow(Guid AccountId, string UserName, string DisplayName, MemberRank Rank);

/// <summary>
/// Policies of one organization: create, rename, describe, delete, and who they are assigned to (members directly,
/// groups). DESIGN.md lists policies with groups: the same <c>manage_groups</c> permission edits both.
/// </summary>
public sealed class PolicyService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory, MemberAccessService access)
{
    public const int MaxMembersPage = 100;

    public async Task<OperationResult<IReadOnlyList<PolicySummary>>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ViewerAsync(db, actor, ct) is (null, var refusal))
        {
            return OperationResult<IReadOnlyList<PolicySummary>>.Fail(refusal!);
        }

        var policies = await db.Policies.AsNoTracking()
            .Where(p => p.OrganizationId == actor.OrganizationId)
            .OrderBy(p => p.Name)
            .Select(p => new PolicySummary(p.Id, p.Name, p.Description, p.Members.Count, p.Groups.Count))
            .ToListAsync(ct);
        return OperationResult<IReadOnlyList<PolicySummary>>.Ok(policies);
    }

    public async Task<OperationResult<PolicyDetail>> GetAsync(Actor actor, Guid policyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (viewer, refusal) = await ViewerAsync(db, actor, ct);
        if (viewer is null)
        {
            return OperationResult<PolicyDetail>.Fail(refusal!);
        }

        var policy = await db.Policies.AsNoTracking()
            .Where(p => p.Id == policyId && p.OrganizationId == actor.OrganizationId)
            .Select(p => new { p.Id, p.Name, p.Description, Members = p.Members.Count, GroupIds = p.Groups.Select(g => g.GroupId).ToList() })
            .SingleOrDefaultAsync(ct);
        if (policy is null)
        {
            return OperationResult<PolicyDetail>.Fail(NotFound);
        }

        var groups = await db.Groups.AsNoTracking()
            .Where(g => g.OrganizationId == actor.OrganizationId)
            .OrderBy(g => g.Name)
            .Select(g => new PolicyGroupRow(g.Id, g.Name, policy.GroupIds.Contains(g.Id), g.Members.Count))
            .ToListAsync(ct);
        var whyNot = viewer.Has(PortalPermissions.ManageGroups) ? null : $"You need the {PortalPermissions.ManageGroups} permission to change policies.";
        return OperationResult<PolicyDetail>.Ok(new PolicyDetail(policy.Id, policy.Name, policy.Description, groups, policy.Members, whyNot is null, whyNot));
    }

    /// <summary>The members the policy is assigned to directly, by username, a page at a time (keyset on the username).</summary>
    public async Task<OperationResult<IReadOnlyList<PolicyMemberRow>>> ListMembersAsync(
        Actor actor, Guid policyId, string? after = null, int pageSize = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ViewerAsync(db, actor, ct) is (null, var refusal))
        {
            return OperationResult<IReadOnlyList<PolicyMemberRow>>.Fail(refusal!);
        }

        pageSize = Math.Clamp(pageSize, 1, MaxMembersPage);
        var query = db.PolicyMembers.AsNoTracking()
            .Where(pm => pm.PolicyId == policyId)
            .Join(db.Memberships.Where(m => m.OrganizationId == actor.OrganizationId), pm => pm.MembershipId, m => m.Id, (_, m) => m)
            .Select(m => new { m.AccountId, m.Rank, m.Account!.UserName, m.Account.DisplayName });
        if (after is not null)
        {
            // Translated to SQL's binary comparison, the same order as the keyset's index.
#pragma warning disable CA1309
            query = query.Where(x => string.Compare(x.UserName, after) > 0);
#pragma warning restore CA1309
        }

        var rows = await query.OrderBy(x => x.UserName).Take(pageSize)
            .Select(x => new PolicyMemberRow(x.AccountId, x.UserName ?? "", x.DisplayName, x.Rank))
            .ToListAsync(ct);
        return OperationResult<IReadOnlyList<PolicyMemberRow>>.Ok(rows);
    }

    /// <summary>Names and descriptions follow the rules of group names.</summary>
    public static Dictionary<string, string[]> Validate(string name, string description)
    {
        var errors = GroupService.Validate(name, description);
        errors.Remove("Name");
        if (NameText.RefusalOfRequired(name, Policy.NameMaxLength) is { } refusal)
        {
            errors["Name"] = [refusal];
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
                return OperationResult<Guid>.Fail(NameTaken(name));
            }

            var policy = new Policy { Id = Guid.NewGuid(), OrganizationId = actor.OrganizationId, Name = name, Description = description?.Trim() ?? "", CreatedAt = op.Now };
            op.Db.Policies.Add(policy);
            var record = op.Record("policy.created", $"{op.Actor!.UserName} created policy {name}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["name"] = (null, name) });
            op.Notify(ChangeEntities.Policy, policy.Id.ToString(), "policy.created", record);
            return OperationResult<Guid>.Ok(policy.Id);
        }, ct);

    public Task<OperationResult<bool>> UpdateAsync(Actor actor, Guid policyId, string name, string description, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            if (Validate(name, description) is { Count: > 0 } errors)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            var policy = await op.Db.Policies.SingleOrDefaultAsync(p => p.Id == policyId && p.OrganizationId == actor.OrganizationId, ct);
            if (policy is null)
            {
                return OperationResult<bool>.Fail(NotFound);
            }

            name = name.Trim();
            description = description?.Trim() ?? "";
            if (policy.Name == name && policy.Description == description)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (await NameTakenAsync(op.Db, actor.OrganizationId, name, policyId, ct))
            {
                return OperationResult<bool>.Fail(NameTaken(name));
            }

            var diff = new Dictionary<string, (object?, object?)>();
            if (policy.Name != name)
            {
                diff["name"] = (policy.Name, name);
            }

            if (policy.Description != description)
            {
                diff["description"] = (policy.Description, description);
            }

            (policy.Name, policy.Description) = (name, description);
            var record = op.Record("policy.updated", $"{op.Actor!.UserName} changed policy {name}", ActivityCategory.Admin, diff: diff);
            op.Notify(ChangeEntities.Policy, policyId.ToString(), "policy.updated", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Deletes the policy; its assignments to members and groups go with it (by cascade).</summary>
    public Task<OperationResult<bool>> DeleteAsync(Actor actor, Guid policyId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var policy = await op.Db.Policies.SingleOrDefaultAsync(p => p.Id == policyId && p.OrganizationId == actor.OrganizationId, ct);
            if (policy is null)
            {
                return OperationResult<bool>.Fail(NotFound);
            }

            var members = await op.Db.PolicyMembers.Where(pm => pm.PolicyId == policyId).CountAsync(ct);
            var groups = await op.Db.PolicyGroups.Where(pg => pg.PolicyId == policyId).CountAsync(ct);
            op.Db.Policies.Remove(policy);
            var record = op.Record("policy.deleted", $"{op.Actor!.UserName} deleted policy {policy.Name}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)>
                {
                    ["name"] = (policy.Name, null),
                    ["assignedMembers"] = (members, null),
                    ["assignedGroups"] = (groups, null),
                });
            op.Notify(ChangeEntities.Policy, policyId.ToString(), "policy.deleted", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Assigns the policy to a group of the organization, or takes it away.</summary>
    public Task<OperationResult<bool>> SetGroupAsync(Actor actor, Guid policyId, Guid groupId, bool assigned, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var policy = await op.Db.Policies.SingleOrDefaultAsync(p => p.Id == policyId && p.OrganizationId == actor.OrganizationId, ct);
            var group = await op.Db.Groups.SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == actor.OrganizationId, ct);
            if (policy is null)
            {
                return OperationResult<bool>.Fail(NotFound);
            }

            if (group is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such group in this organization."));
            }

            var existing = await op.Db.PolicyGroups.SingleOrDefaultAsync(pg => pg.PolicyId == policyId && pg.GroupId == groupId, ct);
            if ((existing is not null) == assigned)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (assigned)
            {
                op.Db.PolicyGroups.Add(new PolicyGroup { PolicyId = policyId, GroupId = groupId });
            }
            else
            {
                op.Db.PolicyGroups.Remove(existing!);
            }

            var verb = assigned ? "policy.group_assigned" : "policy.group_unassigned";
            var title = assigned
                ? $"{op.Actor!.UserName} assigned policy {policy.Name} to group {group.Name}"
                : $"{op.Actor!.UserName} took policy {policy.Name} from group {group.Name}";
            var record = op.Record(verb, title, ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["groups"] = assigned ? (null, group.Name) : (group.Name, null) });
            op.Notify(ChangeEntities.Policy, policyId.ToString(), verb, record);

            // The group's members see the policy through it on their pages.
            op.Notify(ChangeEntities.Group, groupId.ToString(), verb);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Assigns the policy to a member directly, or takes it away: the member page's own operation (same rules, same
    /// record, a member notice that policy pages follow), without a version check: the policy page shows no member versions.
    /// </summary>
    public Task<OperationResult<bool>> SetMemberAsync(Actor actor, Guid policyId, Guid accountId, bool assigned, CancellationToken ct = default) =>
        access.SetPolicyAsync(actor, accountId, policyId, assigned, expectedVersion: null, ct);

    private static OperationResult NotFound => OperationResult.NotFound("No such policy in this organization.");

    private static OperationResult NameTaken(string name) => OperationResult.Invalid("Name", $"There is already a policy called '{name}'.");

    private static Task<bool> NameTakenAsync(PortalDbContext db, Guid organizationId, string name, Guid? except, CancellationToken ct)
    {
        // SQLite's lower() folds ASCII only; so does the comparison it stands for here.
        var lower = name.ToLowerInvariant();
        // Inside the query ToLower() becomes SQL lower(), which knows no culture; string.Equals with a comparison type
        // does not translate at all.
#pragma warning disable CA1862, CA1304, CA1311
        return db.Policies.AnyAsync(p => p.OrganizationId == organizationId && p.Name.ToLower() == lower && p.Id != except, ct);
#pragma warning restore CA1862, CA1304, CA1311
    }

    private static async Task<(ActingMember? Viewer, OperationResult? Refusal)> ViewerAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        return viewer is not null && viewer.Has(PortalPermissions.ViewUsers)
            ? (viewer, null)
            : (null, OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission for this."));
    }
}
