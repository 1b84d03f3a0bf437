using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own: the test adds and suspends a member.</summary>
public sealed class ActivityPagePortal : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public async Task InitializeAsync() => Server = await PortalServer.StartAsync(new PortalServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class ActivityPageTests(PortalFixture fixture, ActivityPagePortal own) : PortalTest(fixture), IClassFixture<ActivityPagePortal>
{
    [Fact]
    public Task AnAdminFindsTheirChangeByFilterAndSearchOpensItsDiffAndDownloadsTheFeed() => RunAsync(async page =>
    {
        var login = new LoginPage(page, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();

        // The change: a new member, suspended from their page.
        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        var name = $"act{Guid.NewGuid().ToString("N")[..8]}";
        await users.GotoAsync();
        await users.OpenCreateAsync();
        await users.FillCreateAsync(name, $"{name}@example.org", "Ada", "Activity", "a quiet long passphrase");
        await users.SubmitCreateAsync();

        // Hashing the password takes a while on a busy machine; the dialog closes once the member exists.
        await Expect(users.Dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await users.SearchAsync(name);
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Ada Activity" }).ClickAsync();
        var detail = new MemberDetailPage(page);
        await detail.WaitUntilShownAsync();
        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(detail.Badges).ToContainTextAsync("Suspended", new() { IgnoreCase = true });

        // The nav leads to the page.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByText("Activity", new() { Exact = true }).ClickAsync();
        var activity = new ActivityLogPage(page, own.Server.BaseUrl);
        await activity.WaitUntilLiveAsync();
        var suspended = $"{own.Server.AdminUserName} suspended {name}";
        await Expect(activity.Titles.First).ToHaveTextAsync(suspended);

        // Filter by target and verb: the URL carries the filters, and a reload shows the same view.
        await activity.Filter("Target").FillAsync(name);
        await activity.Filter("Verb").FillAsync("member.suspended");
        await activity.ApplyAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/activity\\?target={name}&verb=member.suspended$"));
        await Expect(activity.Titles).ToHaveTextAsync([suspended]);
        await page.ReloadAsync();
        await activity.WaitUntilLiveAsync();
        await Expect(activity.Titles).ToHaveTextAsync([suspended]);
        await Expect(activity.Filter("Target")).ToHaveValueAsync(name);

        // Search titles instead: both records about the member (created, suspended), newest first.
        await activity.Filters.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }).ClickAsync();
        await activity.WaitUntilLiveAsync();
        await activity.Filter("Title contains").FillAsync(name);
        await activity.ApplyAsync();
        await Expect(activity.Titles.First).ToHaveTextAsync(suspended);
        Assert.True(await activity.Titles.CountAsync() >= 2, "the creation and the suspension both mention the member");
        await Expect(activity.Titles).ToContainTextAsync([name, name]);

        // The diff of the suspension.
        var record = activity.Items.Filter(new() { HasText = suspended });
        await record.GetByText("Changes (1)").ClickAsync();
        await Expect(record.Locator(".activity-diff tbody tr")).ToHaveTextAsync(["suspendedfalsetrue"]);

        // The CSV holds exactly what the page shows.
        var download = await page.RunAndWaitForDownloadAsync(() => activity.ExportLink.ClickAsync());
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync())).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("activity-", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Contains("Title", lines[0], StringComparison.Ordinal);
        Assert.Equal(await activity.Titles.CountAsync(), lines.Count - 1);
        Assert.Contains(lines, l => l.Contains(suspended, StringComparison.Ordinal) && l.Contains("member.suspended", StringComparison.Ordinal) && l.Contains("suspended: false → true", StringComparison.Ordinal));
    });
}
