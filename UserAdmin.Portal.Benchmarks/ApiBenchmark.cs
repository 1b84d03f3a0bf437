using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// The REST API under load: the real portal (Production settings, Warning-level logs, the per-key rate limit raised)
/// and a minimal raw-ADO.NET endpoint (<see cref="ApiBaseline"/>) in this process, each on its own loopback port, both
/// reading the same file, driven in turn by wrk: a page of 100 by keyset cursor, one member by id, and a profile change
/// with its activity record. Prints requests/s and latency percentiles of each, and the ratios against the targets.
/// The members the update run changes get their display names back, and its activity records are deleted, at the end.
/// </summary>
internal static class ApiBenchmark
{
    internal const int PageSize = 100;

    /// <summary>
    /// Seconds of load before a measured run. Tiered compilation keeps recompiling the portal's request path (with
    /// profile-guided instrumentation in between) for well over five seconds under this load; with a 5 s warm-up the
    /// list measured 0.37–0.43× of the baseline, with 20 s 0.89–0.92×. The baseline's few methods are hot at once.
    /// </summary>
    internal const int DefaultWarmupSeconds = 20;
    private const string UpdateVerb = "member.profile_updated";

    /// <summary>
    /// The real portal over the benchmark file on its own loopback address: Production settings, Warning-level logs (no
    /// request lines), and the per-key rate limit raised so that it never throttles the load.
    /// </summary>
    internal static async Task<WebApplication> StartPortalAsync(string path, string url)
    {
        var builder = WebApplication.CreateBuilder(PortalHosting.HostArguments([
            "--environment", "Production", "--urls", url,
            "--ConnectionStrings:Portal", $"Data Source={path}",
            "--Serilog:MinimumLevel:Default", "Warning", "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime", "Warning",
            "--Portal:Api:RequestsPerMinute", "100000000",
        ]));
        builder.AddPortal([]);
        var portal = builder.Build();
        portal.UsePortal();
        await portal.StartAsync();
        return portal;
    }

