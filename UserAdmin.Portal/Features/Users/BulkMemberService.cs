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
        _ => "Remove from organization",
    };

    public static string Permission(BulkActionKind action) => action switch
    {
        BulkActionKind.ForcePasswordChange => PortalPermissions.ResetPasswords,
        BulkActionKind.Suspend or BulkActionKind.Unsuspend => PortalPermissions.SuspendUsers,
        BulkActionKind.AddToGroup or BulkActionKind.RemoveFromGroup => PortalPermissions.ManageGroups,
        _ => PortalPermissions.ManageUsers,
    };

    private static MemberAction RuleAction(BulkActionKind action) => action switch
    {
        BulkActionKind.ForcePasswordChange => MemberAction.ResetPassword,
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

    private static async Task<(List<BulkMemberOutcome>, int SupersLeft)> ProcessBatchAsync(
        OperationContext op, BulkRequest request, List<long> batch, int activeSupers, bool apply, CancellationToken ct)
    {
        var actor = op.Actor!;
        var memberships = await op.Db.Memberships
            .Include(m => m.Account)
            .Where(m => m.OrganizationId == actor.OrganizationId && batch.Contains(m.Id))
            .ToListAsync(ct);

        // Account-wide actions need the actor's say over every organization the account is in.
        var otherOrganizations = request.Action == BulkActionKind.ForcePasswordChange
            ? (await op.Db.Memberships
                .Where(m => m.OrganizationId != actor.OrganizationId && memberships.Select(x => x.AccountId).Contains(m.AccountId))
                .Select(m => new { m.AccountId, m.OrganizationId, m.Rank })
                .ToListAsync(ct))
                .ToLookup(m => m.AccountId)
            : null;
        var standingElsewhere = new Dictionary<Guid, ActingMember?>();

        var groupMembers = request.GroupId is { } groupId
            ? (await op.Db.GroupMembers.Where(g => g.GroupId == groupId && batch.Contains(g.MembershipId)).Select(g => g.MembershipId).ToListAsync(ct)).ToHashSet()
            : [];
        if (request.GroupId is { } gid && !await op.Db.Groups.AnyAsync(g => g.Id == gid && g.OrganizationId == actor.OrganizationId, ct))
        {
            return (memberships.Select(m => new BulkMemberOutcome(m.Id, m.Account!.UserName ?? "", BulkVerdict.Refused, "That group does not exist in this organization.")).ToList(), activeSupers);
        }

        var outcomes = new List<BulkMemberOutcome>(memberships.Count);
        var forced = new List<Guid>();
        foreach (var membership in memberships.OrderBy(m => batch.IndexOf(m.Id)))
        {
            var account = membership.Account!;
            var name = account.UserName ?? "";
            var isActiveSuper = membership.Rank == MemberRank.Super && !membership.IsSuspended;
            var target = new TargetMember(account.Id, membership.Rank, isActiveSuper && activeSupers <= 1);
            var decision = AccessRules.Check(actor, RuleAction(request.Action), target);
            if (!decision.Allowed)
            {
                outcomes.Add(new(membership.Id, name, BulkVerdict.Refused, decision.Reason));
                continue;
            }

            if (otherOrganizations is not null && otherOrganizations[account.Id].Any() && await DeniedElsewhereAsync(op, actor, otherOrganizations[account.Id].Select(o => (o.OrganizationId, o.Rank)), standingElsewhere, ct))
            {
                outcomes.Add(new(membership.Id, name, BulkVerdict.Refused, "Also a member of an organization where you may not reset passwords."));
                continue;
            }

            var unchanged = request.Action switch
            {
                BulkActionKind.ForcePasswordChange => account.MustChangePassword,
                BulkActionKind.Suspend => membership.IsSuspended,
                BulkActionKind.Unsuspend => !membership.IsSuspended,
                BulkActionKind.AddToGroup => groupMembers.Contains(membership.Id),
                BulkActionKind.RemoveFromGroup => !groupMembers.Contains(membership.Id),
                _ => false,
            };
            if (unchanged)
            {
                outcomes.Add(new(membership.Id, name, BulkVerdict.Unchanged, "Already so."));
                continue;
            }

            if (isActiveSuper && request.Action is BulkActionKind.Suspend or BulkActionKind.RemoveFromOrganization)
            {
                activeSupers--;
            }

            outcomes.Add(new(membership.Id, name, BulkVerdict.WillChange, null));
            if (apply)
            {
                await ApplyOneAsync(op, request, membership, account, forced, ct);
            }
        }

        if (forced.Count > 0)
        {
            // Nothing else in this batch touches these accounts; untrack them so SaveChanges does not write them too.
            foreach (var entry in op.Db.ChangeTracker.Entries<Account>().Where(e => forced.Contains(e.Entity.Id)).ToList())
            {
                entry.State = EntityState.Detached;
            }

            var stamp = Guid.NewGuid().ToString("N");
            await op.Db.Users.Where(a => forced.Contains(a.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.MustChangePassword, true)
                .SetProperty(a => a.SecurityStamp, a => stamp + a.NormalizedUserName)
                .SetProperty(a => a.ConcurrencyStamp, stamp), ct);
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

    private static async Task ApplyOneAsync(OperationContext op, BulkRequest request, Membership membership, Account account, List<Guid> forced, CancellationToken ct)
    {
        var actor = op.Actor!;
        var name = account.UserName ?? "";
        string verb;
        string title;
        Dictionary<string, (object?, object?)> diff;
        switch (request.Action)
        {
            case BulkActionKind.ForcePasswordChange:
                // Written for the whole batch in one statement (ProcessBatchAsync); a new stamp ends their sessions.
                forced.Add(account.Id);
                (verb, title, diff) = ("member.password_change_forced", $"{actor.UserName} required {name} to change their password", new() { ["mustChangePassword"] = (false, true) });
                break;
            case BulkActionKind.Suspend or BulkActionKind.Unsuspend:
                var suspend = request.Action == BulkActionKind.Suspend;
                membership.IsSuspended = suspend;
                membership.SuspendedAt = suspend ? op.Now : null;
                membership.Version = Guid.NewGuid().ToString("N");
                if (suspend)
                {
                    account.SecurityStamp = Guid.NewGuid().ToString("N");
                    account.ConcurrencyStamp = Guid.NewGuid().ToString();
                }

                (verb, title, diff) = (suspend ? "member.suspended" : "member.unsuspended", $"{actor.UserName} {(suspend ? "suspended" : "unsuspended")} {name}", new() { ["suspended"] = (!suspend, suspend) });
                break;
            case BulkActionKind.AddToGroup:
                var added = (await op.Db.Groups.FindAsync([request.GroupId!.Value], ct))?.Name;
                op.Db.GroupMembers.Add(new GroupMember { GroupId = request.GroupId!.Value, MembershipId = membership.Id, AddedAt = op.Now });
                (verb, title, diff) = ("member.group_added", $"{actor.UserName} added {name} to group {added}", new() { ["groups"] = (null, added) });
                break;
            case BulkActionKind.RemoveFromGroup:
                var removed = (await op.Db.Groups.FindAsync([request.GroupId!.Value], ct))?.Name;
                await op.Db.GroupMembers.Where(g => g.GroupId == request.GroupId && g.MembershipId == membership.Id).ExecuteDeleteAsync(ct);
                if (membership.PrimaryGroupId == request.GroupId)
                {
                    membership.PrimaryGroupId = null;
                }

                (verb, title, diff) = ("member.group_removed", $"{actor.UserName} removed {name} from group {removed}", new() { ["groups"] = (removed, null) });
                break;
            default:
                // Policies assigned to this member alone (no other member, no group) go with the membership.
                var ownPolicies = await op.Db.Policies
                    .Where(p => p.OrganizationId == actor.OrganizationId
                        && p.Members.Any(x => x.MembershipId == membership.Id)
                        && !p.Members.Any(x => x.MembershipId != membership.Id)
                        && !p.Groups.Any())
                    .Select(p => p.Id)
                    .ToListAsync(ct);
                await op.Db.Policies.Where(p => ownPolicies.Contains(p.Id)).ExecuteDeleteAsync(ct);
                op.Db.Memberships.Remove(membership);
                await op.Db.Organizations.Where(o => o.Id == actor.OrganizationId)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount - 1), ct);
                (verb, title, diff) = ("member.removed", $"{actor.UserName} removed {name} from the organization", new() { ["member"] = (name, null) });
                break;
        }

        var record = op.Record(verb, title, request.Action == BulkActionKind.ForcePasswordChange ? ActivityCategory.Security : ActivityCategory.Admin, account.Id, name, diff);
        op.Notify(ChangeEntities.Member, account.Id.ToString(), verb, record);
    }
}
