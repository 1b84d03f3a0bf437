using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Members;

/// <summary>A member's standing: rank, guest promotion, removal from the organization and deletion of the account.</summary>
public sealed class MemberStandingService(OperationRunner runner, ReauthenticationService reauthentication)
{
    /// <summary>Granting SUPER needs a fresh password from a session (ReauthenticationService).</summary>
    public Task<OperationResult<bool>> SetRankAsync(
        Actor actor, Guid accountId, MemberRank rank, string expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            if (!Enum.IsDefined(rank))
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Rank", "Choose REGULAR, ADMIN or SUPER."));
            }

            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ChangeRank, expectedVersion, newRank: rank, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            if (membership.Rank == rank)
            {
                return OperationResult<bool>.Ok(false);
            }

            if (rank == MemberRank.Super && !reauthentication.Holds(actor))
            {
                return OperationResult<bool>.Fail(ReauthenticationService.Required("Granting SUPER"));
            }

            var before = membership.Rank;
            membership.Rank = rank;
            MemberOperation.Touch(membership);
            var name = membership.Account!.UserName ?? "";
            var record = op.Record(
                "member.rank_changed",
                $"{op.Actor!.UserName} changed {name}'s rank from {MemberLabel(before)} to {MemberLabel(rank)}",
                ActivityCategory.Security,
                accountId,
                name,
                new Dictionary<string, (object?, object?)> { ["rank"] = (MemberLabel(before), MemberLabel(rank)) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.rank_changed", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    public Task<OperationResult<bool>> PromoteGuestAsync(Actor actor, Guid accountId, string expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ChangeTag, expectedVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            if (membership.Tag != MemberTag.Guest)
            {
                return OperationResult<bool>.Ok(false);
            }

            membership.Tag = MemberTag.User;
            MemberOperation.Touch(membership);
            var name = membership.Account!.UserName ?? "";
            var record = op.Record(
                "member.promoted",
                $"{op.Actor!.UserName} promoted guest {name} to user",
                ActivityCategory.Admin,
                accountId,
                name,
                new Dictionary<string, (object?, object?)> { ["tag"] = ("GUEST", "USER") });
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.promoted", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Takes the member out of this organization; the account stays. Their groups go, and policies only they held.</summary>
    public Task<OperationResult<bool>> RemoveAsync(Actor actor, Guid accountId, string expectedVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.Remove, expectedVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var name = membership.Account!.UserName ?? "";
            var deleted = await MembershipRemoval.RemoveAsync(op.Db, membership, ct);
            var diff = new Dictionary<string, (object?, object?)> { ["member"] = (name, null) };
            if (deleted.Count > 0)
            {
                diff["policiesDeleted"] = (string.Join(", ", deleted), null);
            }

            var record = op.Record("member.removed", $"{op.Actor!.UserName} removed {name} from the organization", ActivityCategory.Admin, accountId, name, diff);
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.removed", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Deletes the account from the portal: every membership, in every organization, with its own activity record
    /// in each. Allowed only when the actor may delete it in all of them (and none loses its last SUPER), and, from a
    /// session, only with a fresh password (ReauthenticationService).
    /// </summary>
    public Task<OperationResult<bool>> DeleteAccountAsync(Actor actor, Guid accountId, string expectedAccountVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.DeleteAccount, expectedAccountVersion: expectedAccountVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            if (!reauthentication.Holds(actor))
            {
                return OperationResult<bool>.Fail(ReauthenticationService.Required("Deleting an account"));
            }

            var account = membership.Account!;
            var name = account.UserName ?? "";
            var memberships = await op.Db.Memberships.Where(m => m.AccountId == accountId).ToListAsync(ct);
            foreach (var each in memberships)
            {
                await MembershipRemoval.RemoveAsync(op.Db, each, ct);
                var record = op.Record(
                    "member.account_deleted",
                    $"{op.Actor!.UserName} deleted the account {name}",
                    ActivityCategory.Security,
                    accountId,
                    name,
                    new Dictionary<string, (object?, object?)> { ["account"] = (name, null) },
                    organizationId: each.OrganizationId);
                op.Notify(ChangeEntities.Member, accountId.ToString(), "member.account_deleted", record);
            }

            // Smartcards, computer usernames, custom properties, API keys and Identity rows go by cascade.
            op.Db.Users.Remove(account);
            return OperationResult<bool>.Ok(true);
        }, ct);

    private static string MemberLabel(MemberRank rank) => rank.ToString().ToUpperInvariant();
}

/// <summary>Taking a membership away, the same way for the detail page, bulk actions and account deletion.</summary>
public static class MembershipRemoval
{
    /// <summary>Removes the membership (group memberships go by cascade) and the policies assigned to it alone; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> RemoveAsync(PortalDbContext db, Membership membership, CancellationToken ct = default)
    {
        // Policies assigned to this member alone (no other member, no group) go with the membership.
        var ownPolicies = await db.Policies
            .Where(p => p.OrganizationId == membership.OrganizationId
                && p.Members.Any(x => x.MembershipId == membership.Id)
                && !p.Members.Any(x => x.MembershipId != membership.Id)
                && !p.Groups.Any())
            .Select(p => new { p.Id, p.Name })
            .ToListAsync(ct);
        var ids = ownPolicies.Select(p => p.Id).ToList();
        await db.Policies.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(ct);
        db.Memberships.Remove(membership);
        await db.Organizations.Where(o => o.Id == membership.OrganizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount - 1), ct);
        return ownPolicies.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }
}
