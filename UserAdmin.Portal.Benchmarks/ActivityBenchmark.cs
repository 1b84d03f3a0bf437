using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- activity [--size 5000000] [--rebuild]`
/// Times the activity page's query path — ActivityFeedService.ListAsync, as the page calls it — next to the same
/// statements on a raw connection with the same pragmas (the cursor's key, the username lookup, the search probe, the
/// page), on one file built in bulk, and prints median and p95 with the ratio service ÷ raw.
/// </summary>
internal static class ActivityBenchmark
{
    private static readonly Guid OtherOrganizationId = Guid.Parse("0b5e0000-0000-4000-8000-0000000000b2");
    private const int Accounts = 20_000;
    private const int Actors = 2_000;

    private static readonly (string Verb, string Words, ActivityCategory Category, string? Diff)[] Verbs =
    [
        ("member.suspended", "suspended", ActivityCategory.Admin, """{"suspended":{"before":false,"after":true}}"""),
        ("member.unsuspended", "unsuspended", ActivityCategory.Admin, """{"suspended":{"before":true,"after":false}}"""),
        ("member.profile_updated", "updated the profile of", ActivityCategory.Admin, """{"displayName":{"before":"A","after":"B"}}"""),
        ("member.rank_changed", "changed the rank of", ActivityCategory.Admin, """{"rank":{"before":"REGULAR","after":"ADMIN"}}"""),
        ("member.groups_changed", "changed the groups of", ActivityCategory.Admin, null),
        ("member.created", "created", ActivityCategory.Admin, null),
        ("member.removed", "removed", ActivityCategory.Admin, null),
        ("password.reset", "set a temporary password for", ActivityCategory.Security, null),
        ("password.force_change", "required a password change from", ActivityCategory.Security, """{"mustChangePassword":{"before":false,"after":true}}"""),
        ("account.unlocked", "unlocked", ActivityCategory.Security, null),
        ("account.signed_out_everywhere", "signed out everywhere", ActivityCategory.Security, null),
        ("account.signed_in", "signed in as", ActivityCategory.Self, null),
        ("account.password_changed", "changed the password of", ActivityCategory.Self, null),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var size = int.Parse(GridBenchmark.Option(args, "--size") ?? "5000000", CultureInfo.InvariantCulture);
        var folder = GridBenchmark.Option(args, "--folder") ?? Path.Combine("data", "bench");
        var path = await EnsureAsync(folder, size, args.Contains("--rebuild"));

        Console.WriteLine($"Activity page benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite {GridBenchmark.SqliteVersion()}");
        Console.WriteLine("times in ms; ratio = service median ÷ raw median (the same statements on a plain connection); pages of 50");
        Console.WriteLine();
        Console.WriteLine($"| {"records",9} | {"scenario",-40} | {"service p50",11} | {"service p95",11} | {"raw p50",8} | {"raw p95",8} | {"ratio",5} | target");
        Console.WriteLine($"|{new string('-', 11)}|{new string('-', 42)}|{new string('-', 13)}|{new string('-', 13)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 7)}|-------");

        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, BenchmarkDatabase.ConnectionString(path));
        var factory = new PooledDbContextFactory<PortalDbContext>(options.Options);
        var service = new ActivityFeedService(factory, TimeProvider.System);
        var actor = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId);
        await using var raw = await BenchmarkDatabase.OpenAsync(path);
        var org = BenchmarkDatabase.OrganizationId;

        var deep = await ScalarAsync<long>(raw, $"SELECT Id FROM Activity WHERE OrganizationId = '{ActivitySql.Guid(org)}' ORDER BY OccurredAt DESC, Id DESC LIMIT 1 OFFSET {size / 2 * 9 / 10}");
        var end = DateTime.Parse(await ScalarAsync<string>(raw, "SELECT MAX(OccurredAt) FROM Activity"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var target = UserName(12_345);
        var actorName = UserName(1_234);
        var rangeFrom = end.AddDays(-365);
        var rangeTo = rangeFrom.AddDays(30);

        Func<Task> Service(ActivityQuery query, long? before = null) => async () =>
        {
            var result = await service.ListAsync(actor, query, before: before, pageSize: 50);
            if (!result.Succeeded || result.Value!.Items.Count == 0)
            {
                throw new InvalidOperationException($"benchmark query returned nothing: {result.Message}");
            }
        };

        // The same statements without EF: the cursor's key, the search plan, the username's account, the page (which admits the viewer).
        Func<Task> Raw(ActivityQuery query, long? before = null) => async () =>
        {
            var key = before is { } id ? await ActivitySql.KeyAsync(raw, org, id, default) : null;
            var (candidates, likes) = await ActivitySql.PlanSearchAsync(raw, query.Search, default);

            async Task<string> AccountAsync(string name) =>
                await ScalarAsync<string>(raw, $"SELECT Id FROM AspNetUsers WHERE NormalizedUserName = '{name.ToUpperInvariant()}' LIMIT 1");

            var sql = new ActivitySql
            {
                OrganizationId = org,
                Viewer = BenchmarkDatabase.AdminId,
                ViewerNow = DateTimeOffset.UtcNow,
                Actor = query.Actor is { } a ? ("a.ActorAccountId", await AccountAsync(a)) : null,
                Target = query.Target is { } t ? ("a.TargetAccountId", await AccountAsync(t)) : null,
                Category = query.Category,
                From = query.From,
                To = query.To,
                Candidates = candidates,
                Likes = likes,
            };
            await using var command = raw.CreateCommand();
            sql.Build(command, key, upward: false, limit: 51);
            await GridBenchmark.DrainAsync(command);
        };

        (string Name, string Target, ActivityQuery Query, long? Before)[] scenarios =
        [
            ("first page", "p95 ≤ 10", new ActivityQuery(), null),
            ("deep page (keyset, 45% down)", "p95 ≤ 10", new ActivityQuery(), deep),
            ("filter by target (username)", "p95 ≤ 20", new ActivityQuery { Target = target }, null),
            ("filter by actor (username)", "p95 ≤ 20", new ActivityQuery { Actor = actorName }, null),
            ("category + 30-day range a year back", "p95 ≤ 10", new ActivityQuery { Category = ActivityCategory.Security, From = rangeFrom, To = rangeTo }, null),
            ($"title search, rare ('{target}')", "p95 ≤ 10", new ActivityQuery { Search = target }, null),
            ("title search, 2 words ('unlocked user.0')", "p95 ≤ 10", new ActivityQuery { Search = "unlocked user.0" }, null),
            ("title search, common ('unlocked')", "p95 ≤ 10", new ActivityQuery { Search = "unlocked" }, null),
            ("title search, 2 characters ('pa')", "p95 ≤ 10", new ActivityQuery { Search = "pa" }, null),
        ];

        foreach (var scenario in scenarios)
        {
            var s = await GridBenchmark.MeasureAsync(Service(scenario.Query, scenario.Before));
            var r = await GridBenchmark.MeasureAsync(Raw(scenario.Query, scenario.Before));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size,9:N0} | {scenario.Name,-40} | {s.Median,11:0.000} | {s.P95,11:0.000} | {r.Median,8:0.000} | {r.P95,8:0.000} | {s.Median / r.Median,5:0.00} | {scenario.Target}"));
        }

        return 0;
    }

    private static string UserName(int i) => $"user.{i:d5}";

    /// <summary>
    /// Builds (once, then reuses) a file with N records: 90% in the benchmark organization, 10% in another, over two
    /// years, by 2,000 actors on 20,000 accounts. Plain INSERTs in large transactions with the feed's indexes and the
    /// search triggers dropped, then the indexes and the search index built in one pass each.
    /// </summary>
    private static async Task<string> EnsureAsync(string folder, int size, bool rebuild)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"activity-{size}.db");
        if (!rebuild && File.Exists(path))
        {
            await using var existing = await BenchmarkDatabase.OpenAsync(path);
            if (await ScalarAsync<long>(existing, "SELECT COUNT(*) FROM Activity") == size)
            {
                return path;
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        var started = Stopwatch.StartNew();
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, BenchmarkDatabase.ConnectionString(path));
        await using (var db = new PortalDbContext(options.Options))
        {
            await DatabaseInitializer.MigrateAsync(db);
        }

        await using var connection = await BenchmarkDatabase.OpenAsync(path);
        await BenchmarkDatabase.ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;");
        var org = ActivitySql.Guid(BenchmarkDatabase.OrganizationId);
        await BenchmarkDatabase.ExecuteAsync(connection, $"""
            INSERT INTO Organizations (Id, Name, DisplayName, CreatedAt, MemberCount) VALUES ('{org}', 'bench', 'Benchmark', '2024-01-01 00:00:00', 1);
            INSERT INTO Organizations (Id, Name, DisplayName, CreatedAt, MemberCount) VALUES ('{ActivitySql.Guid(OtherOrganizationId)}', 'other', 'Other', '2024-01-01 00:00:00', 0);
            INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ('{ActivitySql.Guid(BenchmarkDatabase.AdminId)}', 'Bench', 'Admin', 'Bench Admin', 0, 1, '2024-01-01 00:00:00', 0, 'bench.admin', 'BENCH.ADMIN', 'bench.admin@bench.test', 'BENCH.ADMIN@BENCH.TEST', 1, 'x', 0, 0, 1, 0);
            INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, JoinedAt, Version) VALUES ('{org}', '{ActivitySql.Guid(BenchmarkDatabase.AdminId)}', 2, 0, 0, '2024-01-01 00:00:00', 'v');
            """);

        // Accounts only (no memberships): the feed resolves usernames through AspNetUsers.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var account = connection.CreateCommand();
            account.CommandText = """
                INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ($id, 'F', 'L', 'F L', 0, 1, '2024-01-01 00:00:00', 0, $user, upper($user), $user || '@example.org', upper($user || '@example.org'), 1, 'x', 0, 0, 1, 0);
                """;
            var id = account.Parameters.Add("$id", SqliteType.Text);
            var user = account.Parameters.Add("$user", SqliteType.Text);
            for (var i = 0; i < Accounts; i++)
            {
                id.Value = ActivitySql.Guid(AccountId(i));
                user.Value = UserName(i);
                await account.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        // Drop what makes each INSERT expensive (five indexes, the search triggers); rebuild once at the end.
        var dropped = new List<(string Type, string Name, string Sql)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'Activity' AND type IN ('index', 'trigger') AND sql IS NOT NULL";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dropped.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (type, name, _) in dropped)
        {
            await BenchmarkDatabase.ExecuteAsync(connection, $"DROP {type.ToUpperInvariant()} \"{name}\"");
        }

        var rebuildSql = dropped.Select(d => d.Sql).ToList();

        var random = new Random(size);
        var time = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var step = TimeSpan.FromDays(730).Ticks / size * 2;
        const int batch = 100_000;
        for (var done = 0; done < size; done += batch)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, ClientAddress, OccurredAt)
                VALUES ($org, $actor, $actorName, $verb, $target, $targetName, $title, $category, $diff, '198.51.100.7', $at);
                """;
            var p = new Dictionary<string, SqliteParameter>();
            foreach (var name in new[] { "org", "actor", "actorName", "verb", "target", "targetName", "title", "category", "diff", "at" })
            {
                p[name] = insert.Parameters.Add("$" + name, SqliteType.Text);
            }

            insert.Prepare();
            for (var i = done; i < Math.Min(size, done + batch); i++)
            {
                var actorIndex = random.Next(Actors);
                var targetIndex = random.Next(Accounts);
                var verb = Verbs[random.Next(Verbs.Length)];
                var system = random.NextDouble() < 0.02;
                time = time.AddTicks(random.NextInt64(step));
                p["org"].Value = random.NextDouble() < 0.9 ? org : ActivitySql.Guid(OtherOrganizationId);
                p["actor"].Value = system ? DBNull.Value : ActivitySql.Guid(AccountId(actorIndex));
                p["actorName"].Value = system ? "system" : UserName(actorIndex);
                p["verb"].Value = verb.Verb;
                p["target"].Value = ActivitySql.Guid(AccountId(targetIndex));
                p["targetName"].Value = UserName(targetIndex);
                p["title"].Value = $"{(system ? "system" : UserName(actorIndex))} {verb.Words} {UserName(targetIndex)}";
                p["category"].Value = (int)verb.Category;
                p["diff"].Value = (object?)verb.Diff ?? DBNull.Value;
                p["at"].Value = ActivitySql.Time(time);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            Console.Error.Write($"\r  building {size:N0}: {Math.Min(size, done + batch):N0} records, {started.Elapsed.TotalSeconds:0} s   ");
        }

        Console.Error.Write($"\r  building {size:N0}: indexes and title search, {started.Elapsed.TotalSeconds:0} s            ");
        foreach (var sql in rebuildSql.Where(s => s.StartsWith("CREATE INDEX", StringComparison.OrdinalIgnoreCase)))
        {
            await BenchmarkDatabase.ExecuteAsync(connection, sql);
        }

        await BenchmarkDatabase.ExecuteAsync(connection, "INSERT INTO ActivitySearch (ActivitySearch) VALUES ('rebuild');");
        foreach (var sql in rebuildSql.Where(s => s.StartsWith("CREATE TRIGGER", StringComparison.OrdinalIgnoreCase)))
        {
            await BenchmarkDatabase.ExecuteAsync(connection, sql);
        }

        await BenchmarkDatabase.ExecuteAsync(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        Console.Error.WriteLine($"\r  built {size:N0} activity records in {started.Elapsed.TotalSeconds:0.0} s: {path}                ");
        return path;
    }

    private static Guid AccountId(int i) => new(i + 1, 0x2000, 0x4000, [0x80, 0, 0, 0, 0, 0, 0, 1]);

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
