using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Radzen;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>
/// The one bUnit base class: loose JS interop (Radzen calls into JS freely), Radzen's services, an antiforgery
/// token as a static page would have one, and helpers for a signed-in user and a real database.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    public const string FakeAntiforgeryToken = "test-antiforgery-token";

    private readonly List<TestDatabase> _databases = [];
    private readonly List<PortalServices> _portals = [];

    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();

        // Per circuit in the app; here per test, so it opens its dialog on this context's DialogService. The proofs come
        // from the app's ReauthenticationService when a test falls back to a portal's services (the factory's own
        // provider does not consult the fallback), else from a stand-alone one.
        Services.AddScoped(sp => new SessionReauthentication(
            Services.GetService<ReauthenticationService>()
                ?? new ReauthenticationService(sp.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, NullLogger<ReauthenticationService>.Instance),
            sp.GetRequiredService<DialogService>()));
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgeryStateProvider>();
    }

    /// <summary>A signed-in session as the app's cookie carries it: account id, organization and display name.</summary>
    protected void SignInAs(Guid accountId, Guid? organizationId, string userName, string? displayName = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, accountId.ToString()) };
        if (organizationId is { } org)
        {
            claims.Add(new Claim(PortalClaims.Organization, org.ToString()));
        }

        if (displayName is not null)
        {
            claims.Add(new Claim(PortalClaims.DisplayName, displayName));
        }

        var authorization = AddAuthorization();
        authorization.SetAuthorized(userName);
        authorization.SetClaims([.. claims]);
    }

    protected void SignedOut() => AddAuthorization().SetNotAuthorized();

    /// <summary>A fresh migrated database behind the read services the shell uses; removed when the test ends.</summary>
    protected async Task<TestDatabase> UseNewDatabaseAsync()
    {
        var database = await TestDatabase.CreateMigratedAsync();
        _databases.Add(database);
        Services.AddDbContextFactory<PortalDbContext>(o => DataExtensions.ConfigureSqlite(o, database.ConnectionString));
        Services.AddSingleton<SessionQueries>();
        return database;
    }

    /// <summary>
    /// The whole app's services over a fresh migrated database, as the fallback for everything the component asks
    /// for; disposed when the test ends.
    /// </summary>
    protected async Task<PortalServices> UsePortalServicesAsync()
    {
        var portal = await PortalServices.CreateAsync();
        _portals.Add(portal);
        Services.AddFallbackServiceProvider(portal.ComponentServices);
        return portal;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var portal in _portals)
        {
            portal.DisposeAsync().GetAwaiter().GetResult();
        }

        _portals.Clear();
        ReleaseDatabases();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        foreach (var portal in _portals)
        {
            await portal.DisposeAsync();
        }

        _portals.Clear();
        ReleaseDatabases();
    }

    private void ReleaseDatabases()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }

        _databases.Clear();
    }

    private sealed class FixedAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(FakeAntiforgeryToken, PortalHttp.AntiforgeryField);
    }
}
