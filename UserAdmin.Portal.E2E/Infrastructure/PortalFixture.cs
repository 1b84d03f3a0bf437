using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Pages;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>
/// Shared by the ordinary tests: a browser and one portal for tests that leave no lasting trace. Tests that need
/// their own state (a locked-out or must-change-password admin) start a dedicated <see cref="PortalServer"/>.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime, IDisposable
{
    private readonly SemaphoreSlim _signInLock = new(1, 1);
    private PortalServer? _portal;
    private string? _signedInState;

    public BrowserFixture Browser { get; } = new();

    public PortalServer Portal => _portal ?? throw new InvalidOperationException("The shared portal has not started.");

    public async Task InitializeAsync()
    {
        // Several tests here type a wrong password on purpose; a high limit keeps the shared admin from being
        // locked out by them. Lockout itself is tested on a dedicated instance with the default limit.
        var portal = PortalServer.StartAsync(new PortalServerOptions { MaxFailedAttempts = 100 });
        await Task.WhenAll(portal, Browser.InitializeAsync());
        _portal = await portal;
    }

    /// <summary>
    /// The shared admin's cookies after one real sign-in, reused by tests that only need to be signed in.
    /// Signing out elsewhere does not invalidate them: it deletes the browser's cookie, not the server's stamp.
    /// </summary>
    public async Task<string> SignedInStateAsync()
    {
        await _signInLock.WaitAsync();
        try
        {
            if (_signedInState is null)
            {
                await using var context = await Browser.Browser.NewContextAsync();
                var page = await context.NewPageAsync();
                var login = new LoginPage(page, Portal.BaseUrl);
                await login.GotoAsync();
                await login.SignInAsync(Portal.AdminUserName, Portal.AdminPassword);
                await new ShellPage(page, Portal.BaseUrl).ExpectDashboardAsync();
                _signedInState = await context.StorageStateAsync();
            }

            return _signedInState;
        }
        finally
        {
            _signInLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }

        await Browser.DisposeAsync();
    }

    // xunit calls both: DisposeAsync for the portal and browser, Dispose for the lock.
    public void Dispose() => _signInLock.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal";
}
