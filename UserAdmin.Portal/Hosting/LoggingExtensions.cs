using Serilog;

namespace UserAdmin.Portal.Hosting;

internal static class LoggingExtensions
{
    /// <summary>Serilog from the "Serilog" section (console and rolling file), replacing the default providers.</summary>
    public static void AddPortalLogging(this WebApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
    }

    /// <summary>
    /// One line per request: method, path, status, time. Never the query string or the body, where tokens and
    /// passwords travel.
    /// </summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("UserAdmin.Portal.Requests");
        return app.Use(async (context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next();
            }
            finally
            {
                var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!context.Request.Path.StartsWithSegments("/_blazor"))
                {
                    logger.LogInformation(
                        "HTTP {Method} {Path} responded {StatusCode} in {Elapsed:0.0} ms",
                        context.Request.Method,
                        context.Request.Path.Value,
                        context.Response.StatusCode,
                        elapsed);
                }
            }
        });
    }
}
