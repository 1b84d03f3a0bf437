using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Members;

/// <summary>
/// The opening every single-member operation shares: find the member in the actor's organization, apply the rules
/// (account-wide ones across every organization of the account), and refuse a save made against a stale version.
/// </summary>
internal static class MemberOperation
{
    public const string StaleMessage = "Someone else changed this member since you loaded the page. Reload to see their change, then try again.";

    /// <param name="expectedVersion">The membership version the caller saw, or null to skip the check.</param>
    /// <param name="expectedAccountVersion">The account's concurrency stamp the caller saw, or null to skip the check.</param>
    public static async Task<(Membership? Membership, OperationResult? Refusal)> LoadAsync(
        OperationContext op,
        Guid accountId,
        MemberAction action,
        string? expectedVersion = null,
        string? expectedAccountVersion = null,
        MemberRank? newRank = null,
        CancellationToken ct = default)
    {
        var actor = op.Actor!;
        var membership = await op.Db.Memberships
            .Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == accountId, ct);
        if (membership?.Account is null)
        {
            return (null, OperationResult.NotFound("No such member in this organization."));
        }

        var target = await MemberTargets.DescribeAsync(op.Db, membership, ct);
        var decision = AccessRules.Check(actor, action, target, newRank);
        if (decision.Allowed && AccessRules.IsAccountWide(action))
        {
            decision = await MemberTargets.CheckAccountWideAsync(op.Db, actor, accountId, action, ct);
        }

        if (!decision.Allowed)
        {
            return (null, OperationResult.From(decision));
        }

        if ((expectedVersion is not null && expectedVersion != membership.Version)
            || (expectedAccountVersion is not null && expectedAccountVersion != membership.Account.ConcurrencyStamp))
        {
            return (null, OperationResult.Conflict(StaleMessage));
        }

        return (membership, null);
    }

    /// <summary>
    /// For reads outside a write transaction (the detail page's panels): the viewer as the database says now, and
    /// the member in the viewer's organization if the viewer may see them.
    /// </summary>
    public static async Task<(ActingMember? Viewer, Membership? Membership, OperationResult? Refusal)> LoadForReadingAsync(
        PortalDbContext db, Actor actor, Guid accountId, CancellationToken ct = default)
    {
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return (null, null, OperationResult.Forbidden("You are not an active member of this organization."));
        }

        var membership = await db.Memberships.AsNoTracking()
            .SingleOrDefaultAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == accountId, ct);
        if (membership is null)
        {
            return (viewer, null, OperationResult.NotFound("No such member in this organization."));
        }

        var decision = AccessRules.Check(viewer, MemberAction.View, await MemberTargets.DescribeAsync(db, membership, ct));
        return decision.Allowed ? (viewer, membership, null) : (viewer, null, OperationResult.From(decision));
    }

    /// <summary>Marks the membership changed, so saves made against the old version are refused.</summary>
    public static void Touch(Membership membership) => membership.Version = Guid.NewGuid().ToString("N");

    /// <summary>Marks the account changed (Identity's concurrency stamp), for account-wide editors.</summary>
    public static void Touch(Account account) => account.ConcurrencyStamp = Guid.NewGuid().ToString();

    public static OperationResult<T> Fail<T>(OperationResult? refusal) => OperationResult<T>.Fail(refusal!);
}
