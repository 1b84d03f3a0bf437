using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>
/// The app's real service container (Identity, OperationRunner, notifier, feature services) over a fresh migrated
/// database, built with the app's own <c>AddPortal</c>. By default it is never started: no server, no bootstrap
/// admin, no password hash to pay for. Share one per test class (<c>IClassFixture</c>); tests keep apart by seeding
/// their own organization.
/// <para>
/// With <c>server: true</c> it also runs the app's pipeline (<c>UsePortal</c>) on a TestServer. Unlike
/// <see cref="PortalAppFactory"/>, its configuration goes straight into memory, so nested settings such as the
/// Serilog file path arrive intact: use it to read what the app really writes to its log file.
/// </para>
/// </summary>
public sealed class PortalServices : IAsyncLifetime, IAsyncDisposable
{
    private bool _disposed;
    private bool _started;
    private bool _kestrel;
    private WebApplication? _app;

    public TestDatabase Database { get; private set; } = null!;
    public string LogFolder { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// The portal's services as a bUnit fallback provider. bUnit's renderer asks its root provider for the renderer's
    /// tracing source, which the app registers per circuit (scoped); resolving it from the root fails scope validation,
    /// and a test renderer does without it.
    /// </summary>
    public IServiceProvider ComponentServices => new ComponentFallback(Services);

    private sealed class ComponentFallback(IServiceProvider services) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType.FullName == "Microsoft.AspNetCore.Components.ComponentsActivitySource" ? null : services.GetService(serviceType);
    }

    /// <summary>A context from the app's own factory: the model exactly as the running app builds it.</summary>
    public PortalDbContext CreateAppContext() => Get<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <param name="migrate">Migrate the database first, or leave it empty for the caller to build.</param>
    /// <param name="server">Also start the app's request pipeline on a TestServer (which bootstraps the first admin).</param>
    /// <param name="settings">Configuration on top of the test settings.</param>
    /// <param name="configure">Replaces registrations after the app's own (a test double of a sender, a clock).</param>
    /// <param name="kestrel">With <paramref name="server"/>: the real server (Kestrel) on a free loopback port, not a TestServer.</param>
    public static async Task<PortalServices> CreateAsync(
        bool migrate = true, bool server = false, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null,
        bool kestrel = false)
    {
        var services = new PortalServices { _kestrel = server && kestrel };
        await services.BuildAsync(migrate, server, settings, configure);
        return services;
    }

    public Task InitializeAsync() => BuildAsync(migrate: true, server: false, null, null);

    /// <summary>A client of the started server that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowser()
    {
        Assert.True(_started, "Create the services with server: true to send requests.");
        if (_kestrel)
        {
            var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true };
            return new HttpClient(handler) { BaseAddress = new Uri(_app!.Urls.First()) };
        }

        var server = _app!.GetTestServer();
        return new HttpClient(new CookieContainerHandler { InnerHandler = server.CreateHandler() }) { BaseAddress = server.BaseAddress };
    }

    private async Task BuildAsync(bool migrate, bool server, IDictionary<string, string?>? settings, Action<IServiceCollection>? configure)
    {
        Database = migrate ? await TestDatabase.CreateMigratedAsync() : TestDatabase.CreateEmpty();
        LogFolder = TestSettings.NewLogFolder();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Development,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(TestSettings.For(Database));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // appsettings.json's rolling file sink (inside the Async sink) writes here instead of the working directory.
            ["Serilog:WriteTo:1:Args:configure:0:Args:path"] = Path.Combine(LogFolder, "portal-.log"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        if (_kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else if (server)
        {
            builder.WebHost.UseTestServer();
        }

        builder.AddPortal([]);
        configure?.Invoke(builder.Services);
        _app = builder.Build();
        if (server)
        {
            _app.UsePortal();
            await _app.StartAsync();
            _started = true;
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_app is not null)
        {
            if (_started)
            {
                await _app.StopAsync();
            }

            await _app.DisposeAsync();
        }

        Database.Dispose();
        TryDelete(LogFolder);
        TryDelete(TestSettings.MailFolder(Database));
    }

    internal static void TryDelete(string? folder)
    {
        try
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Leftover temp logs are harmless.
        }
    }
}
