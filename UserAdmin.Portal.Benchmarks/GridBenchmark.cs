using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Features.Users.Export;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- grid [--sizes 10000,100000,1000000] [--rebuild]`
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
        Console.WriteLine("The 10k bulk force-change and the 100k CSV import have their own commands: `bulk`, `import`.");
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
            // The same two statements the service runs: the bounded probe, then the page.
            var common = await MemberQueryService.IsCommonSearchAsync(raw, filter);
            await using var command = raw.CreateCommand();
            service.BuildPageSql(command, org, filter, sort, page, limit: page.Size + 1, commonSearch: common);
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

        await MeasureExportAsync(service, factory, raw, actor, size);
    }

    /// <summary>
    /// "CSV export (all members)": the export service (authorization, StreamAsync, the CSV writer) into a counting
    /// null stream, next to the same SELECT on the raw connection written with the same CSV writer. Each side runs
    /// twice (a full export of 1M takes seconds); the heap is sampled on every chunk the writer hands over.
    /// </summary>
    private static async Task MeasureExportAsync(MemberQueryService service, IDbContextFactory<PortalDbContext> factory, SqliteConnection raw, Actor actor, int size)
    {
        var export = new MemberCsvExport(service, factory, TimeProvider.System, NullLogger<MemberCsvExport>.Instance);
        var sort = new MemberSort();

        async Task<long> Service(Stream sink)
        {
            var download = await export.PrepareAsync(actor, MemberFilter.None, sort);
            return await export.WriteAsync(download.Value ?? throw new InvalidOperationException(download.Message), sink);
        }

        async Task<long> Raw(Stream sink)
        {
            // The same memory-mapped scan the service's stream makes.
            await using var map = await Hosting.SqlitePragmas.MapForScanAsync(raw, default);
            await using var command = raw.CreateCommand();
            service.BuildPageSql(command, actor.OrganizationId, MemberFilter.None, sort, new PageRequest(PageAnchor.First, null, int.MaxValue - 1), limit: null);
            return await WriteRawCsvAsync(command, new CsvWriter(sink));
        }

        var services = new List<ExportRun>();
        var raws = new List<ExportRun>();
        for (var i = 0; i < 2; i++)
        {
            services.Add(await MeasureExportRunAsync(Service));
            raws.Add(await MeasureExportRunAsync(Raw));
        }

        if (services.Concat(raws).Any(r => r.Rows != size + 1))
        {
            // The organization holds the generated members and its admin.
            throw new InvalidOperationException($"the export wrote {services[0].Rows} / {raws[0].Rows} members, expected {size + 1}");
        }

        services.Sort((a, b) => a.Milliseconds.CompareTo(b.Milliseconds));
        raws.Sort((a, b) => a.Milliseconds.CompareTo(b.Milliseconds));
        var ratio = services[0].Milliseconds / raws[0].Milliseconds;
        var peak = services.Max(r => r.PeakHeapGrowth) / 1e6;
        var target = size >= 1_000_000 ? "≤ 10 000 ms, heap ≤ 50 MB" : "(1M: ≤ 10 000 ms, heap ≤ 50 MB)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size,9:N0} | {"CSV export (all members)",-34} | {services[0].Milliseconds,11:0.0} | {services[^1].Milliseconds,11:0.0} | {raws[0].Milliseconds,8:0.0} | {raws[^1].Milliseconds,8:0.0} | {ratio,5:0.00} | {target}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {"",9} | {"  ↳ 2 runs; p50 best, p95 worst",-34} | {"",11} | {"",11} | {"",8} | {"",8} | {"",5} | "
            + $"service {services[0].Rows / services[0].Milliseconds * 1000:N0} rows/s, {services[0].Bytes / 1e6:0.0} MB of CSV, heap growth peak {peak:+0.0;-0.0} MB, "
            + $"retained {services.Max(r => r.RetainedHeapGrowth) / 1e6:+0.0;-0.0} MB; "
            + $"raw {raws[0].Rows / raws[0].Milliseconds * 1000:N0} rows/s, heap growth peak {raws.Max(r => r.PeakHeapGrowth) / 1e6:+0.0;-0.0} MB"));
    }

    private sealed record ExportRun(double Milliseconds, long Rows, long Bytes, long PeakHeapGrowth, long RetainedHeapGrowth);

    private static async Task<ExportRun> MeasureExportRunAsync(Func<Stream, Task<long>> export)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var sink = new CountingNullStream(before);
        var started = Stopwatch.GetTimestamp();
        var members = await export(sink);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        return new ExportRun(elapsed, members, sink.Bytes, sink.PeakHeap - before, retained);
    }

    /// <summary>The raw baseline: reads the directory columns straight off the reader and writes the same CSV.</summary>
    private static async Task<long> WriteRawCsvAsync(SqliteCommand command, CsvWriter csv)
    {
        await MemberCsvExport.WriteHeaderAsync(csv, default);
        await csv.FlushAsync(default);
        await using var reader = await command.ExecuteReaderAsync();
        var now = DateTimeOffset.UtcNow;
        var count = 0L;
        while (await reader.ReadAsync())
        {
            var lockoutEnd = reader.GetString(9);
            var status = reader.GetBoolean(7) ? MemberStatus.Suspended
                : !reader.GetBoolean(8) ? MemberStatus.PendingActivation
                : lockoutEnd.Length > 0 && DateTimeOffset.Parse(lockoutEnd, CultureInfo.InvariantCulture) > now ? MemberStatus.LockedOut
                : MemberStatus.Active;
            var lastSignIn = reader.GetString(12);
            csv.Field(reader.GetString(4));
            csv.Field(reader.GetString(2));
            csv.Field(reader.GetString(3));
            csv.Field(reader.GetBoolean(13));
            csv.Field(MemberLabels.Of((MemberRank)reader.GetInt32(5)));
            csv.Field(MemberLabels.Of((MemberTag)reader.GetInt32(6)));
            csv.Field(MemberLabels.Of(status));
            csv.Field(reader.GetBoolean(14));
            csv.Field(reader.GetString(10));
            csv.Field(Utc(reader.GetString(11)));
            csv.Field(lastSignIn.Length == 0 ? null : Utc(lastSignIn));
            await csv.EndRowAsync(default);
            if (++count % MemberCsvExport.FlushEveryRows == 0)
            {
                await csv.FlushAsync(default);
            }
        }

        await csv.FlushAsync(default);
        return count;

        static DateTime Utc(string text) =>
            DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    /// <summary><see cref="Stream.Null"/> that counts the bytes and samples the managed heap on every write.</summary>
    private sealed class CountingNullStream(long baseline) : Stream
    {
        public long Bytes { get; private set; }
        public long PeakHeap { get; private set; } = baseline;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Count(count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            return Stream.Null.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void Count(int bytes)
        {
            Bytes += bytes;
            PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: false));
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

    internal static async Task<(double Median, double P95)> MeasureAsync(Func<Task> action)
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

    internal static async Task DrainAsync(System.Data.Common.DbCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
        }
    }

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }
}
