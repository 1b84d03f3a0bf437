using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>
/// A portal of its own with 60 known members besides the admin (the shared portal must stay as it was), signed in
/// once. Every expectation is worked out here from <see cref="Everyone"/>, not read back from the app.
/// </summary>
public sealed class UserGridPortal : IAsyncLifetime, IDisposable
{
    private static readonly string[] FirstNames = ["Aaron", "Beatriz", "Chen", "Dagny", "Emeka", "Farah", "Gustav", "Hana", "Ilse", "Jonas"];
    private static readonly string[] LastNames = ["Zimmer", "Young", "Xu", "Walsh", "Varga", "Ueda"];

    private readonly SemaphoreSlim _signInLock = new(1, 1);
    private string? _signedIn;

    public PortalServer Portal { get; private set; } = null!;

    /// <summary>The one member whose email and last name nobody else shares.</summary>
    public SeedMember Quentin { get; } = new("fairweather.quentin", "Quentin Fairweather", "q.fairweather@lighthouse-keepers.example");

    /// <summary>The seeded members and the bootstrapped admin: the whole organization.</summary>
    public IReadOnlyList<SeedMember> Everyone { get; private set; } = [];

    public async Task InitializeAsync()
    {
        // Usernames put the last name first, so sorting by username gives another order than by name.
        var seeded = FirstNames.SelectMany(first => LastNames.Select(last => (first, last)))
            .Take(59)
            .Select((n, i) => new SeedMember(
                $"{n.last}.{n.first}".ToLowerInvariant(),
                $"{n.first} {n.last}",
                $"{n.first}.{n.last}@northwind.example".ToLowerInvariant(),
                Suspended: i % 9 == 4))
            .Append(Quentin)
            .ToList();

        Portal = await PortalServer.StartAsync();
        await Portal.AddMembersAsync(seeded);
        Everyone = [.. seeded, new SeedMember(Portal.AdminUserName, Portal.AdminUserName, Portal.AdminEmail)];
    }

    public async Task<string> SignedInStateAsync(IBrowser browser)
    {
        await _signInLock.WaitAsync();
        try
        {
            return _signedIn ??= await PortalSignIn.AdminStorageStateAsync(browser, Portal);
        }
        finally
        {
            _signInLock.Release();
        }
    }

    /// <summary>How the grid orders text: SQLite's NOCASE (ASCII letters folded), then anything else is a tie it breaks by id.</summary>
    public static IOrderedEnumerable<SeedMember> OrderBy(IEnumerable<SeedMember> members, Func<SeedMember, string> key) =>
        members.OrderBy(m => key(m).ToLowerInvariant(), StringComparer.Ordinal);

    public async Task DisposeAsync()
    {
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }

    }

    // xunit calls both: DisposeAsync for the portal and browser, Dispose for the lock.
    public void Dispose() => _signInLock.Dispose();
}

public sealed class UserGridTests(PortalFixture fixture, UserGridPortal grid) : PortalTest(fixture), IClassFixture<UserGridPortal>
{
    private string BaseUrl => grid.Portal.BaseUrl;

