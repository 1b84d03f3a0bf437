using System.Text.RegularExpressions;
using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own: these tests add members, which would change the shared portal's totals.</summary>
public sealed class MemberAdminPortal : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public async Task InitializeAsync() => Server = await PortalServer.StartAsync(new PortalServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class MemberAdminTests(PortalFixture fixture, MemberAdminPortal own) : PortalTest(fixture), IClassFixture<MemberAdminPortal>
{
    private readonly PortalFixture _fixture = fixture;

    private Task RunAsAdminAsync(Func<IPage, MemberAdminPage, Task> body, [System.Runtime.CompilerServices.CallerMemberName] string testName = "") =>
        RunAsync(async page =>
        {
            var login = new LoginPage(page, own.Server.BaseUrl);
            await login.GotoAsync();
            await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
            await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();
            await body(page, new MemberAdminPage(page, own.Server.BaseUrl));
        }, testName);

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public Task CreatingAMemberShowsWhatIsWrongRefusesADuplicateAndThenAddsThem() => RunAsAdminAsync(async (page, users) =>
    {
        await users.GotoAsync();
        await users.OpenCreateAsync();

        await users.FillCreateAsync("Not Valid!", "nope", "", "", null);
        await users.SubmitCreateAsync();
        await Expect(users.Dialog).ToContainTextAsync("lower-case letters, digits");
        await Expect(users.Dialog).ToContainTextAsync("Enter a valid email address");
        await Expect(users.Dialog).ToContainTextAsync("Set an initial password");

        // A fresh dialog for the next attempt: typing into the one that is re-rendering its errors can race it.
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(users.Dialog).ToHaveCountAsync(0);
        await users.OpenCreateAsync();
        await users.FillCreateAsync(own.Server.AdminUserName, "someone.new@example.org", "Some", "One", "a quiet long passphrase");
        await users.SubmitCreateAsync();
        // Validation runs on the server after the password rules; a busy machine needs more than the default wait.
        await Expect(users.Dialog).ToContainTextAsync($"The username '{own.Server.AdminUserName}' is already taken.", new() { Timeout = 30_000 });

        var name = Unique("zoe");
        await users.FillCreateAsync(name, $"{name}@example.org", "Zoë", "Ångström", "a quiet long passphrase");
        await users.SubmitCreateAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync($"{name} is now a member", new() { Timeout = 30_000 });

        await users.SearchAsync(name);
        await Expect(users.Total).ToHaveTextAsync("1 member");
        await Expect(page.Locator(".member-grid")).ToContainTextAsync("Zoë Ångström");
    });

    [Fact]
    public Task ImportingACsvShowsADryRunThenCreatesTheGoodRowsAndReportsTheBadOne() => RunAsAdminAsync(async (page, users) =>
    {
        var prefix = Unique("imp");
        await users.GotoAsync();
        await users.ImportAsync($"username,email,first_name,last_name,tag\n{prefix}.a,{prefix}.a@example.org,Ann,Import,GUEST\n{prefix}.b,{prefix}.b@example.org,Bob,Import,\n{prefix}.c,not-an-email,Cy,Import,\n");

        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("2 to create, 0 to update, 0 unchanged, 1 with errors");
        await Expect(users.Dialog).ToContainTextAsync("Enter a valid email address");
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 2 changes" }).ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("Done: 3 of 3 rows");
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();

        await users.SearchAsync(prefix);
        await Expect(users.Total).ToHaveTextAsync("2 members");
        await Expect(page.Locator(".member-grid")).ToContainTextAsync("Pending activation", new() { IgnoreCase = true });
    });

    [Fact]
    public Task ABulkSuspensionIsPreviewedThenAppliedAndReportedPerMember() => RunAsAdminAsync(async (page, users) =>
    {
        var prefix = Unique("bulk");
        await users.GotoAsync();
        await users.ImportAsync($"username,email\n{prefix}.a,{prefix}.a@example.org\n{prefix}.b,{prefix}.b@example.org\n");
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 2 changes" }).ClickAsync();
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();

        await users.SearchAsync(prefix);
        await users.SelectAllOnPageAsync();
        await Expect(page.GetByTestId("bulk-selection")).ToContainTextAsync("2 selected");
        await users.PreviewBulkAsync("Suspend");
        await Expect(page.GetByTestId("bulk-preview")).ToContainTextAsync("2 will change, 0 are already so, 0 will be refused");

        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Suspend 2 members" }).ClickAsync();
        await Expect(page.GetByTestId("bulk-progress")).ToContainTextAsync("Done: 2 of 2 checked — 2 changed, 0 unchanged, 0 refused");
        await Expect(users.Dialog).ToContainTextAsync($"{prefix}.a");
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();

        await users.GotoAsync($"?q={prefix}&status=Suspended");
        await Expect(users.Total).ToHaveTextAsync("2 members");
    });

    [Fact]
    public Task ASavedViewOpensAgainOnTheNextVisit() => RunAsAdminAsync(async (page, users) =>
    {
        var name = Unique("Suspended ");
        await users.GotoAsync("?status=Suspended&sort=Email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save view…" }).ClickAsync();
        await users.Dialog.GetByLabel("Name").FillAsync(name);
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Saved views")).ToHaveValueAsync(new Regex("^[0-9a-f-]{36}$"));

        await page.GotoAsync(own.Server.BaseUrl + "/");
        await page.GotoAsync(own.Server.BaseUrl + "/users");
        await Expect(page).ToHaveURLAsync(new Regex(@"/users\?status=Suspended&sort=Email$"));
        await users.WaitUntilShownAsync();
        await Expect(page.GetByLabel("Saved views")).ToHaveValueAsync(new Regex("^[0-9a-f-]{36}$"));

        await page.GetByLabel("Saved views").SelectOptionAsync(new SelectOptionValue { Label = "All members" });
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await users.WaitUntilShownAsync();
        await page.GotoAsync(own.Server.BaseUrl + "/users");
        await users.WaitUntilShownAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
    });

    [Fact]
    public Task ExportingDownloadsTheFilteredMembersAsCsvWithFormulasNeutralised() => RunAsAdminAsync(async (page, users) =>
    {
        var prefix = Unique("exp");
        await users.GotoAsync();
        await users.ImportAsync($"username,email,first_name,last_name\n{prefix}.a,{prefix}.a@example.org,=HYPERLINK(1),Export\n{prefix}.b,{prefix}.b@example.org,Bea,\"Smith, Jr\"\n");
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 2 changes" }).ClickAsync();
        await users.Dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await users.SearchAsync(prefix);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).ToList();

        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal(3, lines.Count);
        Assert.Contains("Username", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains($"{prefix}.a", StringComparison.Ordinal) && l.Contains("'=HYPERLINK(1)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"Bea Smith, Jr\"", StringComparison.Ordinal));
    });
}
