using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.DataProtection;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Compat;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// The settings a security review asks about, in one place: where the data-protection keys live, the limits of a
/// Blazor circuit, and the headers every response carries.
/// </summary>
internal static class SecurityExtensions
{
    /// <summary>
    /// Only the portal's own scripts run; styles come from the portal too, plus the style attributes Radzen's components
    /// set (an attribute cannot run code). No page may frame the portal; forms post only to it; nothing is embedded.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void AddPortalSecurity(this WebApplicationBuilder builder)
    {
        // No "Server: Kestrel" on any answer: it tells a scanner nothing it needs.
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

        // Keys that sign cookies, antiforgery tokens and circuit descriptors survive a restart (sessions too), and are
        // kept beside the database, outside the web root and the repository (data/ is ignored).
        builder.Services.AddDataProtection()
            .SetApplicationName("UserAdminPortal")
            .PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(builder.Configuration)));

        builder.Services.Configure<CircuitOptions>(o =>
        {
            // A dropped connection (a laptop lid, a train tunnel) can come back to its circuit for 3 minutes; at most
            // 100 such circuits wait, so a crowd of vanished clients cannot hold the server's memory.
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            o.DisconnectedCircuitMaxRetained = 100;

            // A client that stops acknowledging renders stops receiving them after 10, instead of piling them up.
            o.MaxBufferedUnacknowledgedRenderBatches = 10;
            o.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(1);
            o.DetailedErrors = builder.Environment.IsDevelopment();
        });

        builder.Services.AddSignalR(o =>
        {
            // 32 KB per message from a browser (the CSV import streams its file in chunks below that).
            o.MaximumReceiveMessageSize = 32 * 1024;
            o.EnableDetailedErrors = false;
        });

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
    }

    /// <summary>Where the data-protection keys are kept: <c>Portal:DataProtection:KeysDirectory</c>, or a <c>keys</c> folder beside the database file.</summary>
    public static string KeysDirectory(IConfiguration configuration)
    {
        if (configuration["Portal:DataProtection:KeysDirectory"] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var file = DataExtensions.DatabaseFile(configuration.GetConnectionString("Portal") ?? DataExtensions.DefaultConnectionString)
            ?? Path.GetFullPath("data/portal.db");
        return Path.Combine(Path.GetDirectoryName(file)!, "keys");
    }

    /// <summary>
    /// Headers on every response: pages, files, the API. Answers of the API and the compatibility routes carry member
    /// data (and sometimes a temporary password), so no browser or proxy keeps them: <c>Cache-Control: no-store</c>.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";

                // Reset and activation links carry their token in the address: it never leaves in a Referer.
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                if (ApiProblems.IsApi(context) || CompatHosting.IsCompat(context))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: it can also read its database. Both anonymous
    /// (load balancers call them) and both say no more than Healthy or Unhealthy.
    /// </summary>
    public static void MapPortalHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
    }
}
