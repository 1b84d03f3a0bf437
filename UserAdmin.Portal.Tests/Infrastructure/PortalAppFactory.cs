using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>
/// The whole app in memory (TestServer) over its own empty SQLite file, which the app migrates and bootstraps
/// itself on start, exactly as in production. Every log entry is captured at every level.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public PortalAppFactory()
        : this(Environments.Development, null, null)
    {
    }

    private PortalAppFactory(string environment, Action<Dictionary<string, string?>>? adjust, Action<IServiceCollection>? services)
    {
        _environment = environment;
        _services = services;
        Database = TestDatabase.CreateEmpty();
        _settings = TestSettings.For(Database);

        // The factory hands settings to Program as command-line arguments, one per configuration path including the
        // empty parents ("--Serilog:WriteTo:1="), and Serilog reads such an empty entry as a sink without a name.
        // That cannot redirect the file sink, so it is dropped on purpose: factory-hosted tests write no log files
        // (every entry is still captured in Logs). PortalServices with a server redirects the file instead.
        _settings["Serilog:WriteTo:1"] = "";

        // Every level reaches Logs: Serilog is the app's logger factory and hands its events on to added loggers, so
        // its own levels open fully here, and the console sink is dropped as the file sink is.
        _settings["Serilog:WriteTo:0"] = "";
        _settings["Serilog:MinimumLevel:Default"] = "Verbose";
        foreach (var source in new[] { "Microsoft", "Microsoft.Hosting.Lifetime", "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.EntityFrameworkCore", "System" })
        {
            _settings[$"Serilog:MinimumLevel:Override:{source}"] = "Verbose";
        }
        adjust?.Invoke(_settings);
    }

    /// <param name="environment">The host environment name.</param>
    /// <param name="adjust">Changes to the settings; a key set to null is left out entirely.</param>
    /// <param name="services">Registrations after the app's own (a fault injector on the database connections).</param>
    public static PortalAppFactory For(string environment, Action<Dictionary<string, string?>>? adjust = null, Action<IServiceCollection>? services = null) =>
        new(environment, adjust, services);

    public TestDatabase Database { get; }
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>As a class fixture: start the app (migrate, bootstrap) before any test seeds the database.</summary>
    public Task InitializeAsync()
    {
        _ = Services;
        return Task.CompletedTask;
    }

    // Disposal happens through IDisposable/IAsyncDisposable, which the test framework also calls.
    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            if (value is not null)
            {
                // UseSetting reaches the configuration before Program reads it (the connection string is read eagerly).
                builder.UseSetting(key, value);
            }
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
        GC.SuppressFinalize(this);
    }
}
