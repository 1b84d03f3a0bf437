using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// Live updates under load, in real Chromium against the real portal: N admin tabs hold the user grid open on one
/// member (the grid's first page, unfiltered, sorted by name); a script suspends (then unsuspends) that member through
/// the REST API with an admin's key (<c>--via-ui</c>: another admin does it on the member's page, in the same browser);
/// each tab notes, with a MutationObserver on its grid (no polling), when its grid first shows the new status. Latency runs from the change's activity record (written inside the
/// transaction, so a little before the commit: the figure errs high) to each tab's render, both on this machine's
/// clock. Memory: the portal's resident memory grows by so much per idle circuit, for the grid and, on a fresh
/// portal, for a minimal page (/about, in the same shell), with workstation GC so the heap follows use.
/// </summary>
internal static class LiveBenchmark
{
    private const string TargetUserName = "live.target";
    private const string TargetName = "Aaron Livewire";

    /// <summary>The pause after each change before the next: longer than a live subscription's pause between batches.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(400);

    /// <summary>Changes made and seen before the measured ones, so that the portal runs JIT-optimised code.</summary>
    private const int WarmUpRounds = 4;

    public static async Task<int> RunAsync(string[] args)
    {
        var circuits = Option(args, "--circuits", 50);
        var rounds = Option(args, "--rounds", 6);
        var skipMinimal = args.Contains("--grid-only");
        var viaApi = !args.Contains("--via-ui");
        var chromium = args.Contains("--chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });

        Console.WriteLine($"live updates: {circuits} circuits {(chromium ? $"in Chromium {browser.Version} tabs" : "driven directly over the circuit hub")}, {rounds} changes made {(viaApi ? "through the REST API" : "on the member's page in Chromium")}");
        var minimal = skipMinimal ? null : await MeasureIdleCircuitsAsync(browser, chromium, circuits, "/about", "about-page", page =>
            page.WaitForFunctionAsync("() => document.querySelector('section.about-page')?.dataset.interactive === 'true'"), latencyRounds: 0);
        var grid = await MeasureIdleCircuitsAsync(browser, chromium, circuits, "/users", TargetName, page =>
            page.WaitForFunctionAsync("""
                () => { const s = document.querySelector('section.users-page');
                        return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }
                """), rounds, viaApi, args.Contains("--tab-metrics"));

        var latencies = grid.Latencies.Order().ToList();
        var lastPerChange = grid.LastPerChange.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  change → render in every grid: p50 {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms over {latencies.Count} renders (target p95 < 250 ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  change → last of the {circuits} grids: median {Percentile(lastPerChange, 0.5):0} ms, worst {lastPerChange[^1]:0} ms"));
        if (minimal is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  memory per idle circuit (portal RSS growth ÷ circuits): grid {grid.KilobytesPerCircuit:0} KB, minimal page {minimal.KilobytesPerCircuit:0} KB, ratio {grid.KilobytesPerCircuit / minimal.KilobytesPerCircuit:0.00} (target ≤ 4)"));
        }

        return 0;
    }

    private sealed record Measured(double KilobytesPerCircuit, List<double> Latencies, List<double> LastPerChange);

    private static async Task<Measured> MeasureIdleCircuitsAsync(
        IBrowser browser, bool chromium, int circuits, string path, string shownWhenLive, Func<IPage, Task> waitUntilLive, int latencyRounds,
        bool viaApi = true, bool tabMetrics = false)
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

        // The direct clients present the admin's sign-in cookie, as the tabs of the same browser context do.
        var cookies = await CircuitClient.CookiesOfAsync(context);

        // Warm up one circuit of the page (first-use costs: JIT, caches), then measure from a settled process.
        var pages = new List<IPage>();
        var clients = new List<CircuitClient>();
        async Task OpenAsync(bool keep)
        {
            if (chromium)
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(server.BaseUrl + path);
                await waitUntilLive(page);
                if (keep)
                {
                    pages.Add(page);
                }
            }
            else
            {
                var client = await CircuitClient.StartAsync(server.BaseUrl, path, cookies, shownWhenLive);
                if (keep)
                {
                    clients.Add(client);
                }
            }
        }

        await OpenAsync(keep: false);
        var before = await SettledRssAsync(server.ProcessId);
        for (var i = 0; i < circuits; i++)
        {
            await OpenAsync(keep: true);
        }

        var after = await SettledRssAsync(server.ProcessId);
        var perCircuit = (after - before) / 1024.0 / circuits;
        var idleCpu = CpuSeconds(server.ProcessId);
        var idleBrowser = BrowserCpuSeconds();
        await Task.Delay(TimeSpan.FromSeconds(5));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {path}: CPU while {circuits} circuits sit idle: portal {(CpuSeconds(server.ProcessId) - idleCpu) / 5 * 100:0} % of a core, Chromium {(BrowserCpuSeconds() - idleBrowser) / 5 * 100:0} %"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {path}: portal RSS {before / 1048576.0:0.0} MB → {after / 1048576.0:0.0} MB with {circuits} more circuits"));

        var latencies = new List<double>();
        var lastPerChange = new List<double>();
        if (latencyRounds > 0)
        {
            using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var change = viaApi ? await ChangeThroughApiAsync(admin, server, api) : await ChangeThroughMemberPageAsync(admin, server);
            var cpuBefore = CpuSeconds(server.ProcessId);
            var browserBefore = BrowserCpuSeconds();
            var wallBefore = Stopwatch.GetTimestamp();
            // --tab-metrics: Chromium's own account of the tabs' main-thread work (DevTools Performance domain).
            var metrics = tabMetrics ? await Task.WhenAll(pages.Select(async p =>
            {
                var cdp = await p.Context.NewCDPSessionAsync(p);
                await cdp.SendAsync("Performance.enable");
                return cdp;
            })) : [];
            Dictionary<string, double> tabsBefore = [];
            for (var round = -WarmUpRounds; round < latencyRounds; round++)
            {
                var suspend = (round + WarmUpRounds) % 2 == 0;
                var expected = suspend ? "SUSPENDED" : "ACTIVE";
                // Each direct circuit waits for the first render batch that carries the new status label (only the
                // changed row's cells render, so no other row's label can answer for it).
                var direct = clients.Select(c => c.WatchFor(suspend ? "Suspended" : "Active")).ToList();

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

                await change(suspend);
                var seen = chromium
                    ? await Task.WhenAll(pages.Select(p => p.EvaluateAsync<double>("() => window.__liveSeen")))
                    : await Task.WhenAll(direct).WaitAsync(TimeSpan.FromSeconds(30));
                var committed = await ChangeTimeAsync(server.DatabasePath, suspend ? "member.suspended" : "member.unsuspended");
                if (round < 0)
                {
                    await Task.Delay(Pause);
                    // Warm-up: the first changes run the refresh path's code before the JIT has optimised it.
                    cpuBefore = CpuSeconds(server.ProcessId);
                    browserBefore = BrowserCpuSeconds();
                    wallBefore = Stopwatch.GetTimestamp();
                    if (round == -1 && metrics.Length > 0)
                    {
                        tabsBefore = await SumMetricsAsync(metrics);
                    }

                    continue;
                }

                var round_ = seen.Select(s => s - committed).ToList();
                latencies.AddRange(round_);
                lastPerChange.Add(round_.Max());

                // One change at a time: a change that followed the last one within a circuit's batching pause (the
                // live subscription applies at most one batch per 250 ms) would wait for the pause, and that is
                // measured by nothing here.
                await Task.Delay(Pause);
            }

            if (metrics.Length > 0)
            {
                var tabsAfter = await SumMetricsAsync(metrics);
                foreach (var (k, v) in tabsAfter.Where(kv => kv.Key.EndsWith("Duration", StringComparison.Ordinal) || kv.Key is "LayoutCount" or "RecalcStyleCount"))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    tabs' {k}: {(v - tabsBefore.GetValueOrDefault(k)) * (k.EndsWith("Count", StringComparison.Ordinal) ? 1 : 1000) / latencyRounds / circuits:0.00}{(k.EndsWith("Count", StringComparison.Ordinal) ? "" : " ms")} per change per tab"));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  portal CPU during the changes: {CpuSeconds(server.ProcessId) - cpuBefore:0.00} s of {Stopwatch.GetElapsedTime(wallBefore).TotalSeconds:0.00} s wall ({(CpuSeconds(server.ProcessId) - cpuBefore) * 1000 / latencyRounds / circuits:0.0} ms per change per circuit)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Chromium CPU during the changes (all its processes: the tabs, and the acting admin's with --via-ui): {BrowserCpuSeconds() - browserBefore:0.00} s ({(BrowserCpuSeconds() - browserBefore) * 1000 / latencyRounds / circuits:0.0} ms per change per tab)"));
        }

        if (clients.FirstOrDefault(c => c.Error is not null) is { } failed)
        {
            Console.WriteLine($"  a circuit reported an error: {failed.Error}");
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        return new Measured(perCircuit, latencies, lastPerChange);
    }

    /// <summary>
    /// The change made by an admin on the member's page in Chromium: Suspend (confirmed) or Unsuspend, waiting for the
    /// page to show the saved version. The acting tab's own work (the dialog, its page reloading) shares the machine.
    /// </summary>
    private static async Task<Func<bool, Task>> ChangeThroughMemberPageAsync(IPage admin, PortalServer server)
    {
        await admin.GotoAsync(server.BaseUrl + "/users");
        await new MemberAdminPage(admin, server.BaseUrl).WaitUntilShownAsync();
        await admin.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = TargetName }).ClickAsync();
        var detail = new MemberDetailPage(admin);
        await detail.WaitUntilShownAsync();
        return async suspend =>
        {
            var version = await detail.VersionAsync();
            await detail.Action(suspend ? "Suspend" : "Unsuspend").ClickAsync();
            if (suspend)
            {
                await detail.ConfirmAsync("Yes, go ahead");
            }

            await detail.WaitForNewVersionAsync(version);
        };
    }

    /// <summary>
    /// The change made by a script through the REST API with the admin's key (created on the keys page, after which
    /// the admin's tab closes): only the watching grids are in the browser.
    /// </summary>
    private static async Task<Func<bool, Task>> ChangeThroughApiAsync(IPage admin, PortalServer server, HttpClient api)
    {
        var keys = new ApiKeysPage(admin, server.BaseUrl);
        await keys.GotoAsync();
        var key = await keys.CreateAsync("live benchmark", "ReadWrite", server.AdminPassword);
        await admin.CloseAsync();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", key);
        var member = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/members/by-username/" + TargetUserName);
        var id = member.GetProperty("id").GetGuid();
        return async suspend =>
        {
            using var response = await api.PostAsync($"/api/v1/members/{id}/{(suspend ? "suspend" : "unsuspend")}", content: null);
            response.EnsureSuccessStatusCode();
        };
    }

    /// <summary>Chromium's performance counters (durations in seconds, counts), summed over the tabs.</summary>
    private static async Task<Dictionary<string, double>> SumMetricsAsync(ICDPSession[] sessions)
    {
        var sum = new Dictionary<string, double>();
        foreach (var session in sessions)
        {
            var reply = await session.SendAsync("Performance.getMetrics");
            foreach (var m in reply!.Value.GetProperty("metrics").EnumerateArray())
            {
                var name = m.GetProperty("name").GetString()!;
                sum[name] = sum.GetValueOrDefault(name) + m.GetProperty("value").GetDouble();
            }
        }

        return sum;
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
    private static double CpuSeconds(int pid) => Stat(File.ReadAllText($"/proc/{pid}/stat")).CpuSeconds;

    /// <summary>A process's name and user + system CPU time (clock ticks of 10 ms) from its /proc/N/stat line.</summary>
    private static (string Name, double CpuSeconds) Stat(string line)
    {
        // The name is in parentheses and may hold spaces or ')' itself: the fields start after the last ')'.
        var close = line.LastIndexOf(')');
        var fields = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (line[(line.IndexOf('(', StringComparison.Ordinal) + 1)..close], ticks / 100.0);
    }

    /// <summary>CPU time used so far by every Chromium process on the machine (the benchmark's browser: run it on a quiet machine).</summary>
    private static double BrowserCpuSeconds()
    {
        var seconds = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var (name, cpu) = Stat(File.ReadAllText(Path.Combine(dir, "stat")));
                if (name.Contains("chrom", StringComparison.OrdinalIgnoreCase))
                {
                    seconds += cpu;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return seconds;
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