    /// <summary>A read-write key of the benchmark's admin, who stands in for someone that confirmed their password on the API keys page.</summary>
    internal static async Task<(Actor Admin, CreatedApiKey Key)> CreateKeyAsync(IServiceProvider services, string name, TimeSpan lifetime)
    {
        var admin = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId)
        {
            Reauthentication = services.GetRequiredService<UserAdmin.Portal.Features.Accounts.ReauthenticationService>().Issue(BenchmarkDatabase.AdminId),
        };
        var created = await services.GetRequiredService<ApiKeyService>()
            .CreateAsync(admin, new NewApiKey { Name = name, Scope = ApiKeyScope.ReadWrite, ExpiresAt = DateTime.UtcNow.Add(lifetime) });
        return (admin, created.Value ?? throw new InvalidOperationException($"Creating the {name} key failed: {created.Message}"));
    }

    /// <summary>`dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- api [--size 100000] [--seconds 10] [--connections 16] [--threads 2] [--warmup 20] [--breakdown] [--only list,get,update]`</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var size = Option(args, "--size", 100_000);
        var seconds = Option(args, "--seconds", 10);
        var connections = Option(args, "--connections", 16);
        var threads = Math.Min(connections, Option(args, "--threads", 2));
        var warmup = Option(args, "--warmup", DefaultWarmupSeconds);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        bool Runs(string scenario) => only.Length == 0 || only.Contains(scenario, StringComparer.OrdinalIgnoreCase);

        var path = Path.GetFullPath(await BenchmarkDatabase.EnsureAsync(Path.Combine("data", "bench"), size, rebuild: false));
        await using var raw = await BenchmarkDatabase.OpenAsync(path);
        var cursors = await CursorPointsAsync(raw, 400);
        var ids = await RandomMembersAsync(raw, 2_000);
        var (changing, originalNames) = await PrepareUpdatesAsync(raw, 4_000);

        var portalUrl = $"http://127.0.0.1:{FreePort()}";
        var baselineUrl = $"http://127.0.0.1:{FreePort()}";
        await using var portal = await StartPortalAsync(path, portalUrl);
        await using var baseline = new ApiBaseline(path);
        await baseline.StartAsync(baselineUrl);

        var keys = portal.Services.GetRequiredService<ApiKeyService>();
        var (admin, key) = await CreateKeyAsync(portal.Services, "api benchmark", TimeSpan.FromHours(1));
        var authorization = $"ApiKey {key.Key}";

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"API benchmark: {size:N0} members, wrk -t{threads} -c{connections}, {seconds} s per run after {warmup} s of warm-up; load average {LoadAverage()}"));
        try
        {
            if (args.Contains("--breakdown"))
            {
                // Inside the try: its profile updates change members whose names are put back at the end.
                await BreakdownAsync(portal.Services, portalUrl, authorization, key.Key, ids, changing.Select(m => m.Id).ToList(), cursors[cursors.Count / 2]);
            }

            async Task<WrkResult> Measure(string url, string script)
            {
                if (warmup > 0)
                {
                    await Wrk.RunAsync(url, script, warmup, connections, threads);
                }

                return await Timed(() => Wrk.RunAsync(url, script, seconds, connections, threads));
            }

            var runs = Random.Shared.Next(1_000_000);
            var listing = Runs("list");
            var apiList = listing ? await Measure(portalUrl, Wrk.GetScript(
                cursors.Select(c => $"/api/v1/members?limit={PageSize}&cursor={new MemberCursor([JsonSerializer.SerializeToElement(c.Name)], c.Id).Encode()}").ToList(),
                authorization)) : null;
            var rawList = listing ? await Measure(baselineUrl, Wrk.GetScript(
                cursors.Select(c => $"/baseline/members?name={Uri.EscapeDataString(c.Name)}&id={c.Id}").ToList(), null)) : null;
            var getting = Runs("get");
            var apiGet = getting ? await Measure(portalUrl, Wrk.GetScript(ids.Select(id => $"/api/v1/members/{id}").ToList(), authorization)) : null;
            var rawGet = getting ? await Measure(baselineUrl, Wrk.GetScript(ids.Select(id => $"/baseline/members/{id}").ToList(), null)) : null;

            var updating = Runs("update");
            var (apiUpdate, apiRecords) = updating ? await MeasureUpdate(portalUrl, "/api/v1/members/", authorization) : (null, 0);
            var (rawUpdate, rawRecords) = updating ? await MeasureUpdate(baselineUrl, "/baseline/members/", null) : (null, 0);

            // Also counts the activity records written while the run was measured (warm-up excluded).
            async Task<(WrkResult? Result, long Records)> MeasureUpdate(string url, string prefix, string? auth)
            {
                // Each target starts from the versions in the file: the other target's run has moved them on.
                var current = await CurrentVersionsAsync(raw, changing);
                if (warmup > 0)
                {
                    await Wrk.RunAsync(url, Wrk.UpdateScript(current, threads, prefix, "/profile", auth, ++runs), warmup, connections, threads);
                    await Task.Delay(500); // requests still in flight when wrk stopped move versions on
                    current = await CurrentVersionsAsync(raw, changing);
                }

                var before = await CountRecordsAsync(raw);
                var result = await Timed(() => Wrk.RunAsync(url, Wrk.UpdateScript(current, threads, prefix, "/profile", auth, ++runs), seconds, connections, threads));
                return (result, await CountRecordsAsync(raw) - before);
            }

            Console.WriteLine();
            Console.WriteLine("| scenario | API req/s | API p50 | API p95 | API p99 | API CPU/req | baseline req/s | baseline p50 | baseline p95 | baseline p99 | baseline CPU/req | req/s ratio | p95 ratio | target |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            if (apiList is not null && rawList is not null)
            {
                Row("list (cursor page of 100)", apiList, rawList, ReadTarget(apiList, rawList));
            }

            if (apiGet is not null && rawGet is not null)
            {
                Row("get by id", apiGet, rawGet, ReadTarget(apiGet, rawGet));
            }

            if (apiUpdate is not null && rawUpdate is not null)
            {
                var updateMet = apiRecords / apiUpdate.Seconds >= 500 && apiRecords >= apiUpdate.Requests - apiUpdate.Non2xx && apiUpdate.Non2xx == 0;
                Row("update profile (+ activity record)", apiUpdate, rawUpdate, $"≥ 500/s with its record: {(updateMet ? "met" : "MISSED")}");
                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"update: the API answered {apiUpdate.Requests - apiUpdate.Non2xx:N0} changes and wrote {apiRecords:N0} '{UpdateVerb}' records ({apiRecords / apiUpdate.Seconds:N0}/s);"
                    + $" the baseline {rawUpdate.Requests - rawUpdate.Non2xx:N0} and {rawRecords:N0}."));
            }

            foreach (var (name, result) in new[] { ("API list", apiList), ("baseline list", rawList), ("API get", apiGet), ("baseline get", rawGet), ("API update", apiUpdate), ("baseline update", rawUpdate) })
            {
                if (result is not null && (result.Non2xx > 0 || result.SocketErrors > 0))
                {
                    Console.WriteLine($"warning: {name} had {result.Non2xx} non-2xx answers and {result.SocketErrors} socket errors");
                }
            }

            Console.WriteLine($"load average after: {LoadAverage()}");
            return 0;
        }
        finally
        {
            await keys.RevokeAsync(admin, key.Id);
            await RestoreAsync(raw, originalNames);
        }
    }

    /// <summary>
    /// Adds the CPU this process (both servers; only one is driven at a time) spent per answered request: unlike
    /// requests/s, it hardly moves when other jobs share the cores.
    /// </summary>
    internal static async Task<WrkResult> Timed(Func<Task<WrkResult>> run)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var result = await run();
        await Task.Delay(200);
        var spent = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return result with { CpuMsPerRequest = spent.TotalMilliseconds / Math.Max(1, result.Requests) };
    }

    /// <summary>`--breakdown`: the cost of each step of a request, one call at a time, in this process (mean of many calls).</summary>
    private static async Task BreakdownAsync(IServiceProvider services, string portalUrl, string authorization, string key, List<Guid> ids, List<Guid> changing, (string Name, long Id) cursor)
    {
        var keys = services.GetRequiredService<ApiKeyService>();
        var details = services.GetRequiredService<UserAdmin.Portal.Features.Members.MemberDetailService>();
        var profiles = services.GetRequiredService<UserAdmin.Portal.Features.Members.MemberProfileService>();
        var query = services.GetRequiredService<MemberQueryService>();
        var factory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>();
        var actor = new Actor(BenchmarkDatabase.AdminId, BenchmarkDatabase.OrganizationId);
        var page = new PageRequest(PageAnchor.After, new MemberCursor([JsonSerializer.SerializeToElement(cursor.Name)], cursor.Id), PageSize);
        using var http = new HttpClient { BaseAddress = new Uri(portalUrl) };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var i = 0;
        var steps = new (string Name, Func<Task> Step)[]
        {
            ("EF context, open and close its connection", async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.OpenConnectionAsync(db.Database);
                await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.CloseConnectionAsync(db.Database);
            }),
            ("EF one-row query (organization by id)", async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                    db.Organizations.Where(o => o.Id == actor.OrganizationId).Select(o => o.MemberCount));
            }),
            ("key check (ApiKeyService.AuthenticateAsync)", () => keys.AuthenticateAsync(key)),
            ("acting member load", async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId);
            }),
            ("MemberDetailService.GetAsync", () => details.GetAsync(actor, ids[i++ % ids.Count])),
            ("key check after a commit (every cache a miss)", () =>
            {
                CommittedChanges.Bump();
                return keys.AuthenticateAsync(key);
            }),
            ("GetAsync after a commit", () =>
            {
                CommittedChanges.Bump();
                return details.GetAsync(actor, ids[i++ % ids.Count]);
            }),
            ("profile update (MemberProfileService, after a GetAsync for its version)", async () =>
            {
                var id = changing[i++ % changing.Count];
                var member = (await details.GetAsync(actor, id)).Value!;
                var input = new UserAdmin.Portal.Features.Members.ProfileInput
                {
                    FirstName = member.FirstName, LastName = member.LastName, DisplayName = $"Breakdown {i}", Email = member.Email,
                };
                var saved = await profiles.UpdateProfileAsync(actor, id, input, member.AccountVersion);
                if (!saved.Succeeded)
                {
                    throw new InvalidOperationException(saved.Message);
                }
            }),
            ("MemberQueryService.PageAsync (100)", () => query.PageAsync(actor, MemberFilter.None, new MemberSort(), page)),
            ("HTTP GET /members/{id}", async () => (await http.GetAsync($"/api/v1/members/{ids[i++ % ids.Count]}")).Dispose()),
            ("HTTP GET /members?limit=100&cursor=", async () => (await http.GetAsync($"/api/v1/members?limit={PageSize}&cursor={page.Cursor!.Encode()}")).Dispose()),
        };
        foreach (var (name, step) in steps)
        {
            for (var n = 0; n < 200; n++)
            {
                await step();
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            const int calls = 1000;
            for (var n = 0; n < calls; n++)
            {
                await step();
            }

            var spent = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds / calls:0.000} ms, CPU {spent.TotalMilliseconds / calls:0.000} ms"));
        }
    }

    private static string ReadTarget(WrkResult api, WrkResult baseline)
    {
        var met = api.RequestsPerSecond >= 0.5 * baseline.RequestsPerSecond && api.P95Ms <= 2 * baseline.P95Ms;
        return $"≥ 0.5× req/s, ≤ 2× p95: {(met ? "met" : "MISSED")}";
    }

    private static void Row(string scenario, WrkResult api, WrkResult baseline, string target) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {api.RequestsPerSecond:N0} | {api.P50Ms:0.0} ms | {api.P95Ms:0.0} ms | {api.P99Ms:0.0} ms | {api.CpuMsPerRequest:0.00} ms | {baseline.RequestsPerSecond:N0}"
            + $" | {baseline.P50Ms:0.0} ms | {baseline.P95Ms:0.0} ms | {baseline.P99Ms:0.0} ms | {baseline.CpuMsPerRequest:0.00} ms | {api.RequestsPerSecond / baseline.RequestsPerSecond:0.00} | {api.P95Ms / baseline.P95Ms:0.00} | {target} |"));

    /// <summary>Every n-th row of the organization in the list's order: the cursors of pages spread over all of it.</summary>
    internal static async Task<List<(string Name, long Id)>> CursorPointsAsync(SqliteConnection raw, int count)
    {
        var all = new List<(string, long)>();
        await using var command = raw.CreateCommand();
        command.CommandText = "SELECT DisplayName, MembershipId FROM MemberDirectory WHERE OrganizationId = $org ORDER BY DisplayName, MembershipId";
        command.Parameters.AddWithValue("$org", Org);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            all.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        var step = Math.Max(1, (all.Count - PageSize) / count);
        return Enumerable.Range(0, count).Select(i => all[Math.Min(all.Count - 1, i * step)]).ToList();
    }

    internal static async Task<List<Guid>> RandomMembersAsync(SqliteConnection raw, int count)
    {
        var ids = new List<Guid>();
        await using var command = raw.CreateCommand();
        command.CommandText = $"SELECT AccountId FROM Memberships WHERE OrganizationId = $org AND AccountId <> $admin ORDER BY random() LIMIT {count}";
        command.Parameters.AddWithValue("$org", Org);
        command.Parameters.AddWithValue("$admin", Admin);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }

    /// <summary>
    /// Regular, active members the admin may edit, each given a version to quote (the bulk-built file has none);
    /// returns them with their display names as built, to put back afterwards.
    /// </summary>
    internal static async Task<(List<BenchMember> Members, List<(Guid Id, string DisplayName)> Names)> PrepareUpdatesAsync(SqliteConnection raw, int count)
    {
        var members = new List<BenchMember>();
        var names = new List<(Guid, string)>();
        await using (var command = raw.CreateCommand())
        {
            command.CommandText = "SELECT a.Id, a.FirstName, a.LastName, a.Email, a.DisplayName FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId"
                + $" WHERE m.OrganizationId = $org AND m.Rank = 0 AND m.IsSuspended = 0 AND a.IsActivated = 1 AND a.Id <> $admin ORDER BY m.Id LIMIT {count}";
            command.Parameters.AddWithValue("$org", Org);
            command.Parameters.AddWithValue("$admin", Admin);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = Guid.Parse(reader.GetString(0));
                members.Add(new BenchMember(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), ""));
                names.Add((id, reader.GetString(4)));
            }
        }

        await using var transaction = await raw.BeginTransactionAsync();
        await using var stamp = raw.CreateCommand();
        stamp.CommandText = "UPDATE AspNetUsers SET ConcurrencyStamp = $v WHERE Id = $id AND ConcurrencyStamp IS NULL";
        var idParameter = stamp.Parameters.Add("$id", SqliteType.Text);
        var version = stamp.Parameters.Add("$v", SqliteType.Text);
        foreach (var member in members)
        {
            idParameter.Value = Upper(member.Id);
            version.Value = Guid.NewGuid().ToString();
            await stamp.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return (members, names);
    }

    internal static async Task<List<BenchMember>> CurrentVersionsAsync(SqliteConnection raw, List<BenchMember> members)
    {
        var versions = new Dictionary<Guid, string>();
        await using var command = raw.CreateCommand();
        command.CommandText = $"SELECT Id, ConcurrencyStamp FROM AspNetUsers WHERE Id IN ({string.Join(',', members.Select(m => $"'{Upper(m.Id)}'"))})";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[Guid.Parse(reader.GetString(0))] = reader.GetString(1);
        }

        return members.Select(m => m with { AccountVersion = versions[m.Id] }).ToList();
    }

    private static async Task<long> CountRecordsAsync(SqliteConnection raw)
    {
        await using var command = raw.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Activity WHERE OrganizationId = $org AND ActorAccountId = $admin AND Verb = $verb";
        command.Parameters.AddWithValue("$org", Org);
        command.Parameters.AddWithValue("$admin", Admin);
        command.Parameters.AddWithValue("$verb", UpdateVerb);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Puts the changed display names back and deletes the runs' records, so the file stays as built for the other benchmarks.</summary>
    internal static async Task RestoreAsync(SqliteConnection raw, List<(Guid Id, string DisplayName)> names)
    {
        await using var transaction = await raw.BeginTransactionAsync();
        await using var restore = raw.CreateCommand();
        restore.CommandText = "UPDATE AspNetUsers SET DisplayName = $name WHERE Id = $id AND DisplayName <> $name";
        var id = restore.Parameters.Add("$id", SqliteType.Text);
        var name = restore.Parameters.Add("$name", SqliteType.Text);
        foreach (var member in names)
        {
            id.Value = Upper(member.Id);
            name.Value = member.DisplayName;
            await restore.ExecuteNonQueryAsync();
        }

        await using var records = raw.CreateCommand();
        records.CommandText = "DELETE FROM Activity WHERE OrganizationId = $org AND ActorAccountId = $admin AND Verb = $verb";
        records.Parameters.AddWithValue("$org", Org);
        records.Parameters.AddWithValue("$admin", Admin);
        records.Parameters.AddWithValue("$verb", UpdateVerb);
        await records.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static string Org => Upper(BenchmarkDatabase.OrganizationId);

    private static string Admin => Upper(BenchmarkDatabase.AdminId);

    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    internal static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
