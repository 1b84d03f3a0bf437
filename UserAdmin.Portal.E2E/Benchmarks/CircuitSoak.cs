using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// Holds N signed-in circuits on the user grid of the real portal for M minutes while an admin, in real Chromium,
/// suspends and unsuspends a member shown on every grid every few seconds (so every circuit re-reads and renders).
/// The circuits are driven directly over the circuit hub (<see cref="CircuitClient"/>), as the live benchmark's are;
/// <c>--chromium</c> holds them in Chromium tabs instead, where on a 2-core machine the hundred tabs' renderers, not the
/// portal, take the cores (a change then takes seconds to show on the acting admin's own tab).
/// Prints the portal's memory at the start, every minute and at the end: the managed heap after forced full collections
/// (the portal's loopback-only <c>/diagnostics/memory</c>, switched on for this run) and the working set; then the
/// growth and a verdict (no growth beyond noise: at most 5% or 10 MB of heap). At the end it checks that every circuit
/// still shows the last change, i.e. that every circuit stayed alive.
/// </summary>
internal static class CircuitSoak
{
    private const string TargetUserName = "soak.target";
    private const string TargetName = "Aaron Soakwell";
    private const double NoiseFraction = 0.05;
    private const double NoiseBytes = 10 * 1048576.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = LiveBenchmark.Option(args, "--count", 100);
        var minutes = LiveBenchmark.Option(args, "--minutes", 5);
        var changeEvery = TimeSpan.FromSeconds(LiveBenchmark.Option(args, "--change-seconds", 5));
        var inTabs = args.Contains("--chromium");

