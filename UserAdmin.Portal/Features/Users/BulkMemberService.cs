using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Users;

public enum BulkActionKind
{
    ForcePasswordChange,
    Suspend,
    Unsuspend,
    AddToGroup,
    RemoveFromGroup,
    RemoveFromOrganization,
    Unlock,
    SignOutEverywhere,
}

/// <summary>A bulk action and what it applies to: chosen rows, or everything that matches a filter.</summary>
public sealed record BulkRequest(BulkActionKind Action, IReadOnlyList<long>? MembershipIds, MemberFilter? Filter, Guid? GroupId = null);

public enum BulkVerdict
{
    WillChange,
    Unchanged,
    Refused,
}

public sealed record BulkMemberOutcome(long MembershipId, string UserName, BulkVerdict Verdict, string? Reason);

public sealed record BulkPreview(int WillChange, int Unchanged, IReadOnlyList<(string Reason, int Count, IReadOnlyList<string> Examples)> Refusals)
{
    public int Refused => Refusals.Sum(r => r.Count);
}

public sealed record BulkProgress(int Done, int Total);

/// <summary>
/// Bulk actions over many members: a preview that says what would happen to whom, then an apply that re-checks
/// every member against the rules, changes the allowed ones in batches (one transaction and one activity record
/// per changed member each), and reports every member's outcome. Batches keep each transaction short, so other
/// admins are never blocked for long and a crash leaves every member either fully changed or untouched.
/// </summary>
public sealed class BulkMemberService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int BatchSize = 500;
    public const int MaxMembers = 100_000;

    public static string Describe(BulkActionKind action) => action switch
    {
        BulkActionKind.ForcePasswordChange => "Force password change",
        BulkActionKind.Suspend => "Suspend",
        BulkActionKind.Unsuspend => "Unsuspend",
        BulkActionKind.AddToGroup => "Add to group",
        BulkActionKind.RemoveFromGroup => "Remove from group",
        BulkActionKind.Unlock => "Unlock",
        BulkActionKind.SignOutEverywhere => "Sign out everywhere",
        _ => "Remove from organization",
    };

    /// <summary>Actions on the account itself (all its organizations), which the rules check account-wide.</summary>
    private static bool IsAccountWide(BulkActionKind action) =>
        action is BulkActionKind.ForcePasswordChange or BulkActionKind.Unlock or BulkActionKind.SignOutEverywhere;

    public static string Permission(BulkActionKind action) => action switch
    {
        BulkActionKind.ForcePasswordChange or BulkActionKind.Unlock or BulkActionKind.SignOutEverywhere => PortalPermissions.ResetPasswords,
        BulkActionKind.Suspend or BulkActionKind.Unsuspend => PortalPermissions.SuspendUsers,
        BulkActionKind.AddToGroup or BulkActionKind.RemoveFromGroup => PortalPermissions.ManageGroups,
        _ => PortalPermissions.ManageUsers,
    };

    private static MemberAction RuleAction(BulkActionKind action) => action switch
    {
        BulkActionKind.ForcePasswordChange or BulkActionKind.Unlock or BulkActionKind.SignOutEverywhere => MemberAction.ResetPassword,
        BulkActionKind.Suspend or BulkActionKind.Unsuspend => MemberAction.Suspend,
        BulkActionKind.AddToGroup or BulkActionKind.RemoveFromGroup => MemberAction.ChangeGroups,
        _ => MemberAction.Remove,
    };

    /// <summary>What the action would do, without changing anything.</summary>
    public async Task<OperationResult<BulkPreview>> PreviewAsync(Actor actor, BulkRequest request, CancellationToken ct = default)
    {
        var outcomes = new List<BulkMemberOutcome>();
        var result = await RunBatchesAsync(actor, request, apply: false, outcomes.AddRange, progress: null, ct);
        if (!result.Succeeded)
        {
            return OperationResult<BulkPreview>.Fail(result);
        }

        var refusals = outcomes.Where(o => o.Verdict == BulkVerdict.Refused)
            .GroupBy(o => o.Reason!)
            .Select(g => (g.Key, g.Count(), (IReadOnlyList<string>)g.Take(5).Select(o => o.UserName).ToList()))
            .OrderByDescending(r => r.Item2)
            .ToList();
        return OperationResult<BulkPreview>.Ok(new BulkPreview(
            outcomes.Count(o => o.Verdict == BulkVerdict.WillChange),
            outcomes.Count(o => o.Verdict == BulkVerdict.Unchanged),
            refusals));
    }

    /// <summary>Applies the action; every member's outcome is reported, in batches, as it happens.</summary>
    public Task<OperationResult> ApplyAsync(
        Actor actor, BulkRequest request, Action<IReadOnlyList<BulkMemberOutcome>> report, IProgress<BulkProgress>? progress, CancellationToken ct = default) =>
        RunBatchesAsync(actor, request, apply: true, report, progress, ct);

    private async Task<OperationResult> RunBatchesAsync(
        Actor actor, BulkRequest request, bool apply, Action<IReadOnlyList<BulkMemberOutcome>> report, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        if (request.Action is BulkActionKind.AddToGroup or BulkActionKind.RemoveFromGroup && request.GroupId is null)
        {
            return OperationResult.Invalid("GroupId", "Choose a group.");
        }

        var ids = await ResolveTargetsAsync(actor, request, ct);
        if (!ids.Succeeded)
        {
            return ids;
        }

        var all = ids.Value!;
        var activeSupers = -1;
        for (var start = 0; start < all.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            var batch = all.Skip(start).Take(BatchSize).ToList();
            var outcome = await runner.RunAsMemberAsync<List<BulkMemberOutcome>>(actor, Permission(request.Action), async op =>
            {
                if (activeSupers < 0)
                {
                    activeSupers = await op.Db.Memberships.CountAsync(m => m.OrganizationId == actor.OrganizationId && m.Rank == MemberRank.Super && !m.IsSuspended, ct);
                }

                var (outcomes, supersLeft) = await ProcessBatchAsync(op, request, batch, activeSupers, apply, ct);
                activeSupers = supersLeft;

                // A preview changes nothing: refuse to commit, but hand the verdicts back.
                return apply ? OperationResult<List<BulkMemberOutcome>>.Ok(outcomes) : new(OperationStatus.Conflict, outcomes, "preview");
            }, ct);

            if (outcome.Value is null)
            {
                return outcome;
            }

            report(outcome.Value);
            progress?.Report(new BulkProgress(Math.Min(all.Count, start + batch.Count), all.Count));
        }

        return OperationResult.Ok();
    }

    private async Task<OperationResult<List<long>>> ResolveTargetsAsync(Actor actor, BulkRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (member is null || !member.Has(PortalPermissions.ViewUsers))
        {
            return OperationResult<List<long>>.Fail(OperationResult.Forbidden("You may not list this organization's members."));
        }

        if (request.Filter is { } filter)
        {
            var ids = new List<long>();
            var query = new MemberQueryService(dbFactory, TimeProvider.System);
            await foreach (var row in query.StreamAsync(actor.OrganizationId, filter, new MemberSort(), ct))
            {
                if (ids.Count == MaxMembers)
                {
                    return OperationResult<List<long>>.Fail(OperationResult.Invalid($"A bulk action can change at most {MaxMembers:N0} members at once; narrow the filter."));
                }

                ids.Add(row.MembershipId);
            }

            return OperationResult<List<long>>.Ok(ids);
        }

        var chosen = (request.MembershipIds ?? []).Distinct().ToList();
        if (chosen.Count > MaxMembers)
        {
            return OperationResult<List<long>>.Fail(OperationResult.Invalid($"A bulk action can change at most {MaxMembers:N0} members at once."));
        }

        // Ids from another organization are dropped here, silently: they are not this actor's to see.
        var inOrganization = new List<long>();
        foreach (var chunk in chosen.Chunk(BatchSize))
        {
            inOrganization.AddRange(await db.Memberships.Where(m => m.OrganizationId == actor.OrganizationId && chunk.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct));
        }

        return OperationResult<List<long>>.Ok(inOrganization);
    }

    /// <summary>What a batch needs to know of each member: read as plain values, nothing tracked.</summary>
    private sealed record BatchMember(long Id, Guid AccountId, string UserName, MemberRank Rank, bool IsSuspended, bool MustChangePassword, DateTimeOffset? LockoutEnd, int AccessFailedCount);

    /// <summary>
    /// Decides every member of the batch against the rules, then (when applying) writes the allowed changes set-based:
    /// one statement per kind of change for the whole batch, and one activity record and notice per changed member.
    /// </summary>
    private static async Task<(List<BulkMemberOutcome>, int SupersLeft)> ProcessBatchAsync(
        OperationContext op, BulkRequest request, List<long> batch, int activeSupers, bool apply, CancellationToken ct)
    {
        var actor = op.Actor!;
        var organizationId = actor.OrganizationId;
        var members = await op.Db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && batch.Contains(m.Id))
            .Select(m => new BatchMember(m.Id, m.AccountId, m.Account!.UserName ?? "", m.Rank, m.IsSuspended, m.Account.MustChangePassword, m.Account.LockoutEnd, m.Account.AccessFailedCount))
            .ToListAsync(ct);

        Group? group = null;
        if (request.GroupId is { } groupId)
        {
            group = await op.Db.Groups.AsNoTracking().Include(g => g.Permissions).SingleOrDefaultAsync(g => g.Id == groupId && g.OrganizationId == organizationId, ct);
            if (group is null)
            {
                return (members.Select(m => new BulkMemberOutcome(m.Id, m.UserName, BulkVerdict.Refused, "That group does not exist in this organization.")).ToList(), activeSupers);
            }
        }

        // Putting members in a group grants what the group grants: nobody grants what they do not hold.
        var grantRefusal = request.Action == BulkActionKind.AddToGroup && GroupGrants.Check(actor, group!) is { Allowed: false } grant ? grant.Reason : null;

        // Account-wide actions need the actor's say over every organization the account is in.
        var accountIds = members.Select(m => m.AccountId).ToList();
        var otherOrganizations = IsAccountWide(request.Action)
            ? (await op.Db.Memberships.AsNoTracking()
                .Where(m => m.OrganizationId != organizationId && accountIds.Contains(m.AccountId))
                .Select(m => new { m.AccountId, m.OrganizationId, m.Rank })
                .ToListAsync(ct))
                .ToLookup(m => m.AccountId)
            : null;
        var standingElsewhere = new Dictionary<Guid, ActingMember?>();

        var groupMembers = group is not null
            ? (await op.Db.GroupMembers.Where(g => g.GroupId == group.Id && batch.Contains(g.MembershipId)).Select(g => g.MembershipId).ToListAsync(ct)).ToHashSet()
            : [];

        var order = batch.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var outcomes = new List<BulkMemberOutcome>(members.Count);
        var changing = new List<BatchMember>();
        foreach (var member in members.OrderBy(m => order[m.Id]))
        {
            var isActiveSuper = member.Rank == MemberRank.Super && !member.IsSuspended;
            var target = new TargetMember(member.AccountId, member.Rank, isActiveSuper && activeSupers <= 1);
            var decision = AccessRules.Check(actor, RuleAction(request.Action), target);
            if (!decision.Allowed)
            {
                outcomes.Add(new(member.Id, member.UserName, BulkVerdict.Refused, decision.Reason));
                continue;
            }

            if (otherOrganizations is not null && otherOrganizations[member.AccountId].Any()
                && await DeniedElsewhereAsync(op, actor, otherOrganizations[member.AccountId].Select(o => (o.OrganizationId, o.Rank)), standingElsewhere, ct))
            {
                outcomes.Add(new(member.Id, member.UserName, BulkVerdict.Refused, "Also a member of an organization where you may not reset passwords."));
                continue;
            }

            var unchanged = request.Action switch
            {
                BulkActionKind.ForcePasswordChange => member.MustChangePassword,
                BulkActionKind.Suspend => member.IsSuspended,
                BulkActionKind.Unsuspend => !member.IsSuspended,
                BulkActionKind.AddToGroup => groupMembers.Contains(member.Id),
                BulkActionKind.RemoveFromGroup => !groupMembers.Contains(member.Id),
                BulkActionKind.Unlock => member.LockoutEnd is null && member.AccessFailedCount == 0,
                _ => false,
            };
            if (unchanged)
            {
                outcomes.Add(new(member.Id, member.UserName, BulkVerdict.Unchanged, "Already so."));
                continue;
            }

            if (grantRefusal is not null)
            {
                outcomes.Add(new(member.Id, member.UserName, BulkVerdict.Refused, grantRefusal));
                continue;
            }

            if (isActiveSuper && request.Action is BulkActionKind.Suspend or BulkActionKind.RemoveFromOrganization)
            {
                activeSupers--;
            }

            outcomes.Add(new(member.Id, member.UserName, BulkVerdict.WillChange, null));
            changing.Add(member);
        }

        if (apply && changing.Count > 0)
        {
            await ApplyAsync(op, request, group, changing, ct);
        }

        return (outcomes, activeSupers);
    }

    private static async Task<bool> DeniedElsewhereAsync(
        OperationContext op, ActingMember actor, IEnumerable<(Guid OrganizationId, MemberRank Rank)> elsewhere, Dictionary<Guid, ActingMember?> cache, CancellationToken ct)
    {
        foreach (var (organizationId, rank) in elsewhere)
        {
            if (!cache.TryGetValue(organizationId, out var standing))
            {
                standing = cache[organizationId] = await ActingMemberLoader.LoadAsync(op.Db, actor.AccountId, organizationId, ct);
            }

            if (standing is null || !AccessRules.Check(standing, MemberAction.ResetPassword, new TargetMember(Guid.Empty, rank, false)).Allowed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes one batch's allowed changes, set-based, and one activity record and notice per member.</summary>
    private static async Task ApplyAsync(OperationContext op, BulkRequest request, Group? group, List<BatchMember> changing, CancellationToken ct)
    {
        var actor = op.Actor!;
        var organizationId = actor.OrganizationId;
        var ids = changing.Select(m => m.Id).ToList();
        var accounts = changing.Select(m => m.AccountId).ToList();
        var version = Guid.NewGuid().ToString("N");
        var stamp = Guid.NewGuid().ToString("N");
        string verb;
        ActivityCategory category = ActivityCategory.Admin;
        Func<BatchMember, string> title;
        Dictionary<string, (object?, object?)> diff;
        switch (request.Action)
        {
            case BulkActionKind.ForcePasswordChange:
                // A new security stamp ends their sessions; they change their password at the next sign-in.
                await op.Db.Users.Where(a => accounts.Contains(a.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.MustChangePassword, true)
                    .SetProperty(a => a.SecurityStamp, a => stamp + a.NormalizedUserName)
                    .SetProperty(a => a.ConcurrencyStamp, stamp), ct);
                (verb, category, diff) = ("member.password_change_forced", ActivityCategory.Security, new() { ["mustChangePassword"] = (false, true) });
                title = m => $"{actor.UserName} required {m.UserName} to change their password";
                break;
            case BulkActionKind.Unlock:
                await op.Db.Users.Where(a => accounts.Contains(a.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null)
                    .SetProperty(a => a.AccessFailedCount, 0)
                    .SetProperty(a => a.ConcurrencyStamp, stamp), ct);
                (verb, category, diff) = ("member.unlocked", ActivityCategory.Security, new() { ["lockedOut"] = (true, false) });
                title = m => $"{actor.UserName} unlocked {m.UserName}";
                break;
            case BulkActionKind.SignOutEverywhere:
                await op.Db.Users.Where(a => accounts.Contains(a.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.SecurityStamp, a => stamp + a.NormalizedUserName)
                    .SetProperty(a => a.ConcurrencyStamp, stamp), ct);
                (verb, category, diff) = ("member.signed_out_everywhere", ActivityCategory.Security, []);
                title = m => $"{actor.UserName} signed {m.UserName} out everywhere";
                break;
            case BulkActionKind.Suspend or BulkActionKind.Unsuspend:
                var suspend = request.Action == BulkActionKind.Suspend;
                DateTime? at = suspend ? op.Now : null;
                await op.Db.Memberships.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.IsSuspended, suspend)
                    .SetProperty(m => m.SuspendedAt, at)
                    .SetProperty(m => m.Version, version), ct);
                if (suspend)
                {
                    await op.Db.Users.Where(a => accounts.Contains(a.Id)).ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.SecurityStamp, a => stamp + a.NormalizedUserName)
                        .SetProperty(a => a.ConcurrencyStamp, stamp), ct);
                }

                (verb, diff) = (suspend ? "member.suspended" : "member.unsuspended", new() { ["suspended"] = (!suspend, suspend) });
                title = m => $"{actor.UserName} {(suspend ? "suspended" : "unsuspended")} {m.UserName}";
                break;
            case BulkActionKind.AddToGroup:
                op.Db.GroupMembers.AddRange(ids.Select(id => new GroupMember { GroupId = group!.Id, MembershipId = id, AddedAt = op.Now }));
                await op.Db.Memberships.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Version, version), ct);
                (verb, diff) = ("member.group_added", new() { ["groups"] = (null, group!.Name) });
                title = m => $"{actor.UserName} added {m.UserName} to group {group.Name}";
                break;
            case BulkActionKind.RemoveFromGroup:
                await op.Db.GroupMembers.Where(g => g.GroupId == group!.Id && ids.Contains(g.MembershipId)).ExecuteDeleteAsync(ct);
                await op.Db.Memberships.Where(m => ids.Contains(m.Id) && m.PrimaryGroupId == group!.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.PrimaryGroupId, (Guid?)null), ct);
                await op.Db.Memberships.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.Version, version), ct);
                (verb, diff) = ("member.group_removed", new() { ["groups"] = (group!.Name, null) });
                title = m => $"{actor.UserName} removed {m.UserName} from group {group.Name}";
                break;
            default:
                // As MembershipRemoval does one by one: policies assigned to these members alone (no other member, no
                // group) go with them; group memberships go by cascade; the kept member count follows.
                await op.Db.Policies
                    .Where(p => p.OrganizationId == organizationId
                        && p.Members.Any(x => ids.Contains(x.MembershipId))
                        && !p.Members.Any(x => !ids.Contains(x.MembershipId))
                        && !p.Groups.Any())
                    .ExecuteDeleteAsync(ct);
                await op.Db.Memberships.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(ct);
                await op.Db.Organizations.Where(o => o.Id == organizationId)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount - ids.Count), ct);
                verb = "member.removed";
                diff = [];
                title = m => $"{actor.UserName} removed {m.UserName} from the organization";
                break;
        }

        foreach (var member in changing)
        {
            var memberDiff = request.Action == BulkActionKind.RemoveFromOrganization
                ? new Dictionary<string, (object?, object?)> { ["member"] = (member.UserName, null) }
                : diff;
            var record = op.Record(verb, title(member), category, member.AccountId, member.UserName, memberDiff);
            op.Notify(ChangeEntities.Member, member.AccountId.ToString(), verb, record);
        }
    }
}
