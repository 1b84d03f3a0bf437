using System.Globalization;
using System.Text.Json;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// The API under sustained load: the real portal (Production settings, Warning-level logs, the per-key rate limit
/// raised) over the N-member benchmark file, driven by wrk with C concurrent connections for S seconds with a mix of
/// list pages, single reads and profile changes (<see cref="Wrk.MixedScript"/>). Prints throughput, p50/p95/p99 and the
/// answers by status class, then a verdict against the targets: no 5xx at all, p95 under 200 ms. The members it changes
/// get their display names back, and its activity records are deleted, at the end.
/// </summary>
internal static class ApiLoad
{
    private const double P95TargetMs = 200;

    /// <summary>`dotnet run -c Release --project UserAdmin.Portal.Benchmarks -- load api [--size 100000] [--clients 200] [--seconds 60] [--threads 2] [--warmup 20]`</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var size = ApiBenchmark.Option(args, "--size", 100_000);
        var clients = ApiBenchmark.Option(args, "--clients", 200);
        var seconds = ApiBenchmark.Option(args, "--seconds", 60);
        var threads = Math.Min(clients, ApiBenchmark.Option(args, "--threads", 2));
        var warmup = ApiBenchmark.Option(args, "--warmup", ApiBenchmark.DefaultWarmupSeconds);

        var path = Path.GetFullPath(await BenchmarkDatabase.EnsureAsync(Path.Combine("data", "bench"), size, rebuild: false));
        await using var raw = await BenchmarkDatabase.OpenAsync(path);
        var cursors = await ApiBenchmark.CursorPointsAsync(raw, 400);
        var ids = await ApiBenchmark.RandomMembersAsync(raw, 2_000);
        var (changing, originalNames) = await ApiBenchmark.PrepareUpdatesAsync(raw, 4_000);

        var url = $"http://127.0.0.1:{ApiBenchmark.FreePort()}";
        await using var portal = await ApiBenchmark.StartPortalAsync(path, url);
        var keys = portal.Services.GetRequiredService<ApiKeyService>();
        var (admin, key) = await ApiBenchmark.CreateKeyAsync(portal.Services, "load api", TimeSpan.FromHours(2));
        var authorization = $"ApiKey {key.Key}";
        var lists = cursors
            .Select(c => $"/api/v1/members?limit=50&cursor={new MemberCursor([JsonSerializer.SerializeToElement(c.Name)], c.Id).Encode()}")
            .ToList();
        var gets = ids.Select(id => $"/api/v1/members/{id}").ToList();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"API load: {size:N0} members, {clients} concurrent clients (wrk -t{threads} -c{clients}) for {seconds} s after {warmup} s of warm-up;"
            + $" mix 45% list page of 50, 45% get by id, 10% profile change; load average before {ApiBenchmark.LoadAverage()}"));
        try
        {
            var run = Random.Shared.Next(1_000_000);
            if (warmup > 0)
            {
                var warm = await ApiBenchmark.CurrentVersionsAsync(raw, changing);
                await Wrk.RunAsync(url, Wrk.MixedScript(lists, gets, warm, threads, authorization, ++run), warmup, clients, threads);
                await Task.Delay(500); // changes still in flight when wrk stopped move versions on
            }

            var current = await ApiBenchmark.CurrentVersionsAsync(raw, changing);
            var result = await ApiBenchmark.Timed(() => Wrk.RunAsync(url, Wrk.MixedScript(lists, gets, current, threads, authorization, ++run), seconds, clients, threads));
            var statuses = result.Statuses ?? throw new InvalidOperationException("The script counted no statuses.");

            Console.WriteLine();
            Console.WriteLine("| clients | seconds | requests | req/s | p50 | p95 | p99 | 2xx | 4xx | 5xx | socket errors | CPU/req |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {clients} | {result.Seconds:0} | {result.Requests:N0} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.0} ms | {result.P95Ms:0.0} ms | {result.P99Ms:0.0} ms"
                + $" | {statuses.Ok:N0} | {statuses.ClientErrors:N0} | {statuses.ServerErrors:N0} | {result.SocketErrors:N0} | {result.CpuMsPerRequest:0.00} ms |"));
            Console.WriteLine();
            Console.WriteLine($"load average after: {ApiBenchmark.LoadAverage()}");
            var verdict = Verdict(result, statuses);
            Console.WriteLine(verdict.Line);
            return verdict.Met ? 0 : 1;
        }
        finally
        {
            await keys.RevokeAsync(admin, key.Id);
            await ApiBenchmark.RestoreAsync(raw, originalNames);
        }
    }

    /// <summary>The targets: not one 5xx, and p95 under 200 ms. Socket errors (timeouts, refused connections) also fail it.</summary>
    public static (bool Met, string Line) Verdict(WrkResult result, StatusCounts statuses)
    {
        var problems = new List<string>();
        if (statuses.ServerErrors > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{statuses.ServerErrors:N0} answers were 5xx"));
        }

        if (result.P95Ms >= P95TargetMs)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"p95 {result.P95Ms:0.0} ms is not below {P95TargetMs:0} ms"));
        }

        if (result.SocketErrors > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{result.SocketErrors:N0} socket errors (timeouts or refused connections)"));
        }

        return problems.Count == 0
            ? (true, string.Create(CultureInfo.InvariantCulture, $"verdict: MET (zero 5xx, p95 {result.P95Ms:0.0} ms < {P95TargetMs:0} ms)"))
            : (false, "verdict: MISSED (" + string.Join("; ", problems) + ")");
    }
}