    [Fact]
    public Task TheGridShowsTheFirstPageOfMembersAndTheTrueTotal() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);

        await users.GotoAsync();

        await Expect(users.Total).ToHaveTextAsync($"{grid.Everyone.Count} members");
        await Expect(users.PageNumber).ToHaveTextAsync("Page 1 of 2");
        var expected = UserGridPortal.OrderBy(grid.Everyone, m => m.DisplayName).Take(50).Select(m => m.DisplayName);
        Assert.Equal(expected, await users.ColumnAsync("Name"));
    });

    [Fact]
    public Task ClickingTheUsernameHeaderSortsByUsernameAndClickingAgainReverses() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        var byUserName = UserGridPortal.OrderBy(grid.Everyone, m => m.UserName).Select(m => m.UserName).ToList();
        await users.GotoAsync();
        var firstByName = (await users.ColumnAsync("Username"))[0];

        await users.SortByAsync("Username");

        Assert.Equal("?sort=UserName", users.Query);
        var ascending = await users.ColumnAsync("Username");
        Assert.NotEqual(firstByName, ascending[0]);
        Assert.Equal(byUserName.Take(50), ascending);
        await Expect(users.Header("Username")).ToHaveAttributeAsync("aria-sort", "ascending");

        await users.SortByAsync("Username");

        Assert.Equal("?sort=UserName&dir=desc", users.Query);
        Assert.Equal(byUserName.AsEnumerable().Reverse().Take(50), await users.ColumnAsync("Username"));
        await Expect(users.Header("Username")).ToHaveAttributeAsync("aria-sort", "descending");
    });

    [Fact]
    public Task AStatusFilterNarrowsTheRowsAndTheTotal() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        var suspended = UserGridPortal.OrderBy(grid.Everyone.Where(m => m.Suspended), m => m.DisplayName).Select(m => m.DisplayName).ToList();
        await users.GotoAsync();

        await users.FilterByStatusAsync("Suspended");

        Assert.Equal("?status=Suspended", users.Query);
        await Expect(users.Total).ToHaveTextAsync($"{suspended.Count} members");
        Assert.Equal(suspended, await users.ColumnAsync("Name"));
        // Badges are shown in capitals by the theme's CSS.
        Assert.All(await users.ColumnAsync("Status"), status => Assert.Equal("Suspended", status, ignoreCase: true));
        await Expect(users.PageNumber).ToHaveTextAsync("Page 1 of 1");
    });

    [Fact]
    public Task TheSearchBoxFindsAMemberByPartOfTheirEmailOrOfTheirName() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        await users.GotoAsync();

        await users.SearchAsync("lighthouse-keep");

        Assert.Equal("?q=lighthouse-keep", users.Query);
        await Expect(users.Total).ToHaveTextAsync("1 member");
        Assert.Equal([grid.Quentin.UserName], await users.ColumnAsync("Username"));

        await users.SearchAsync("FAIRWEATH");

        await Expect(users.Total).ToHaveTextAsync("1 member");
        Assert.Equal([grid.Quentin.DisplayName], await users.ColumnAsync("Name"));

        // Part of a name many members share finds all of them, in one page.
        await users.SearchAsync("ueda");

        Assert.Equal(grid.Everyone.Count(m => m.DisplayName.EndsWith("Ueda", StringComparison.Ordinal)), await users.Rows.CountAsync());
    });

    [Fact]
    public Task NextLastAndPreviousMoveThroughThePagesAndSayWhichPageIsShown() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        var byName = UserGridPortal.OrderBy(grid.Everyone, m => m.DisplayName).Select(m => m.DisplayName).ToList();
        var pages = (byName.Count + 24) / 25;
        await users.GotoAsync("?size=25");
        await Expect(users.PageNumber).ToHaveTextAsync($"Page 1 of {pages}");
        await Expect(users.PagerButton("Previous page")).ToBeDisabledAsync();

        await users.GoToPageAsync("Next page");

        await Expect(users.PageNumber).ToHaveTextAsync($"Page 2 of {pages}");
        var second = await users.ColumnAsync("Name");
        Assert.Equal(byName.Skip(25).Take(25), second);

        await users.GoToPageAsync("Last page");

        await Expect(users.PageNumber).ToHaveTextAsync($"Page {pages} of {pages}");
        Assert.Equal(byName.Skip((pages - 1) * 25), await users.ColumnAsync("Name"));
        await Expect(users.PagerButton("Next page")).ToBeDisabledAsync();
        await Expect(users.PagerButton("Last page")).ToBeDisabledAsync();

        await users.GoToPageAsync("Previous page");

        await Expect(users.PageNumber).ToHaveTextAsync($"Page {pages - 1} of {pages}");
        Assert.Equal(byName.Skip((pages - 2) * 25).Take(25), await users.ColumnAsync("Name"));

        await users.GoToPageAsync("First page");

        await Expect(users.PageNumber).ToHaveTextAsync($"Page 1 of {pages}");
        Assert.Equal(byName.Take(25), await users.ColumnAsync("Name"));
    });

    [Fact]
    public Task AReloadShowsTheSameView() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        await users.GotoAsync("?status=Active&size=25");
        await users.SortByAsync("Username");
        await users.GoToPageAsync("Next page");
        await Expect(users.PageNumber).ToHaveTextAsync("Page 2 of 3");
        var query = users.Query;
        var rows = await users.ColumnAsync("Username");
        var total = await users.Total.TextContentAsync();

        await users.ReloadAsync();

        Assert.Equal(query, users.Query);
        Assert.Equal(rows, await users.ColumnAsync("Username"));
        await Expect(users.Total).ToHaveTextAsync(total!);
        await Expect(users.PageNumber).ToHaveTextAsync("Page 2 of 3");
        Assert.Equal(
            UserGridPortal.OrderBy(grid.Everyone.Where(m => !m.Suspended), m => m.UserName).Skip(25).Take(25).Select(m => m.UserName),
            rows);
    });

    [Fact]
    public Task TheKeyboardReachesTheSearchMovesDownTheRowsAndOpensAMember() => RunSignedInToGridAsync(async page =>
    {
        var users = new UsersPage(page, BaseUrl);
        await users.GotoAsync();
        var names = UserGridPortal.OrderBy(grid.Everyone, m => m.DisplayName).Take(3).Select(m => m.DisplayName).ToList();

        // Blazor puts the focus on the heading once the page has rendered; the shortcut is for after that.
        await Expect(page.Locator("h1")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("/");
        await Expect(page.GetByLabel("Search members")).ToBeFocusedAsync();

        await page.Locator(".member-grid a.member-link").First.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator(".member-grid a.member-link").Nth(1)).ToBeFocusedAsync();
        await Expect(page.Locator(".member-grid a.member-link").Nth(1)).ToHaveTextAsync(names[1]);

        await page.Keyboard.PressAsync("Enter");
        // Blazor's enhanced navigation changes the URL without a load event to wait for: poll the URL itself.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users/[0-9a-f-]{36}$"));
        await new MemberDetailPage(page).WaitUntilShownAsync();
        await Expect(page.Locator(".member-header h1")).ToHaveTextAsync(names[1]);
    });

    private async Task RunSignedInToGridAsync(Func<IPage, Task> body, [System.Runtime.CompilerServices.CallerMemberName] string testName = "") =>
        await RunWithStorageStateAsync(await grid.SignedInStateAsync(Browser), body, testName);
}
