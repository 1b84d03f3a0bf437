using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// A 10,000-member "force password change" through BulkMemberService (rules per member, batches of 500, one
/// activity record per member) next to raw SQL doing the same writes (flag, security stamp, activity row) in the
/// same batches on the same file. Each run is undone before the next, so every run changes all 10,000.
/// </summary>
internal static class BulkBenchmark
{
    public const int Members = 10_000;

    /// <summary>`dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- bulk [--size 100000]`</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--size");
        var size = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 100_000;
        var path = await BenchmarkDatabase.EnsureAsync(Path.Combine("data", "bench"), size, rebuild: false);
        var (serviceMs, rawMs) = await RunAsync(path);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bulk force-change of {Members:N0} members in an organization of {size:N0}: service {serviceMs:0} ms, raw SQL {rawMs:0} ms, ratio {serviceMs / rawMs:0.00} (targets: ≤ 1500 ms, ≤ 3× raw)"));
        return 0;
    }

    public static async Task<(double ServiceMs, double RawMs)> RunAsync(string path, int runs = 3)
    {
        var builder = WebApplication.CreateBuilder(["--environment", "Production", "--ConnectionStrings:Portal", $"Data Source={path}", "--Serilog:MinimumLevel:Default", "Warning"]);
        builder.AddPortal([]);
        await using var app = builder.Build();
        var bulk = app.Services.GetRequiredService<BulkMemberService>();
        var actor = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId);

        await using var raw = await BenchmarkDatabase.OpenAsync(path);
        var ids = new List<long>();
        await using (var command = raw.CreateCommand())
        {
            command.CommandText = $"SELECT Id FROM Memberships WHERE AccountId <> '{BenchmarkDatabase.AdminId.ToString().ToUpperInvariant()}' ORDER BY Id LIMIT {Members}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var service = new List<double>();
        var rawTimes = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await ResetAsync(raw, ids);
            var started = Stopwatch.GetTimestamp();
            var changed = 0;
            var result = await bulk.ApplyAsync(actor, new BulkRequest(BulkActionKind.ForcePasswordChange, ids, null),
                outcomes => changed += outcomes.Count(o => o.Verdict == BulkVerdict.WillChange), progress: null);
            service.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!result.Succeeded || changed != ids.Count)
            {
                throw new InvalidOperationException($"bulk benchmark changed {changed} of {ids.Count}: {result.Message}");
            }

            await ResetAsync(raw, ids);
            started = Stopwatch.GetTimestamp();
            await RawForceChangeAsync(raw, ids);
            rawTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await ResetAsync(raw, ids);
        service.Sort();
        rawTimes.Sort();
        return (service[service.Count / 2], rawTimes[rawTimes.Count / 2]);
    }

    private static async Task ResetAsync(SqliteConnection raw, List<long> ids)
    {
        await using var transaction = await raw.BeginTransactionAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = $"UPDATE AspNetUsers SET MustChangePassword = 0 WHERE Id IN (SELECT AccountId FROM Memberships WHERE Id IN ({string.Join(',', ids)}));"
            + " DELETE FROM Activity WHERE Verb = 'member.password_change_forced';";
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The same writes without the service: per batch, one UPDATE and one activity row per member.</summary>
    private static async Task RawForceChangeAsync(SqliteConnection raw, List<long> ids)
    {
        var org = BenchmarkDatabase.OrganizationId.ToString().ToUpperInvariant();
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        foreach (var batch in ids.Chunk(BulkMemberService.BatchSize))
        {
            await using var transaction = await raw.BeginTransactionAsync();
            var accounts = new List<(string Id, string Name)>();
            await using (var select = raw.CreateCommand())
            {
                select.CommandText = $"SELECT a.Id, a.UserName FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId WHERE m.Id IN ({string.Join(',', batch)})";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    accounts.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            await using var update = raw.CreateCommand();
            update.CommandText = "UPDATE AspNetUsers SET MustChangePassword = 1, SecurityStamp = $stamp, ConcurrencyStamp = $stamp WHERE Id = $id;"
                + " INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, OccurredAt)"
                + " VALUES ($org, $actor, 'bench.admin', 'member.password_change_forced', $id, $name, 'bench.admin required ' || $name || ' to change their password', 1, '{\"mustChangePassword\":{\"before\":false,\"after\":true}}', $now);";
            var id = update.Parameters.Add("$id", SqliteType.Text);
            var name = update.Parameters.Add("$name", SqliteType.Text);
            var stamp = update.Parameters.Add("$stamp", SqliteType.Text);
            update.Parameters.AddWithValue("$org", org);
            update.Parameters.AddWithValue("$actor", BenchmarkDatabase.AdminId.ToString().ToUpperInvariant());
            update.Parameters.AddWithValue("$now", now);
            foreach (var account in accounts)
            {
                id.Value = account.Id;
                name.Value = account.Name;
                stamp.Value = Guid.NewGuid().ToString("N");
                await update.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }
}
