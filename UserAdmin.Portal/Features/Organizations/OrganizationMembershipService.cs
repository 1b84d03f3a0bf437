using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Organizations;

/// <summary>One organization an account belongs to, and whether the viewing SUPER may take it out of that one.</summary>
public sealed record AccountOrganizationRow(
    Guid OrganizationId,
    string Name,
    string DisplayName,
    MemberRank Rank,
    bool IsSuspended,
    bool IsCurrent,
    string Version,
    bool CanRemove,
    string? WhyNot);

/// <summary>
/// Memberships across organizations (DESIGN.md, after Usergrid): add an existing account to this organization, list
/// an account's organizations, remove it from one. All three are for a SUPER of the current organization; removing
/// from another organization takes the same standing there, so nothing is done in an organization by someone
/// without a say in it.
/// </summary>
public sealed class OrganizationMembershipService(
    OperationRunner runner,
    IDbContextFactory<PortalDbContext> dbFactory,
    MemberStandingService standing)
{
    public const string SuperOnly = "Only a SUPER admin can manage which organizations an account belongs to.";

    /// <summary>Adds an existing account (by username or email) to the actor's organization as a REGULAR user.</summary>
    public Task<OperationResult<Guid>> AddExistingAccountAsync(Actor actor, string login, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<Guid>(actor, PortalPermissions.ManageUsers, async op =>
        {
            if (op.Actor!.Rank != MemberRank.Super)
            {
                return OperationResult<Guid>.Fail(OperationResult.Forbidden(SuperOnly));
            }

            login = (login ?? "").Trim();
            if (login.Length is 0 or > 256)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Login", "Enter the account's username or email address."));
            }

            var account = await FindAccountAsync(op.Db, login, ct);
            if (account is null)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Login", $"There is no account with the username or email '{login}'."));
            }

            if (await op.Db.Memberships.AnyAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == account.Id, ct))
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Login", $"{account.UserName} is already a member of this organization."));
            }

            op.Db.Memberships.Add(new Membership
            {
                OrganizationId = actor.OrganizationId,
                AccountId = account.Id,
                Rank = MemberRank.Regular,
                Tag = MemberTag.User,
                JoinedAt = op.Now,
            });
            await op.Db.Organizations.Where(o => o.Id == actor.OrganizationId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount + 1), ct);
            var name = account.UserName ?? "";
            var record = op.Record("member.added", $"{op.Actor.UserName} added the existing account {name} to the organization", ActivityCategory.Admin,
                account.Id, name, new Dictionary<string, (object?, object?)> { ["member"] = (null, name), ["rank"] = (null, "REGULAR") });
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.added", record);
            return OperationResult<Guid>.Ok(account.Id);
        }, ct);

    /// <summary>The organizations of a member of the actor's organization (a SUPER's question).</summary>
    public async Task<OperationResult<IReadOnlyList<AccountOrganizationRow>>> ListForAccountAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null || viewer.Rank != MemberRank.Super)
        {
            return OperationResult<IReadOnlyList<AccountOrganizationRow>>.Fail(OperationResult.Forbidden(SuperOnly));
        }

        var memberships = await db.Memberships.AsNoTracking()
            .Include(m => m.Organization)
            .Where(m => m.AccountId == accountId)
            .OrderBy(m => m.Organization!.DisplayName)
            .ToListAsync(ct);
        if (memberships.All(m => m.OrganizationId != actor.OrganizationId))
        {
            return OperationResult<IReadOnlyList<AccountOrganizationRow>>.Fail(OperationResult.NotFound("No such member in this organization."));
        }

        var rows = new List<AccountOrganizationRow>();
        foreach (var m in memberships)
        {
            // The same rule the removal will apply, asked with the viewer's standing in that organization.
            var there = m.OrganizationId == actor.OrganizationId ? viewer : await ActingMemberLoader.LoadAsync(db, actor.AccountId, m.OrganizationId, ct);
            var decision = there is null
                ? Decision.Deny("You are not an admin of this organization.")
                : AccessRules.Check(there, MemberAction.Remove, await MemberTargets.DescribeAsync(db, m, ct));
            rows.Add(new AccountOrganizationRow(
                m.OrganizationId, m.Organization!.Name, m.Organization.DisplayName, m.Rank, m.IsSuspended, m.OrganizationId == actor.OrganizationId,
                m.Version, decision.Allowed, decision.Reason));
        }

        return OperationResult<IReadOnlyList<AccountOrganizationRow>>.Ok(rows);
    }

    /// <summary>
    /// Removes the account from one of its organizations with the member page's own removal (rules, policies held
    /// alone, one record), acting with the actor's standing in that organization.
    /// </summary>
    public async Task<OperationResult<bool>> RemoveFromAsync(Actor actor, Guid accountId, Guid organizationId, string expectedVersion, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
            if (viewer is null || viewer.Rank != MemberRank.Super)
            {
                return OperationResult<bool>.Fail(OperationResult.Forbidden(SuperOnly));
            }

            if (!await db.Memberships.AnyAsync(m => m.AccountId == accountId && m.OrganizationId == actor.OrganizationId, ct))
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such member in this organization."));
            }
        }

        return await standing.RemoveAsync(actor with { OrganizationId = organizationId }, accountId, expectedVersion, ct);
    }

    internal static Task<Account?> FindAccountAsync(PortalDbContext db, string login, CancellationToken ct)
    {
        var normalized = login.ToUpperInvariant();
        return login.Contains('@')
            ? db.Users.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, ct)
            : db.Users.SingleOrDefaultAsync(a => a.NormalizedUserName == normalized, ct);
    }
}
