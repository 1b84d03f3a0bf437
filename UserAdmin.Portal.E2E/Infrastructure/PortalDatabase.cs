using System.Globalization;
using Microsoft.Data.Sqlite;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>A member to put straight into a portal's database: no password (nobody signs in as them).</summary>
public sealed record SeedMember(string UserName, string DisplayName, string Email, bool Suspended = false, bool Activated = true);

/// <summary>
/// Writes rows into a running portal's SQLite file, as a bulk import would: the app's triggers keep the member
/// directory and search index in step, and the organization's member count is kept here in the same transaction.
/// Much faster than creating members through the UI, and the names are known to the test.
/// </summary>
public static class PortalDatabase
{
    /// <summary>Adds the members to the portal's first organization (the bootstrapped one).</summary>
    public static async Task AddMembersAsync(this PortalServer portal, IReadOnlyList<SeedMember> members)
    {
        // No pooling: the file must not stay open in the test process once the portal is gone.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = portal.DatabasePath, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var organizationId = (string)(await ScalarAsync(connection, transaction, "SELECT Id FROM Organizations ORDER BY CreatedAt LIMIT 1"))!;
        var now = DateTime.UtcNow;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var accountId = Guid.NewGuid().ToString().ToUpperInvariant();
            var created = Text(now.AddDays(-i - 1));
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus,
                    UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, ConcurrencyStamp,
                    PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ($id, $first, $last, $display, 0, $activated, $created, 0,
                    $user, upper($user), $email, upper($email), 1, $stamp, $stamp, 0, 0, 1, 0);
                INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, SuspendedAt, JoinedAt, Version)
                VALUES ($org, $id, 0, 0, $suspended, CASE WHEN $suspended THEN $created END, $created, $stamp);
                """,
                ("$id", accountId), ("$first", m.DisplayName.Split(' ')[0]), ("$last", m.DisplayName.Split(' ')[^1]), ("$display", m.DisplayName),
                ("$activated", m.Activated), ("$created", created), ("$user", m.UserName), ("$email", m.Email),
                ("$stamp", Guid.NewGuid().ToString("N")), ("$org", organizationId), ("$suspended", m.Suspended));
        }

        await ExecuteAsync(connection, transaction, "UPDATE Organizations SET MemberCount = MemberCount + $n WHERE Id = $org;",
            ("$n", members.Count), ("$org", organizationId));
        await transaction.CommitAsync();
    }

    // EF Core's text form of a DateTime in SQLite, so the app reads these rows like its own.
    private static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = Command(connection, transaction, sql, []);
        return await command.ExecuteScalarAsync();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
