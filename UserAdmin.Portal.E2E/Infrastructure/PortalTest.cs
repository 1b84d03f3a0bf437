using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>
/// Base of every browser test: a fresh browser context (own cookies) per test, and a screenshot if it fails.
/// All classes share one collection and so run one after another: on a 2-core machine, running the classes with
/// dedicated portals alongside (each with its own browser) made the suite slower, not faster.
/// </summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalFixture fixture)
{
    /// <summary>The shared portal: tests here must leave it as they found it (no lockout, no password change).</summary>
    protected PortalServer Portal => fixture.Portal;

    protected Task RunAsync(Func<IPage, Task> body, [CallerMemberName] string testName = "") =>
        RunInContextAsync(new BrowserNewContextOptions(), body, testName);

    /// <summary>Starts signed in as the shared admin, with the cookies of one earlier real sign-in.</summary>
    protected async Task RunSignedInAsync(Func<IPage, Task> body, [CallerMemberName] string testName = "") =>
        await RunInContextAsync(new BrowserNewContextOptions { StorageState = await fixture.SignedInStateAsync() }, body, testName);

    /// <summary>Starts with the cookies of <paramref name="storageState"/>, e.g. a sign-in on a dedicated portal.</summary>
    protected Task RunWithStorageStateAsync(string storageState, Func<IPage, Task> body, [CallerMemberName] string testName = "") =>
        RunInContextAsync(new BrowserNewContextOptions { StorageState = storageState }, body, testName);

    protected IBrowser Browser => fixture.Browser.Browser;

    private async Task RunInContextAsync(BrowserNewContextOptions options, Func<IPage, Task> body, string testName)
    {
        await using var context = await fixture.Browser.Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        await FailureScreenshot.CaptureOnFailureAsync(page, testName, () => body(page));
    }
}
