using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// Holds N signed-in circuits on the user grid, in real Chromium against the real portal, for M minutes while another
/// admin suspends and unsuspends a member shown on every grid every few seconds (so every circuit re-reads and renders).
/// Prints the portal's memory at the start, every minute and at the end: the managed heap after forced full collections
/// (the portal's loopback-only <c>/diagnostics/memory</c>, switched on for this run) and the working set; then the
/// growth and a verdict (no growth beyond noise: at most 5% or 10 MB of heap). At the end it checks that every tab
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

        Console.WriteLine($"circuit soak: {count} signed-in circuits on /users for {minutes} min, a change every {changeEvery.TotalSeconds:0} s; Chromium {browser.Version}; load average {LoadAverage()}");
        var opened = Stopwatch.StartNew();
        var tabs = new List<IPage>();
        for (var i = 0; i < count; i++)
        {
            var tab = await context.NewPageAsync();
            await tab.GotoAsync(server.BaseUrl + "/users");
            await tab.WaitForFunctionAsync("""
                () => { const s = document.querySelector('section.users-page');
                        return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }
                """, null, new() { Timeout = 120_000 });
            tabs.Add(tab);
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
        for (var i = 0; i < 4; i++)
        {
            suspended = await ChangeAsync(detail, suspended);
        }

        var start = await ReadAsync(http);
        Print("start", TimeSpan.Zero, start, 0);
        var readings = new List<MemoryReading> { start };
        var soak = Stopwatch.StartNew();
        var changes = 0;
        var nextReading = TimeSpan.FromMinutes(1);
        while (soak.Elapsed < TimeSpan.FromMinutes(minutes))
        {
            var started = soak.Elapsed;
            suspended = await ChangeAsync(detail, suspended);
            changes++;
            if (soak.Elapsed >= nextReading)
            {
                var reading = await ReadAsync(http);
                readings.Add(reading);
                Print($"minute {nextReading.TotalMinutes:0}", soak.Elapsed, reading, changes);
                nextReading += TimeSpan.FromMinutes(1);
            }

            var wait = changeEvery - (soak.Elapsed - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        // Every tab must show the last change: a circuit that died on the way would not.
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

        var end = await ReadAsync(http);
        Print("end", soak.Elapsed, end, changes);
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

    private static async Task<bool> ChangeAsync(MemberDetailPage detail, bool suspended)
    {
        var version = await detail.VersionAsync();
        await detail.Action(suspended ? "Unsuspend" : "Suspend").ClickAsync();
        if (!suspended)
        {
            await detail.ConfirmAsync("Yes, go ahead");
        }

        await detail.WaitForNewVersionAsync(version);
        return !suspended;
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
