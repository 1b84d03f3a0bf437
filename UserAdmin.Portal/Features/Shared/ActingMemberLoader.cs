using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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

        // A plain pooled connection: an EF context lent for one statement costs more than the statement.
        var generation = CommittedChanges.Generation;
        await using var connection = await Hosting.SqlitePragmas.OpenAsync(PortalConnectionStrings.Of(dbFactory), ct);
        var member = await ReadAsync(connection, null, accountId, organizationId, ct);
        Standings.Remember((accountId, organizationId), generation, DateTime.UtcNow, member);
        return member;
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

    /// <summary>
    /// The membership, its account's sign-in state and the permissions of its groups, in one statement: one row per
    /// permission (one with none when the member holds none). Joins on the indexes of each table, row by row; EF's form
    /// of the permissions as a collection built a derived table of every group membership first.
    /// </summary>
    private const string StandingSql =
        "SELECT m.Id, m.Rank, a.UserName, a.IsActivated, a.LockoutEnd, p.Permission"
        + " FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId"
        + " LEFT JOIN GroupMembers gm ON gm.MembershipId = m.Id LEFT JOIN GroupPermissions p ON p.GroupId = gm.GroupId"
        + " WHERE m.AccountId = @account AND m.OrganizationId = @organization AND m.IsSuspended = 0";

    /// <summary>Null when the account is not an active member of the organization, or cannot sign in at all.</summary>
    /// <remarks>Reads on the context's connection, inside its transaction when one is open (an operation's standing is read in its own).</remarks>
    public static async Task<ActingMember?> LoadAsync(PortalDbContext db, Guid accountId, Guid organizationId, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await ReadAsync(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction(), accountId, organizationId, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <inheritdoc cref="LoadAsync(PortalDbContext, Guid, Guid, CancellationToken)"/>
    /// <remarks>On a plain open connection, outside any transaction.</remarks>
    public static Task<ActingMember?> LoadAsync(DbConnection connection, Guid accountId, Guid organizationId, CancellationToken ct = default) =>
        ReadAsync(connection, null, accountId, organizationId, ct);

    private static async Task<ActingMember?> ReadAsync(DbConnection connection, DbTransaction? transaction, Guid accountId, Guid organizationId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = StandingSql;
        command.Parameters.Add(new SqliteParameter("@account", StoredGuid.Text(accountId)));
        command.Parameters.Add(new SqliteParameter("@organization", StoredGuid.Text(organizationId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var membershipId = reader.GetInt64(0);
        var rank = (MemberRank)reader.GetInt32(1);
        var userName = reader.IsDBNull(2) ? "" : reader.GetString(2);
        var isActivated = reader.GetBoolean(3);
        var lockoutEnd = reader.IsDBNull(4) ? (DateTimeOffset?)null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture);
        if (!isActivated || lockoutEnd > DateTimeOffset.UtcNow)
        {
            return null;
        }

        var permissions = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            if (!reader.IsDBNull(5))
            {
                permissions.Add(reader.GetString(5));
            }
        }
        while (await reader.ReadAsync(ct));

        return new ActingMember(accountId, userName, membershipId, organizationId, rank, permissions);
    }
}
