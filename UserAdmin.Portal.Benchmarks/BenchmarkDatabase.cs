using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// Builds (once, then reuses) a SQLite file holding one organization of N members, in bulk: plain INSERTs in large
/// transactions, no password hashes (a million PBKDF2 hashes would take hours). The directory and search triggers
/// fire exactly as they do for the portal's own writes.
/// </summary>
internal static class BenchmarkDatabase
{
    public static readonly Guid OrganizationId = Guid.Parse("0b5e0000-0000-4000-8000-000000000001");
    public static readonly Guid AdminId = Guid.Parse("0b5e0000-0000-4000-8000-0000000000ad");

    private static readonly string[] FirstNames =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa",
        "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Ángel", "Zoë", "Łukasz", "Søren", "Chloé", "José", "Aiko", "Wei",
    ];

    private static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Müller",
        "O'Brien", "Nguyen", "Kowalski",
    ];

    public static async Task<string> EnsureAsync(string folder, int members, bool rebuild)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"members-{members}.db");
        if (!rebuild && File.Exists(path) && await CountAsync(path) == members)
        {
            // A file built by an older version gets the migrations added since (new indexes are part of what is measured).
            var reuse = new DbContextOptionsBuilder<PortalDbContext>();
            DataExtensions.ConfigureSqlite(reuse, ConnectionString(path));
            await using var existing = new PortalDbContext(reuse.Options);
            await DatabaseInitializer.MigrateAsync(existing);
            return path;
        }

        // A pooled connection from the count above would keep the deleted file open and be handed to the new build.
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        string membershipTrigger;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, ConnectionString(path));
        await using (var db = new PortalDbContext(options.Options))
        {
            await DatabaseInitializer.MigrateAsync(db);
        }

        await using var connection = await OpenAsync(path);
        // Bulk-load settings for this build only: a large page cache keeps the directory's indexes in memory.
        await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;");

        // The search index (FTS5) writes a new segment at every statement, so feeding it row by row through the
        // membership trigger grows slower with every row (a million took over an hour). During the load the trigger
        // fills only the directory; the search index is filled in one statement at the end, as the migration does.
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'MemberDirectory_MembershipInserted'";
            membershipTrigger = (string)(await read.ExecuteScalarAsync())!;
        }

        await ExecuteAsync(connection, "DROP TRIGGER MemberDirectory_MembershipInserted; "
            + System.Text.RegularExpressions.Regex.Replace(membershipTrigger, @"\s*INSERT INTO MemberSearch[^;]*;", "") + ";");
        await ExecuteAsync(connection, $"""
            INSERT INTO Organizations (Id, Name, DisplayName, CreatedAt, MemberCount) VALUES ('{Upper(OrganizationId)}', 'bench', 'Benchmark', '2026-01-01 00:00:00', {members + 1});
            INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ('{Upper(AdminId)}', 'Bench', 'Admin', 'Bench Admin', 0, 1, '2026-01-01 00:00:00', 0, 'bench.admin', 'BENCH.ADMIN', 'bench.admin@bench.test', 'BENCH.ADMIN@BENCH.TEST', 1, 'x', 0, 0, 1, 0);
            INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, JoinedAt, Version) VALUES ('{Upper(OrganizationId)}', '{Upper(AdminId)}', 2, 0, 0, '2026-01-01 00:00:00', 'v');
            INSERT INTO Groups (Id, OrganizationId, Name, Description, CreatedAt) VALUES ('{Upper(Guid.Parse("0b5e0000-0000-4000-8000-0000000000a1"))}', '{Upper(OrganizationId)}', 'Help desk', '', '2026-01-01 00:00:00');
            """);

        var random = new Random(members);
        var start = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        const int batch = 50_000;
        for (var done = 0; done < members; done += batch)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var account = connection.CreateCommand();
            account.CommandText = """
                INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, LastSignInAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, LockoutEnd, AccessFailedCount)
                VALUES ($id, $first, $last, $display, $mcp, $activated, $created, $lastSignIn, $device, $user, upper($user), $email, upper($email), $confirmed, 'x', 0, 0, 1, $lockout, 0);
                INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, JoinedAt, Version) VALUES ($org, $id, $rank, $tag, $suspended, $created, 'v');
                """;
            var p = new Dictionary<string, SqliteParameter>();
            foreach (var name in new[] { "id", "first", "last", "display", "mcp", "activated", "created", "lastSignIn", "device", "user", "email", "confirmed", "lockout", "org", "rank", "tag", "suspended" })
            {
                p[name] = account.Parameters.Add("$" + name, SqliteType.Text);
            }

            p["org"].Value = Upper(OrganizationId);
            account.Prepare();
            for (var i = done; i < Math.Min(members, done + batch); i++)
            {
                var first = FirstNames[random.Next(FirstNames.Length)];
                var last = LastNames[random.Next(LastNames.Length)];
                var user = $"{Ascii(first)}.{Ascii(last)}.{i:x6}".ToLowerInvariant();
                var created = start.AddMinutes(random.Next(0, 2_000_000));
                var activated = random.NextDouble() > 0.04;
                p["id"].Value = Upper(new Guid(i + 1, 0x1000, 0x4000, [0x80, 0, 0, 0, 0, 0, 0, (byte)(members % 251)]));
                p["first"].Value = first;
                p["last"].Value = last;
                p["display"].Value = $"{first} {last}";
                p["mcp"].Value = random.NextDouble() < 0.08 ? 1 : 0;
                p["activated"].Value = activated ? 1 : 0;
                p["created"].Value = Sortable(created);
                p["lastSignIn"].Value = activated && random.NextDouble() > 0.1 ? Sortable(created.AddMinutes(random.Next(1, 500_000))) : DBNull.Value;
                p["device"].Value = random.Next(3);
                p["user"].Value = user;
                p["email"].Value = $"{user}@example.org";
                p["confirmed"].Value = activated && random.NextDouble() > 0.1 ? 1 : 0;
                p["lockout"].Value = random.NextDouble() < 0.01 ? "2099-01-01 00:00:00+00:00" : DBNull.Value;
                p["rank"].Value = random.NextDouble() < 0.01 ? 1 : 0;
                p["tag"].Value = random.NextDouble() < 0.1 ? 1 : 0;
                p["suspended"].Value = random.NextDouble() < 0.05 ? 1 : 0;
                await account.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            Console.Error.Write($"\r  building {members:N0}: {Math.Min(members, done + batch):N0} rows, {started.Elapsed.TotalSeconds:0} s   ");
        }

        await ExecuteAsync(connection, "BEGIN; DROP TRIGGER MemberDirectory_MembershipInserted; " + membershipTrigger + "; "
            + UserAdmin.Portal.Data.Migrations.MemberDirectory.SearchBackfillSql + " COMMIT;");
        await ExecuteAsync(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        Console.Error.WriteLine($"\r  built {members:N0} members in {started.Elapsed.TotalSeconds:0.0} s: {path}");
        return path;
    }

    public static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    /// <summary>A raw connection with the same per-connection settings the portal's interceptor applies.</summary>
    public static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(ConnectionString(path));
        await connection.OpenAsync();
        await ExecuteAsync(connection, SqlitePragmas.Sql);
        return connection;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string path)
    {
        try
        {
            await using var connection = await OpenAsync(path);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) - 1 FROM MemberDirectory";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();

    private static string Sortable(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Ascii(string name) =>
        new(name.Normalize(System.Text.NormalizationForm.FormD).Where(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z').ToArray());
}
