using System.Diagnostics;
using System.Net;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// For benchmarks only, off unless <c>Portal:Diagnostics:MemoryEndpoint</c> is true: <c>GET /diagnostics/memory</c>
/// forces two full, compacting collections and answers the managed heap left and the process's working set, so a
/// soak test can tell a leak (the heap keeps what it should have let go) from the runtime's noise. Loopback callers
/// only: a forced collection pauses every request, so it must never be something the network can trigger.
/// </summary>
internal static class MemoryDiagnostics
{
    public const string Setting = "Portal:Diagnostics:MemoryEndpoint";
    public const string Path = "/diagnostics/memory";

    public static void MapMemoryDiagnostics(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>(Setting))
        {
            return;
        }

        app.MapGet(Path, (HttpContext http) =>
        {
            if (http.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
            {
                return Results.NotFound();
            }

            for (var i = 0; i < 2; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            using var process = Process.GetCurrentProcess();
            return Results.Json(new MemoryReading(GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64));
        }).AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
    }
}

/// <summary>The managed heap after a forced full collection, and the working set, in bytes.</summary>
internal sealed record MemoryReading(long HeapBytes, long WorkingSetBytes);
