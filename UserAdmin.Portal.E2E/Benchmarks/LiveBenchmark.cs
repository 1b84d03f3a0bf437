using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// Live updates under load, in real Chromium against the real portal: N admin tabs hold the user grid open on one
/// member (the grid's first page, unfiltered, sorted by name); another admin suspends (then unsuspends) that member on its page; each tab notes, with a MutationObserver
/// on its grid (no polling), when its grid first shows the new status. Latency runs from the change's activity record (written inside the
/// transaction, so a little before the commit: the figure errs high) to each tab's render, both on this machine's
/// clock. Memory: the portal's resident memory grows by so much per idle circuit, for the grid and, on a fresh
/// portal, for a minimal page (/about, in the same shell), with workstation GC so the heap follows use.
/// </summary>
internal static class LiveBenchmark
{
    private const string TargetUserName = "live.target";
    private const string TargetName = "Aaron Livewire";

    /// <summary>Changes made and seen before the measured ones, so that the portal runs JIT-optimised code.</summary>
    private const int WarmUpRounds = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var circuits = Option(args, "--circuits", 50);
        var rounds = Option(args, "--rounds", 6);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });

        Console.WriteLine($"live updates: {circuits} circuits, {rounds} changes, Chromium {browser.Version}");
        var minimal = await MeasureIdleCircuitsAsync(browser, circuits, "/about", page =>
            page.WaitForFunctionAsync("() => document.querySelector('section.about-page')?.dataset.interactive === 'true'"), latencyRounds: 0);
        var grid = await MeasureIdleCircuitsAsync(browser, circuits, "/users", page =>
            page.WaitForFunctionAsync("""
                () => { const s = document.querySelector('section.users-page');
                        return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }
                """), rounds);

        var latencies = grid.Latencies.Order().ToList();
        var lastPerChange = grid.LastPerChange.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  change → render in every grid: p50 {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms over {latencies.Count} renders (target p95 < 250 ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  change → last of the {circuits} grids: median {Percentile(lastPerChange, 0.5):0} ms, worst {lastPerChange[^1]:0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  memory per idle circuit (portal RSS growth ÷ circuits): grid {grid.KilobytesPerCircuit:0} KB, minimal page {minimal.KilobytesPerCircuit:0} KB, ratio {grid.KilobytesPerCircuit / minimal.KilobytesPerCircuit:0.00} (target ≤ 4)"));
        return 0;
    }

    private sealed record Measured(double KilobytesPerCircuit, List<double> Latencies, List<double> LastPerChange);

    private static async Task<Measured> MeasureIdleCircuitsAsync(IBrowser browser, int circuits, string path, Func<IPage, Task> waitUntilLive, int latencyRounds)
    {
        await using var server = await PortalServer.StartAsync(new PortalServerOptions
        {
            Settings = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" },
        });
        await server.AddMembersAsync([new SeedMember(TargetUserName, TargetName, "live.target@example.org"),
            .. Enumerable.Range(0, 200).Select(i => new SeedMember($"crowd.{i:000}", $"Crowd Member {i:000}", $"crowd.{i:000}@example.org"))]);

        await using var context = await browser.NewContextAsync();
        var admin = await context.NewPageAsync();
        var login = new LoginPage(admin, server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(server.AdminUserName, server.AdminPassword);
        await new ShellPage(admin, server.BaseUrl).ExpectDashboardAsync();

        // Warm up one tab of the page (first-use costs: JIT, caches), then measure from a settled process.
        var warm = await context.NewPageAsync();
        await warm.GotoAsync(server.BaseUrl + path);
        await waitUntilLive(warm);
        var before = await SettledRssAsync(server.ProcessId);

        var pages = new List<IPage>();
        for (var i = 0; i < circuits; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + path);
            await waitUntilLive(page);
            pages.Add(page);
        }

        var after = await SettledRssAsync(server.ProcessId);
        var perCircuit = (after - before) / 1024.0 / circuits;
        var idleCpu = CpuSeconds(server.ProcessId);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {path}: portal CPU while {circuits} circuits sit idle: {(CpuSeconds(server.ProcessId) - idleCpu) / 5 * 100:0} % of a core"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {path}: portal RSS {before / 1048576.0:0.0} MB → {after / 1048576.0:0.0} MB with {circuits} more circuits"));

        var latencies = new List<double>();
        var lastPerChange = new List<double>();
        if (latencyRounds > 0)
        {
            await admin.GotoAsync(server.BaseUrl + "/users");
            await new MemberAdminPage(admin, server.BaseUrl).WaitUntilShownAsync();
            await admin.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = TargetName }).ClickAsync();
            var detail = new MemberDetailPage(admin);
            await detail.WaitUntilShownAsync();
            var cpuBefore = CpuSeconds(server.ProcessId);
            var wallBefore = Stopwatch.GetTimestamp();
            for (var round = -WarmUpRounds; round < latencyRounds; round++)
            {
                var suspend = (round + WarmUpRounds) % 2 == 0;
                var expected = suspend ? "SUSPENDED" : "ACTIVE";
                // Each tab arms an observer that resolves a promise at the first mutation showing the new status in the
                // target's row. It reads textContent (no forced layout) and nothing polls, so the tabs' own work while
                // waiting is nil and the portal gets the machine's cores.
                await Task.WhenAll(pages.Select(p => p.EvaluateAsync("""
                    ([want, name]) => {
                        if (window.__liveObserver) window.__liveObserver.disconnect();
                        let row = null;
                        const find = () => (row && row.isConnected) ? row
                            : (row = [...document.querySelectorAll('.member-grid tbody tr')].find(r => r.textContent.includes(name)) ?? null);
                        window.__liveSeen = new Promise(resolve => {
                            window.__liveObserver = new MutationObserver(() => {
                                const r = find();
                                if (r && r.textContent.toUpperCase().includes(want)) { window.__liveObserver.disconnect(); resolve(Date.now()); }
                            });
                            window.__liveObserver.observe(document.querySelector('.member-grid'), { subtree: true, childList: true, characterData: true });
                        });
                    }
                    """, new[] { expected, TargetName })));

                var version = await detail.VersionAsync();
                await detail.Action(suspend ? "Suspend" : "Unsuspend").ClickAsync();
                if (suspend)
                {
                    await detail.ConfirmAsync("Yes, go ahead");
                }

                await detail.WaitForNewVersionAsync(version);
                var seen = await Task.WhenAll(pages.Select(p => p.EvaluateAsync<double>("() => window.__liveSeen")));
                var committed = await ChangeTimeAsync(server.DatabasePath, suspend ? "member.suspended" : "member.unsuspended");
                if (round < 0)
                {
                    // Warm-up: the first changes run the refresh path's code before the JIT has optimised it.
                    cpuBefore = CpuSeconds(server.ProcessId);
                    wallBefore = Stopwatch.GetTimestamp();
                    continue;
                }

                var round_ = seen.Select(s => s - committed).ToList();
                latencies.AddRange(round_);
                lastPerChange.Add(round_.Max());
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  portal CPU during the changes: {CpuSeconds(server.ProcessId) - cpuBefore:0.00} s of {Stopwatch.GetElapsedTime(wallBefore).TotalSeconds:0.00} s wall ({(CpuSeconds(server.ProcessId) - cpuBefore) * 1000 / latencyRounds / circuits:0.0} ms per change per circuit)"));
        }

        return new Measured(perCircuit, latencies, lastPerChange);
    }

    /// <summary>When the newest record of the verb was written, as Unix milliseconds (the browser's Date.now() scale).</summary>
    private static async Task<double> ChangeTimeAsync(string databasePath, string verb)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT OccurredAt FROM Activity WHERE Verb = $verb ORDER BY Id DESC LIMIT 1";
        command.Parameters.AddWithValue("$verb", verb);
        var text = (string)(await command.ExecuteScalarAsync())!;
        var at = DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture), DateTimeKind.Utc);
        return new DateTimeOffset(at).ToUnixTimeMilliseconds() + at.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The process's resident memory once it stops moving (three readings a second apart within 1%).</summary>
    private static async Task<long> SettledRssAsync(int pid)
    {
        var readings = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            readings.Add(Rss(pid));
            if (readings.Count >= 3 && readings.TakeLast(3).Max() - readings.TakeLast(3).Min() < readings[^1] / 100)
            {
                break;
            }

            await Task.Delay(1000);
        }

        return readings[^1];
    }

    /// <summary>User + system CPU time the process has used (clock ticks of 10 ms).</summary>
    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>An integer command-line option (<c>--name value</c>), or the fallback; the soak command reads its options the same way.</summary>
    internal static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