        await using var server = await PortalServer.StartAsync(new PortalServerOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["DOTNET_gcServer"] = "0",
                ["Portal__Diagnostics__MemoryEndpoint"] = "true",
                // Each tab's circuit keeps the default limits; only the session's sign-in is shared.
                ["Serilog__MinimumLevel__Default"] = "Warning",
            },
        });
        await server.AddMembersAsync([new SeedMember(TargetUserName, TargetName, "soak.target@example.org"),
            .. Enumerable.Range(0, 200).Select(i => new SeedMember($"crowd.{i:000}", $"Crowd Member {i:000}", $"crowd.{i:000}@example.org"))]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });
        await using var context = await browser.NewContextAsync();
        var admin = await context.NewPageAsync();
        var login = new LoginPage(admin, server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(server.AdminUserName, server.AdminPassword);
        await new ShellPage(admin, server.BaseUrl).ExpectDashboardAsync();

        Console.WriteLine($"circuit soak: {count} signed-in circuits on /users {(inTabs ? "in Chromium tabs" : "driven directly over the circuit hub")} for {minutes} min, a change every {changeEvery.TotalSeconds:0} s made on the member's page in Chromium {browser.Version}; load average {LoadAverage()}");
        var opened = Stopwatch.StartNew();
        var tabs = new List<IPage>();
        var clients = new List<CircuitClient>();

        // The direct circuits present the admin's sign-in cookie, as the tabs of the same browser context do.
        var cookies = await CircuitClient.CookiesOfAsync(context);
        for (var i = 0; i < count; i++)
        {
            if (inTabs)
            {
                var tab = await context.NewPageAsync();
                await tab.GotoAsync(server.BaseUrl + "/users");
                await tab.WaitForFunctionAsync("""
                    () => { const s = document.querySelector('section.users-page');
                            return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }
                    """, null, new() { Timeout = 120_000 });
                tabs.Add(tab);
            }
            else
            {
                clients.Add(await CircuitClient.StartAsync(server.BaseUrl, "/users", cookies, TargetName));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  opened {count} circuits in {opened.Elapsed.TotalSeconds:0} s"));

        await admin.GotoAsync(server.BaseUrl + "/users");
        await new MemberAdminPage(admin, server.BaseUrl).WaitUntilShownAsync();
        await admin.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = TargetName }).ClickAsync();
        var detail = new MemberDetailPage(admin);
        await detail.WaitUntilShownAsync();

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        // A few changes first, so that the refresh path runs JIT-optimised code before the first reading.
        var suspended = false;
        var took = new List<double>();
        List<Task<double>> lastShown = [];
        for (var i = 0; i < 4; i++)
        {
            lastShown = Watch(clients, suspended);
            suspended = await ChangeAsync(detail, suspended, took);
        }

        took.Clear();

        var start = await ReadAsync(http);
        Print("start", TimeSpan.Zero, start, 0);
        var readings = new List<MemoryReading> { start };
        var soak = Stopwatch.StartNew();
        var changes = 0;
        var nextReading = TimeSpan.FromMinutes(1);
        while (soak.Elapsed < TimeSpan.FromMinutes(minutes))
        {
            var started = soak.Elapsed;
            lastShown = Watch(clients, suspended);
            suspended = await ChangeAsync(detail, suspended, took);
            changes++;
            if (soak.Elapsed >= nextReading)
            {
                var reading = await ReadAsync(http);
                readings.Add(reading);
                Print($"minute {nextReading.TotalMinutes:0}", soak.Elapsed, reading, changes);
                PrintChangeTimes(took);
                took.Clear();
                nextReading += TimeSpan.FromMinutes(1);
            }

            var wait = changeEvery - (soak.Elapsed - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        // Every circuit must show the last change: one that died on the way would not.
        var expected = suspended ? "SUSPENDED" : "ACTIVE";
        var alive = 0;
        foreach (var tab in tabs)
        {
            try
            {
                await tab.WaitForFunctionAsync("""
                    ([want, name]) => [...document.querySelectorAll('.member-grid tbody tr')]
                        .some(r => r.textContent.includes(name) && r.textContent.toUpperCase().includes(want))
                    """, new[] { expected, TargetName }, new() { Timeout = 30_000 });
                alive++;
            }
            catch (TimeoutException)
            {
                // Counted as not alive.
            }
        }

        foreach (var shown in lastShown)
        {
            try
            {
                await shown.WaitAsync(TimeSpan.FromSeconds(30));
                alive++;
            }
            catch (TimeoutException)
            {
                // Counted as not alive.
            }
        }

        if (clients.FirstOrDefault(c => c.Error is not null) is { } failed)
        {
            Console.WriteLine($"  a circuit reported an error: {failed.Error}");
        }

        var end = await ReadAsync(http);
        Print("end", soak.Elapsed, end, changes);
        PrintChangeTimes(took);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var growth = end.HeapBytes - start.HeapBytes;
        var allowed = Math.Max(NoiseBytes, start.HeapBytes * NoiseFraction);
        var met = growth <= allowed && alive == count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  heap growth {growth / 1048576.0:+0.0;-0.0} MB ({100.0 * growth / start.HeapBytes:+0.0;-0.0}%), working set {(end.WorkingSetBytes - start.WorkingSetBytes) / 1048576.0:+0.0;-0.0} MB;"
            + $" {changes} changes; {alive} of {count} circuits still showed the last change; load average {LoadAverage()}"));
        Console.WriteLine(met
            ? string.Create(CultureInfo.InvariantCulture, $"verdict: MET (heap growth within noise: ≤ 5% or ≤ 10 MB, every circuit alive)")
            : string.Create(CultureInfo.InvariantCulture, $"verdict: MISSED (heap growth {growth / 1048576.0:0.0} MB, allowed {allowed / 1048576.0:0.0} MB; {alive} of {count} circuits alive)"));
        return met ? 0 : 1;
    }

    /// <summary>
    /// Each direct circuit waits for the first render batch carrying the member's new status label (only the changed
    /// row's cells render, so no other row's label answers for it).
    /// </summary>
    private static List<Task<double>> Watch(List<CircuitClient> clients, bool suspendedBefore) =>
        clients.Select(c => c.WatchFor(suspendedBefore ? "Active" : "Suspended")).ToList();

    /// <summary>
    /// Suspend (confirmed in the dialog) or unsuspend on the member's page, until the page shows the saved version. The
    /// wait is generous: the soak measures memory, and prints how long the changes took (with --chromium, the tabs'
    /// renderers share the cores with the acting admin's).
    /// </summary>
    private static async Task<bool> ChangeAsync(MemberDetailPage detail, bool suspended, List<double> took)
    {
        var started = Stopwatch.StartNew();
        var version = await detail.VersionAsync();
        await detail.Action(suspended ? "Unsuspend" : "Suspend").ClickAsync();
        if (!suspended)
        {
            await detail.ConfirmAsync("Yes, go ahead", timeoutMs: 60_000);
        }

        await detail.WaitForNewVersionAsync(version);
        took.Add(started.Elapsed.TotalMilliseconds);
        return !suspended;
    }

    private static void PrintChangeTimes(List<double> took)
    {
        if (took.Count == 0)
        {
            return;
        }

        var sorted = took.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"            a change on the member's page (click to saved version shown): median {sorted[sorted.Count / 2]:0} ms, max {sorted[^1]:0} ms"));
    }

    private static async Task<MemoryReading> ReadAsync(HttpClient http) =>
        await http.GetFromJsonAsync<MemoryReading>("/diagnostics/memory") ?? throw new InvalidOperationException("No memory reading.");

    private static void Print(string label, TimeSpan at, MemoryReading reading, int changes) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-9} {at.TotalSeconds,5:0} s: heap after full GC {reading.HeapBytes / 1048576.0,7:0.0} MB, working set {reading.WorkingSetBytes / 1048576.0,7:0.0} MB, {changes} changes"));

    private sealed record MemoryReading(long HeapBytes, long WorkingSetBytes);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
