using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project UserAdmin.Portal -- benchmark grid [--sizes 10000,100000,1000000] [--rebuild]`
/// Times the user grid's query path — the same MemberQueryService the page calls — next to the identical SQL on a
/// raw connection with the same pragmas, on the same file, in the same run, and prints median and p95 with the
/// ratio service ÷ raw.
/// </summary>
internal static class GridBenchmark
{
    private sealed record Scenario(string Name, string Target, Func<Task> Service, Func<Task> Raw);

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Option(args, "--sizes")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            ?? [10_000, 100_000, 1_000_000];
        var folder = Option(args, "--folder") ?? Path.Combine("data", "bench");
        var rebuild = args.Contains("--rebuild");

        Console.WriteLine($"User grid benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite {SqliteVersion()}");
        Console.WriteLine("times in ms; ratio = service median ÷ raw median (the same SQL on a plain connection)");
        Console.WriteLine();
        Console.WriteLine($"| {"members",9} | {"scenario",-34} | {"service p50",11} | {"service p95",11} | {"raw p50",8} | {"raw p95",8} | {"ratio",5} | target");
        Console.WriteLine($"|{new string('-', 11)}|{new string('-', 36)}|{new string('-', 13)}|{new string('-', 13)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 7)}|-------");

        foreach (var size in sizes)
        {
            var path = await BenchmarkDatabase.EnsureAsync(folder, size, rebuild);
            await RunSizeAsync(path, size);
        }

        Console.WriteLine();
        Console.WriteLine("Not measured yet (features still to build in issue #3): 10k bulk force-change, CSV export of 1M, CSV import of 100k.");
        return 0;
    }

    private static async Task RunSizeAsync(string path, int size)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, BenchmarkDatabase.ConnectionString(path));
        var factory = new PooledDbContextFactory<PortalDbContext>(options.Options);
        var service = new MemberQueryService(factory, TimeProvider.System);
        var actor = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId);
        await using var raw = await BenchmarkDatabase.OpenAsync(path);
        var org = BenchmarkDatabase.OrganizationId;

        var byName = new MemberSort();
        var middle = await CursorAtAsync(service, actor, byName, size / 2);
        var activeRegular = new MemberFilter { Status = MemberStatus.Active, Rank = MemberRank.Regular };
        var prefix = new MemberFilter { Search = "ja" };
        var rare = new MemberFilter { Search = $".{size / 3:x6}@" };
        var common = new MemberFilter { Search = "son" };

        Func<Task> Page(MemberFilter filter, MemberSort sort, PageRequest page) => async () =>
        {
            var result = await service.PageAsync(actor, filter, sort, page);
            if (!result.Succeeded || result.Value!.Rows.Count == 0)
            {
                throw new InvalidOperationException($"benchmark query returned nothing: {result.Message}");
            }
        };

        Func<Task> RawPage(MemberFilter filter, MemberSort sort, PageRequest page) => async () =>
        {
            await using var command = raw.CreateCommand();
            service.BuildPageSql(command, org, filter, sort, page, limit: page.Size + 1);
            await DrainAsync(command);
        };

        Func<Task> Count(MemberFilter filter) => async () =>
        {
            var result = await service.CountAsync(actor, filter);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Message);
            }
        };

        Func<Task> RawCount(MemberFilter filter) => async () =>
        {
            await using var command = raw.CreateCommand();
            var sql = new System.Text.StringBuilder("SELECT COUNT(*) FROM MemberDirectory d WHERE d.OrganizationId = @org");
            command.Parameters.Add(new SqliteParameter("@org", org.ToString().ToUpperInvariant()));
            service.AppendFilters(sql, command, filter);
            command.CommandText = sql.ToString();
            await command.ExecuteScalarAsync();
        };

        var first = new PageRequest(PageAnchor.First, null, 50);
        Scenario[] scenarios =
        [
            new("first page (name)", "p95 ≤ 10, ≤ 2× raw", Page(MemberFilter.None, byName, first), RawPage(MemberFilter.None, byName, first)),
            new("last page (name)", "p95 ≤ 10, ≤ 2× raw", Page(MemberFilter.None, byName, new(PageAnchor.Last)), RawPage(MemberFilter.None, byName, new(PageAnchor.Last))),
            new("middle page (keyset after cursor)", "p95 ≤ 10, ≤ 2× raw", Page(MemberFilter.None, byName, new(PageAnchor.After, middle)), RawPage(MemberFilter.None, byName, new(PageAnchor.After, middle))),
            new("sort: name descending", "p95 ≤ 10, ≤ 2× raw", Page(MemberFilter.None, byName with { Descending = true }, first), RawPage(MemberFilter.None, byName with { Descending = true }, first)),
            new("sort: last sign-in, last page", "p95 ≤ 10, ≤ 2× raw", Page(MemberFilter.None, new(MemberSortField.LastSignInAt), new(PageAnchor.Last)), RawPage(MemberFilter.None, new(MemberSortField.LastSignInAt), new(PageAnchor.Last))),
            new("filtered page (active + REGULAR)", "p95 ≤ 10, ≤ 2× raw", Page(activeRegular, byName, first), RawPage(activeRegular, byName, first)),
            new("prefix search 'ja'", "≤ 5", Page(prefix, byName, first), RawPage(prefix, byName, first)),
            new("substring search, rare term", "≤ 20", Page(rare, byName, first), RawPage(rare, byName, first)),
            new("substring search 'son' (common)", "≤ 150", Page(common, byName, first), RawPage(common, byName, first)),
            new("total, unfiltered (kept count)", "O(1)", Count(MemberFilter.None), RawCount(MemberFilter.None)),
            new("total, active + REGULAR", "≤ 100", Count(activeRegular), RawCount(activeRegular)),
            new("total, search 'son'", "≤ 100", Count(common), RawCount(common)),
        ];

        foreach (var scenario in scenarios)
        {
            var service95 = await MeasureAsync(scenario.Service);
            var raw95 = await MeasureAsync(scenario.Raw);
            var ratio = raw95.Median > 0 ? service95.Median / raw95.Median : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size,9:N0} | {scenario.Name,-34} | {service95.Median,11:0.000} | {service95.P95,11:0.000} | {raw95.Median,8:0.000} | {raw95.P95,8:0.000} | {ratio,5:0.00} | {scenario.Target}"));
        }
    }

    private static async Task<MemberCursor> CursorAtAsync(MemberQueryService service, Actor actor, MemberSort sort, int position)
    {
        // Walk there once by keyset, 500 rows a step; the cursor is what a "next page" click would carry.
        MemberCursor? cursor = null;
        for (var seen = 0; seen < position; seen += PageRequest.MaxSize)
        {
            var page = await service.PageAsync(actor, MemberFilter.None, sort, new PageRequest(cursor is null ? PageAnchor.First : PageAnchor.After, cursor, PageRequest.MaxSize));
            cursor = page.Value!.LastCursor ?? cursor;
        }

        return cursor!;
    }

    private static async Task<(double Median, double P95)> MeasureAsync(Func<Task> action)
    {
        for (var i = 0; i < 3; i++)
        {
            await action();
        }

        var times = new List<double>();
        var budget = Stopwatch.StartNew();
        while (times.Count < 200 && (times.Count < 10 || budget.Elapsed < TimeSpan.FromSeconds(2)))
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
    }

    private static async Task DrainAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }
}
