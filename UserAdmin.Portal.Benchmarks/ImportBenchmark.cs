using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users.Import;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// A CSV import of N new members without passwords (names, email, a group, a custom property) through
/// MemberImportService — read, then applied in batches with rules, duplicate checks and one activity record per
/// member — next to raw SQL doing the same reads and writes in the same batches. Each side imports into its own fresh
/// copy of the same 10,000-member organization, so both start from identical files.
/// </summary>
internal static class ImportBenchmark
{
    private const int Organization = 10_000;
    private static readonly Guid HelpDeskGroupId = Guid.Parse("0b5e0000-0000-4000-8000-0000000000a1");

    /// <summary>`dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- import [--size 100000] [--runs 3]`</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var size = Option(args, "--size", 100_000);
        var runs = Option(args, "--runs", 3);
        var folder = Path.Combine("data", "bench");
        var template = await BenchmarkDatabase.EnsureAsync(folder, Organization, rebuild: false);
        var csv = Csv(size);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CSV import of {size:N0} new members ({csv.Length / 1_048_576.0:0.0} MB) into an organization of {Organization:N0}, {runs} runs"));

        var service = new List<double>();
        var raw = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            service.Add(await TimeAsync(template, folder, path => ServiceImportAsync(path, csv, size)));
            raw.Add(await TimeAsync(template, folder, path => RawImportAsync(path, csv, size)));
        }

        service.Sort();
        raw.Sort();
        var serviceRate = size / (service[service.Count / 2] / 1000);
        var rawRate = size / (raw[raw.Count / 2] / 1000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  service: median {service[service.Count / 2]:0} ms, {serviceRate:N0} rows/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  raw SQL: median {raw[raw.Count / 2]:0} ms, {rawRate:N0} rows/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio (service rows/s ÷ raw rows/s): {serviceRate / rawRate:0.00} (target ≥ 0.50)"));
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The file an admin would upload: every row a new member, every tenth in the help-desk group.</summary>
    private static byte[] Csv(int size)
    {
        var text = new StringBuilder("username,email,first_name,last_name,display_name,rank,tag,groups,prop.department\n");
        for (var i = 0; i < size; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"new.member.{i:x6},new.member.{i:x6}@import.test,New,Member {i},,REGULAR,{(i % 7 == 0 ? "GUEST" : "USER")},{(i % 10 == 0 ? "Help desk" : "")},dept-{i % 40}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<double> TimeAsync(string template, string folder, Func<string, Task> import)
    {
        var path = Path.Combine(folder, "import-work.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        SqliteConnection.ClearAllPools();
        File.Copy(template, path);
        var started = Stopwatch.GetTimestamp();
        await import(path);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        SqliteConnection.ClearAllPools();
        return elapsed;
    }

    private static async Task ServiceImportAsync(string path, byte[] csv, int size)
    {
        var builder = WebApplication.CreateBuilder(["--environment", "Production", "--ConnectionStrings:Portal", $"Data Source={path}", "--Serilog:MinimumLevel:Default", "Warning"]);
        builder.AddPortal([]);
        await using var app = builder.Build();
        var importer = app.Services.GetRequiredService<MemberImportService>();
        var actor = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId);

        var file = await MemberImportService.ReadAsync(new MemoryStream(csv));
        var created = 0;
        var result = await importer.ApplyAsync(actor, file.Rows, outcomes => created += outcomes.Count(o => o.Verdict == ImportVerdict.Create), progress: null);
        if (!result.Succeeded || created != size)
        {
            throw new InvalidOperationException($"import benchmark created {created} of {size}: {result.Message}");
        }
    }

    /// <summary>
    /// The same work without the service: the same file read, then per batch of rows one query for existing usernames
    /// and emails, and for each row the account, its membership, its group, its property and its activity record.
    /// </summary>
    private static async Task RawImportAsync(string path, byte[] csv, int size)
    {
        var file = await MemberImportService.ReadAsync(new MemoryStream(csv));
        await using var connection = await BenchmarkDatabase.OpenAsync(path);
        var org = BenchmarkDatabase.OrganizationId.ToString().ToUpperInvariant();
        var actor = BenchmarkDatabase.AdminId.ToString().ToUpperInvariant();
        var group = HelpDeskGroupId.ToString().ToUpperInvariant();
        var created = 0;
        foreach (var batch in file.Rows.Chunk(MemberImportService.BatchSize))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await using (var select = connection.CreateCommand())
            {
                var names = string.Join(',', batch.Select((_, i) => "$u" + i));
                var emails = string.Join(',', batch.Select((_, i) => "$e" + i));
                select.CommandText = $"SELECT NormalizedUserName, NormalizedEmail FROM AspNetUsers WHERE NormalizedUserName IN ({names}) OR NormalizedEmail IN ({emails})";
                for (var i = 0; i < batch.Length; i++)
                {
                    select.Parameters.AddWithValue("$u" + i, batch[i].UserName.ToUpperInvariant());
                    select.Parameters.AddWithValue("$e" + i, batch[i].Email.ToUpperInvariant());
                }

                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    existing.Add(reader.GetString(0));
                    existing.Add(reader.GetString(1));
                }
            }

            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ($id, $first, $last, $display, 0, 0, $now, 0, $user, upper($user), $email, upper($email), 0, $stamp, $stamp, 0, 0, 1, 0);
                INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, JoinedAt, Version) VALUES ($org, $id, 0, $tag, 0, $now, $stamp);
                INSERT INTO GroupMembers (GroupId, MembershipId, AddedAt) SELECT $group, last_insert_rowid(), $now WHERE $grouped = 1;
                INSERT INTO CustomProperties (AccountId, Key, Value) VALUES ($id, 'department', $department);
                INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, OccurredAt)
                VALUES ($org, $actor, 'bench.admin', 'member.imported', $id, $user, 'bench.admin imported ' || $user, 0, $diff, $now);
                """;
            var p = new Dictionary<string, SqliteParameter>();
            foreach (var name in new[] { "id", "first", "last", "display", "user", "email", "stamp", "tag", "grouped", "department", "diff" })
            {
                p[name] = insert.Parameters.Add("$" + name, SqliteType.Text);
            }

            insert.Parameters.AddWithValue("$org", org);
            insert.Parameters.AddWithValue("$actor", actor);
            insert.Parameters.AddWithValue("$group", group);
            insert.Parameters.AddWithValue("$now", now);
            insert.Prepare();
            foreach (var row in batch)
            {
                if (existing.Contains(row.UserName.ToUpperInvariant()) || existing.Contains(row.Email.ToUpperInvariant()))
                {
                    continue;
                }

                var id = Guid.NewGuid().ToString().ToUpperInvariant();
                p["id"].Value = id;
                p["first"].Value = row.FirstName;
                p["last"].Value = row.LastName;
                p["display"].Value = $"{row.FirstName} {row.LastName}";
                p["user"].Value = row.UserName;
                p["email"].Value = row.Email;
                p["stamp"].Value = Guid.NewGuid().ToString("N");
                p["tag"].Value = row.Tag == "GUEST" ? 1 : 0;
                p["grouped"].Value = row.Groups.Length > 0 ? 1 : 0;
                p["department"].Value = row.Properties["department"];
                p["diff"].Value = "{\"username\":{\"before\":null,\"after\":\"" + row.UserName + "\"},\"email\":{\"before\":null,\"after\":\"" + row.Email + "\"},\"rank\":{\"before\":null,\"after\":\"REGULAR\"}}";
                await insert.ExecuteNonQueryAsync();
                created++;
            }

            await transaction.CommitAsync();
        }

        if (created != size)
        {
            throw new InvalidOperationException($"raw import created {created} of {size}");
        }
    }
}
