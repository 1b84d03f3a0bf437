using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>Reads the acting member's current standing from the database: rank, suspension and group permissions.</summary>
public static class ActingMemberLoader
{
    /// <summary>How long a standing read for a read-only request may serve the next ones while nothing commits.</summary>
    public static readonly TimeSpan RecentLifetime = TimeSpan.FromSeconds(5);

    private static readonly RecentReads<(Guid AccountId, Guid OrganizationId), ActingMember?> Standings = new(RecentLifetime);

    /// <summary>
    /// The standing for a read (a page of members, a member's details, a feed, a policy check on a request): the one
    /// read moments ago when no change has committed in this process since (<see cref="CommittedChanges"/>) and it is
    /// younger than <see cref="RecentLifetime"/>, else a fresh read. A suspension, demotion or removal through the
    /// services is therefore seen on the very next read; the lifetime bounds what only another process could change
    /// (or a lockout's end). Operations that change data never use this: <see cref="OperationRunner"/> reads the
    /// standing inside its transaction.
    /// </summary>
    public static async Task<ActingMember?> LoadForReadingAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid accountId, Guid organizationId, CancellationToken ct = default)
    {
        if (Standings.TryGet((accountId, organizationId), DateTime.UtcNow, out var recent))
        {
            return recent;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadAndRememberAsync(db, accountId, organizationId, ct);
    }

    /// <inheritdoc cref="LoadForReadingAsync(IDbContextFactory{PortalDbContext}, Guid, Guid, CancellationToken)"/>
    public static async Task<ActingMember?> LoadForReadingAsync(PortalDbContext db, Guid accountId, Guid organizationId, CancellationToken ct = default) =>
        Standings.TryGet((accountId, organizationId), DateTime.UtcNow, out var recent)
            ? recent
            : await ReadAndRememberAsync(db, accountId, organizationId, ct);

    private static async Task<ActingMember?> ReadAndRememberAsync(PortalDbContext db, Guid accountId, Guid organizationId, CancellationToken ct)
    {
        // Noted before the read: a change that commits while it runs makes what it read stale at once.
        var generation = CommittedChanges.Generation;
        var member = await LoadAsync(db, accountId, organizationId, ct);
        Standings.Remember((accountId, organizationId), generation, DateTime.UtcNow, member);
        return member;
    }

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
