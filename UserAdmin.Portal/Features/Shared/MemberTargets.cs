using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>Describes a membership for <see cref="AccessRules"/>, including whether it is the last active SUPER.</summary>
public static class MemberTargets
{
    public static async Task<TargetMember> DescribeAsync(PortalDbContext db, Membership membership, CancellationToken ct = default)
    {
        var isLastSuper = membership.Rank == MemberRank.Super
            && !await db.Memberships.AnyAsync(
                m => m.OrganizationId == membership.OrganizationId && m.Id != membership.Id && m.Rank == MemberRank.Super && !m.IsSuspended,
                ct);
        return new TargetMember(membership.AccountId, membership.Rank, isLastSuper);
    }

    /// <summary>
    /// DESIGN.md: an account-wide action (profile, email, password, smartcards, computer usernames, activation,
    /// deleting the account) is allowed only when the actor may do it to the account in every organization it
    /// belongs to. Checked after the rule for the actor's own organization has passed.
    /// </summary>
    public static async Task<Decision> CheckAccountWideAsync(
        PortalDbContext db, ActingMember actor, Guid accountId, MemberAction action, CancellationToken ct = default)
    {
        // Most accounts belong to one organization: one indexed probe, instead of EF loading none with their organizations.
        if (!await BelongsElsewhereAsync(db, accountId, actor.OrganizationId, ct))
        {
            return Decision.Allow;
        }

        var elsewhere = await db.Memberships
            .Include(m => m.Organization)
            .Where(m => m.AccountId == accountId && m.OrganizationId != actor.OrganizationId)
            .ToListAsync(ct);
        foreach (var membership in elsewhere)
        {
            var standing = await ActingMemberLoader.LoadAsync(db, actor.AccountId, membership.OrganizationId, ct);
            if (standing is null)
            {
                // The other organization is not named: the actor has no standing there.
                return Decision.Deny("This account also belongs to another organization that you do not administer, so only membership actions are available here.");
            }

            var decision = AccessRules.Check(standing, action, await DescribeAsync(db, membership, ct));
            if (!decision.Allowed)
            {
                return Decision.Deny($"This account also belongs to {membership.Organization?.DisplayName}, where: {decision.Reason}");
            }
        }

        return Decision.Allow;
    }

    private static async Task<bool> BelongsElsewhereAsync(PortalDbContext db, Guid accountId, Guid organizationId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM Memberships WHERE AccountId = @account AND OrganizationId <> @organization)";
            command.Parameters.Add(new SqliteParameter("@account", StoredGuid.Text(accountId)));
            command.Parameters.Add(new SqliteParameter("@organization", StoredGuid.Text(organizationId)));
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
