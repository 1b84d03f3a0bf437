using Serilog;

namespace UserAdmin.Portal.Hosting;

internal static class LoggingExtensions
{
    /// <summary>
    /// Serilog from the "Serilog" section (console and rolling file) as the app's only logger factory. Loggers added
    /// to the host afterwards (a test's capturing provider) receive every event that passes Serilog's levels.
    /// </summary>
    public static void AddPortalLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, logger) => logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext(),
            // The host's logger stays the host's: Serilog's static Log.Logger is left alone, so two hosts in one process
            // (tests, benchmarks) never write through each other's sinks.
            preserveStaticLogger: true,
            writeToProviders: true);
    }

    /// <summary>
    /// One line per request: method, path, status, time (Serilog's request logging). Never the query string or the
    /// body, where tokens and passwords travel. A circuit's long-lived connection under /_blazor is not a request
    /// anyone reads a line for.
    /// </summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
        return app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/_blazor"),
            branch =>
            {
                branch.UseSerilogRequestLogging(options =>
                {
                    options.Logger = logger;
                    options.MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms";
                    options.IncludeQueryInRequestPath = false;
                });
                branch.Use(EndAbandonedRequestsAsync);
            });
    }

    /// <summary>Status 499 (nginx's "client closed request") for a request whose client left before its answer.</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>
    /// A client that leaves mid-request cancels the request's work; that is not a failure of the portal. Its line says
    /// 499 at Information, without an exception, instead of an error with a stack trace.
    /// </summary>
    internal static async Task EndAbandonedRequestsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = ClientClosedRequest;
            }
        }
    }
}
