using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>Reads the acting member's current standing from the database: rank, suspension and group permissions.</summary>
public static class ActingMemberLoader
{
    /// <summary>Null when the account is not an active member of the organization, or cannot sign in at all.</summary>
    public static async Task<ActingMember?> LoadAsync(PortalDbContext db, Guid accountId, Guid organizationId, CancellationToken ct = default)
    {
        var now = DateTimeOffset.UtcNow;
        var row = await db.Memberships
            .AsNoTracking()
            .Where(m => m.AccountId == accountId && m.OrganizationId == organizationId && !m.IsSuspended)
            .Select(m => new { m.Id, m.Rank, m.Account!.UserName, m.Account.IsActivated, m.Account.LockoutEnd })
            .SingleOrDefaultAsync(ct);

        if (row is null || !row.IsActivated || row.LockoutEnd > now)
        {
            return null;
        }

        // A second statement on purpose: as a collection inside the one above, EF joins a derived table of every
        // group membership with its permissions, and SQLite builds all of it (every member of every group) before
        // picking this member's rows. Here it is one seek on GroupMembers(MembershipId).
        var permissions = await db.GroupMembers
            .AsNoTracking()
            .Where(gm => gm.MembershipId == row.Id)
            .Join(db.GroupPermissions, gm => gm.GroupId, p => p.GroupId, (gm, p) => p.Permission)
            .ToListAsync(ct);
        return new ActingMember(accountId, row.UserName ?? "", row.Id, organizationId, row.Rank, permissions.ToHashSet());
    }
}
