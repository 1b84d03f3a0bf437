using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Members;

/// <summary>Suspension of a member in one organization (the first operation built on the service pattern).</summary>
public sealed class MemberStatusService(OperationRunner runner)
{
    public Task<OperationResult<bool>> SetSuspendedAsync(
        Actor actor, Guid targetAccountId, bool suspended, string? expectedVersion = null, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.SuspendUsers, async op =>
        {
            var membership = await op.Db.Memberships
                .Include(m => m.Account)
                .SingleOrDefaultAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == targetAccountId, ct);
            if (membership?.Account is not { } account)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such member in this organization."));
            }

            var target = await MemberTargets.DescribeAsync(op.Db, membership, ct);
            var decision = AccessRules.Check(op.Actor!, MemberAction.Suspend, target);
            if (!decision.Allowed)
            {
                return OperationResult<bool>.Fail(OperationResult.From(decision));
            }

            if (expectedVersion is not null && expectedVersion != membership.Version)
            {
                return OperationResult<bool>.Fail(OperationResult.Conflict(
                    "Someone else changed this member since you loaded the page. Reload to see their change."));
            }

            if (membership.IsSuspended == suspended)
            {
                return OperationResult<bool>.Ok(false);
            }

            membership.IsSuspended = suspended;
            membership.SuspendedAt = suspended ? op.Now : null;
            membership.Version = Guid.NewGuid().ToString("N");
            if (suspended)
            {
                // Ends the member's open sessions at their next security-stamp check.
                await op.Users.UpdateSecurityStampAsync(account);
            }

            var verb = suspended ? "member.suspended" : "member.unsuspended";
            var record = op.Record(
                verb,
                $"{op.Actor!.UserName} {(suspended ? "suspended" : "unsuspended")} {account.UserName}",
                ActivityCategory.Admin,
                account.Id,
                account.UserName ?? "",
                new Dictionary<string, (object?, object?)> { ["suspended"] = (!suspended, suspended) });
            op.Notify(ChangeEntities.Member, account.Id.ToString(), verb, record);
            return OperationResult<bool>.Ok(true);
        }, ct);
}
