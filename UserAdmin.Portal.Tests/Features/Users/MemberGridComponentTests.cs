using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users;

public sealed class MemberGridComponentTests : PortalComponentTest
{
    private static readonly DateTime Created = new(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    // ---- MemberPager ----

    [Fact]
    public void OnTheFirstPageFirstAndPreviousAreDisabledAndNextAndLastAreNot()
    {
        var pager = RenderPager(new MemberGridState(), new MemberPage(Rows(3), HasPrevious: false, HasNext: true), total: 120);

        Assert.Equal([true, true, false, false], PagerButtons(pager).Select(b => b.HasAttribute("disabled")));
        Assert.Equal("Page 1 of 3", pager.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public void OnTheLastPageNextAndLastAreDisabledAndTheNumberIsTheLastPagesNumber()
    {
        var pager = RenderPager(new MemberGridState { Anchor = PageAnchor.Last, LastPageRows = 20 }, new MemberPage(Rows(2), HasPrevious: true, HasNext: false), total: 120);

        Assert.Equal([false, false, true, true], PagerButtons(pager).Select(b => b.HasAttribute("disabled")));
        Assert.Equal("Page 3 of 3", pager.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public void ASinglePageDisablesEveryButton()
    {
        var pager = RenderPager(new MemberGridState(), new MemberPage(Rows(1), false, false), total: 1);

        Assert.All(PagerButtons(pager), b => Assert.True(b.HasAttribute("disabled")));
        Assert.Equal("Page 1 of 1", pager.Find("[data-testid=page-number]").TextContent);
    }

    [Theory]
    [InlineData(1, "1 member")]
    [InlineData(0, "0 members")]
    [InlineData(120, "120 members")]
    [InlineData(null, "Counting…")]
    public void TheTotalIsShownAsMembersOrCountingWhileUnknown(int? total, string shown)
    {
        var pager = RenderPager(new MemberGridState(), MemberPage.Empty, total);

        Assert.Equal(shown, pager.Find("[data-testid=member-total]").TextContent.Trim());
    }

    [Fact]
    public void ALargeTotalIsGroupedAsTheCultureWritesNumbers()
    {
        var pager = RenderPager(new MemberGridState(), MemberPage.Empty, 1_234_567);

        Assert.Equal($"{1_234_567:N0} members", pager.Find("[data-testid=member-total]").TextContent.Trim());
        Assert.Equal($"Page 1 of {24_692:N0}", pager.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public void WithoutATotalThePageNumberStandsAlone()
    {
        var pager = RenderPager(new MemberGridState { Anchor = PageAnchor.After, Cursor = Cursor(1), PageNumber = 4 }, new MemberPage(Rows(3), true, true), total: null);

        Assert.Equal("Page 4", pager.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public void ChoosingAPageSizeAsksForTheFirstPageAtThatSize()
    {
        var state = new MemberGridState { Filter = new MemberFilter { Rank = MemberRank.Admin }, Anchor = PageAnchor.After, Cursor = Cursor(9), PageNumber = 3 };
        MemberGridState? navigated = null;
        var pager = RenderPager(state, new MemberPage(Rows(3), true, true), 500, s => navigated = s);

        pager.Find("select[aria-label='Rows per page']").Change("100");

        Assert.Equal(state.WithPageSize(100), navigated);
        Assert.Equal((100, PageAnchor.First, 1, MemberRank.Admin), (navigated!.PageSize, navigated.Anchor, navigated.PageNumber, navigated.Filter.Rank));
    }

    [Fact]
    public void AnUnknownPageSizeIsIgnored()
    {
        MemberGridState? navigated = null;
        var pager = RenderPager(new MemberGridState(), new MemberPage(Rows(3), false, true), 500, s => navigated = s);

        pager.Find("select").Change("33");

        Assert.Null(navigated);
    }

    [Theory]
    [InlineData(120, 50, 3, 20)]
    [InlineData(100, 50, 2, null)]
    [InlineData(26, 25, 2, 1)]
    public void LastWorksOutTheRowsOnTheLastPageFromTheTotal(int total, int size, int lastPage, int? lastRows)
    {
        MemberGridState? navigated = null;
        var pager = RenderPager(new MemberGridState { PageSize = size }, new MemberPage(Rows(3), false, true), total, s => navigated = s);

        Button(pager, "Last page").Click();

        Assert.NotNull(navigated);
        Assert.Equal((PageAnchor.Last, null, lastPage, lastRows), (navigated.Anchor, navigated.Cursor, navigated.PageNumber, navigated.LastPageRows));
        Assert.Equal(lastRows ?? size, navigated.PageRequest.Size);
    }

    [Fact]
    public void LastWithoutATotalAsksForAFullLastPage()
    {
        MemberGridState? navigated = null;
        var pager = RenderPager(new MemberGridState { PageNumber = 1 }, new MemberPage(Rows(3), false, true), null, s => navigated = s);

        Button(pager, "Last page").Click();

        Assert.Equal((PageAnchor.Last, null, 50), (navigated!.Anchor, navigated.LastPageRows, navigated.PageRequest.Size));
    }

    [Fact]
    public void NextAndPreviousCarryTheCursorsOfThePageShown()
    {
        var rows = Rows(3);
        var state = new MemberGridState { Anchor = PageAnchor.After, Cursor = Cursor(99), PageNumber = 2 };
        var navigated = new List<MemberGridState>();
        var pager = RenderPager(state, new MemberPage(rows, true, true), 300, navigated.Add);

        Button(pager, "Next page").Click();
        Button(pager, "Previous page").Click();
        Button(pager, "First page").Click();

        Assert.Equal((PageAnchor.After, rows[^1].MembershipId, 3), (navigated[0].Anchor, navigated[0].Cursor!.Id, navigated[0].PageNumber));
        Assert.Equal((PageAnchor.Before, rows[0].MembershipId, 1), (navigated[1].Anchor, navigated[1].Cursor!.Id, navigated[1].PageNumber));
        Assert.Equal((PageAnchor.First, null, 1), (navigated[2].Anchor, navigated[2].Cursor, navigated[2].PageNumber));
    }

    // ---- MemberFilterBar ----

    [Fact]
    public void ClearFiltersAppearsOnlyWhenSomethingIsFiltered()
    {
        var bar = RenderFilterBar(MemberFilter.None);
        Assert.Empty(ClearButtons(bar));

        bar.Render(p => p.Add(x => x.Filter, new MemberFilter { Status = MemberStatus.Suspended }));
        Assert.Single(ClearButtons(bar));

        bar.Render(p => p.Add(x => x.Filter, new MemberFilter { Search = "   " }));
        Assert.Empty(ClearButtons(bar));

        bar.Render(p => p.Add(x => x.Filter, new MemberFilter { Search = "bob" }));
        Assert.Single(ClearButtons(bar));
    }

    [Fact]
    public void ClearFiltersEmitsTheEmptyFilter()
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Search = "bob", Rank = MemberRank.Admin, DeviceStatus = DeviceStatus.Pending }, emitted.Add);

        Assert.Single(ClearButtons(bar)).Click();

        Assert.Equal([MemberFilter.None], emitted);
    }

    [Fact]
    public void EnterInTheSearchBoxEmitsTheTrimmedSearchAndKeepsTheOtherFilters()
    {
        // A search that arrived padded (from a hand-typed URL) is what the box shows; Enter applies it trimmed.
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Search = "  zoë ångström  ", Status = MemberStatus.Active }, emitted.Add);

        bar.Find("input[aria-label='Search members']").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal([new MemberFilter { Search = "zoë ångström", Status = MemberStatus.Active }], emitted);
    }

    [Fact]
    public void TypingASearchEmitsItTrimmedOnceAndOtherKeysDoNothing()
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(MemberFilter.None, f =>
        {
            emitted.Add(f);
        });
        var search = bar.Find("input[aria-label='Search members']");

        search.KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "a" });
        Assert.Empty(emitted);

        // The box commits its value on change (a browser fires it on Enter, too); the page then passes the new filter down.
        search.Change("  bob  ");
        bar.Render(p => p.Add(x => x.Filter, emitted[^1]));
        bar.Find("input[aria-label='Search members']").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal([new MemberFilter { Search = "bob" }], emitted);
    }

    [Fact]
    public void EmptyingTheSearchBoxRemovesTheSearch()
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Search = "bob", Tag = MemberTag.Guest }, emitted.Add);

        bar.Find("input[aria-label='Search members']").Change("   ");

        Assert.Equal([new MemberFilter { Tag = MemberTag.Guest }], emitted);
    }

    [Fact]
    public void ChoosingAStatusEmitsItWithTheOtherFilters()
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Search = "bob" }, emitted.Add);

        bar.Find("select[aria-label=Status]").Change("LockedOut");

        Assert.Equal([new MemberFilter { Search = "bob", Status = MemberStatus.LockedOut }], emitted);
    }

    // ---- MemberGrid ----

    [Fact]
    public void TheGridShowsARowPerMemberWithItsLabelsAndNeverForNoSignIn()
    {
        MemberRow[] rows =
        [
            Row(1, "ada", MemberStatus.Active, lastSignIn: new DateTime(2026, 11, 20, 9, 15, 0, DateTimeKind.Utc)) with { Rank = MemberRank.Admin, GroupNames = "Alpha, beta" },
            Row(2, "bea", MemberStatus.Suspended) with { Tag = MemberTag.Guest, MustChangePassword = true },
            Row(3, "cyd", MemberStatus.LockedOut) with { EmailConfirmed = false },
            Row(4, "dee", MemberStatus.PendingActivation),
            Row(5, "eve", MemberStatus.Active) with { Email = "", EmailConfirmed = false },
        ];

        var grid = RenderGrid(rows, new MemberSort());

        var shown = grid.FindAll("tbody tr.rz-data-row").Select(Cells).ToList();
        Assert.Equal(5, shown.Count);
        Assert.Equal(["ada", "bea", "cyd", "dee", "eve"], shown.Select(r => r["Username"]));
        Assert.Equal(["Active", "Suspended must change password", "Locked out", "Pending activation", "Active"], shown.Select(r => r["Status"]));
        Assert.Equal(["ADMIN", "REGULAR", "REGULAR", "REGULAR", "REGULAR"], shown.Select(r => r["Rank"]));
        Assert.Equal(["User", "Guest", "User", "User", "User"], shown.Select(r => r["Tag"]));
        Assert.Equal(["2026-11-20 09:15", "never", "never", "never", "never"], shown.Select(r => r["Last sign-in"]));
        Assert.Equal("Alpha, beta", shown[0]["Groups"]);
        Assert.Equal("2026-05-06", shown[0]["Created"]);
        Assert.Equal("cyd@example.test unconfirmed", shown[2]["Email"]);
        Assert.Equal("ada@example.test", shown[0]["Email"]);
        Assert.Equal("none", shown[4]["Email"]);
    }

    [Fact]
    public void AnEmptyPageShowsTheEmptyText()
    {
        var grid = Render<MemberGrid>(p => p
            .Add(x => x.Rows, Array.Empty<MemberRow>())
            .Add(x => x.Sort, new MemberSort())
            .Add(x => x.EmptyText, "No members match these filters."));

        Assert.Contains("No members match these filters.", grid.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ClickingAHeaderAsksForThatSortAndRenderingAloneAsksForNothing()
    {
        var sorts = new List<MemberSort>();
        var grid = RenderGrid(Rows(3), new MemberSort(), sorts.Add);
        Assert.Empty(sorts);

        Header(grid, "Username").Click();

        Assert.Equal([new MemberSort(MemberSortField.UserName)], sorts);
    }

    [Fact]
    public void ClickingTheSortedHeaderAsksForTheOtherDirection()
    {
        var sorts = new List<MemberSort>();
        var grid = RenderGrid(Rows(3), new MemberSort(MemberSortField.Email), sorts.Add);

        Header(grid, "Email").Click();

        Assert.Equal([new MemberSort(MemberSortField.Email, Descending: true)], sorts);

        // The page passes the new sort back down; the header then shows it.
        grid.Render(p => p.Add(x => x.Sort, sorts[^1]));
        Assert.Equal("descending", Header(grid, "Email").ParentElement!.GetAttribute("aria-sort"));
        Assert.Single(sorts);
    }

    // ---- UsersPage over a real database ----

    [Fact]
    public async Task TheUsersPageShowsTheOrganizationsMembersAndTheirTotal()
    {
        var (portal, organization, admin) = await UsePortalWithOrganizationAsync();
        for (var i = 0; i < 4; i++)
        {
            await portal.Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = $"Member {i}");
        }

        await portal.Database.AddMemberAsync((await portal.Database.AddOrganizationAsync()).Id, configure: a => a.DisplayName = "Member elsewhere");
        SignInAs(admin.AccountId, organization.Id, admin.UserName);

        var page = RenderUsersPage();

        page.WaitForAssertion(() => Assert.Equal("5 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        var names = page.FindAll("tbody tr.rz-data-row").Select(tr => Cells(tr)["Name"]).ToList();
        Assert.Equal(["Display " + admin.UserName, "Member 0", "Member 1", "Member 2", "Member 3"], names);
        Assert.Equal("false", page.Find("section.users-page").GetAttribute("data-loading"));
        Assert.Equal("Page 1 of 1", page.Find("[data-testid=page-number]").TextContent);
    }

    [Fact]
    public async Task AFilterThatMatchesNobodySaysSo()
    {
        var (_, organization, admin) = await UsePortalWithOrganizationAsync();
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/users?q=no-such-member&status=Suspended");

        var page = RenderUsersPage();

        page.WaitForAssertion(() => Assert.Equal("0 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("No members match these filters.", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("tbody tr.rz-data-row"));
        Assert.Equal("?q=no-such-member&status=Suspended", page.Find("section.users-page").GetAttribute("data-loaded-query"));
    }

    [Fact]
    public async Task ChangingTheUrlShowsThatView()
    {
        var (portal, organization, admin) = await UsePortalWithOrganizationAsync();
        await portal.Database.AddMemberAsync(organization.Id, suspended: true, configure: a => a.DisplayName = "Sus Pended");
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        var page = RenderUsersPage();
        page.WaitForAssertion(() => Assert.Equal("2 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        Services.GetRequiredService<NavigationManager>().NavigateTo("/users?status=Suspended");

        page.WaitForAssertion(() => Assert.Equal("1 member", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal(["Sus Pended"], page.FindAll("tbody tr.rz-data-row").Select(tr => Cells(tr)["Name"]));
    }

    [Fact]
    public async Task LeavingTheGridForAMembersPageDoesNotReloadTheGrid()
    {
        var (portal, organization, admin) = await UsePortalWithOrganizationAsync();
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/users?status=Suspended");
        var page = RenderUsersPage();
        page.WaitForAssertion(() => Assert.Equal("?status=Suspended", page.Find("section.users-page").GetAttribute("data-loaded-query")), TimeSpan.FromSeconds(10));

        Services.GetRequiredService<NavigationManager>().NavigateTo($"/users/{admin.AccountId}");

        Assert.Equal("?status=Suspended", page.Find("section.users-page").GetAttribute("data-loaded-query"));
        Assert.Equal("false", page.Find("section.users-page").GetAttribute("data-loading"));
    }

    [Fact]
    public async Task AnotherAdminsChangeRefreshesTheRowInPlaceAndKeepsTheSelection()
    {
        var (portal, organization, admin) = await UsePortalWithOrganizationAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await portal.Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = "Aaron Target");
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        var page = RenderUsersPage();
        page.WaitForAssertion(() => Assert.Equal("3 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        await page.Find($"input[aria-label='Select {target.UserName}']").ChangeAsync(new ChangeEventArgs { Value = true });
        // A button of the page's heading renders again whenever the page does (its Click is a new callback each time).
        var create = page.FindComponents<Radzen.Blazor.RadzenButton>().Single(b => b.Instance.Text == "Create member");
        var createRenders = create.RenderCount;

        await portal.Get<UserAdmin.Portal.Features.Members.MemberStatusService>().SetSuspendedAsync(other.Actor, target.AccountId, suspended: true);

        page.WaitForAssertion(() => Assert.Equal("Suspended", Cells(page.FindAll("tbody tr.rz-data-row").Single(tr => tr.TextContent.Contains("Aaron Target", StringComparison.Ordinal)))["Status"]),
            TimeSpan.FromSeconds(10));
        Assert.True(page.Find($"input[aria-label='Select {target.UserName}']").HasAttribute("checked"));
        Assert.Equal("3 members", page.Find("[data-testid=member-total]").TextContent.Trim());

        // Same rows in the same order: only the changed row's cells rendered, not the page around the grid.
        Assert.Equal(createRenders, create.RenderCount);
    }

    [Fact]
    public async Task AMemberAnotherAdminCreatesJoinsTheOpenGridAndItsTotal()
    {
        var (portal, organization, admin) = await UsePortalWithOrganizationAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        var page = RenderUsersPage();
        page.WaitForAssertion(() => Assert.Equal("2 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));

        // A suspension moves no total; the creation that follows must still be counted.
        await portal.Get<UserAdmin.Portal.Features.Members.MemberStatusService>().SetSuspendedAsync(other.Actor, admin.AccountId, suspended: true);
        var created = await portal.Get<MemberAdminService>().CreateAsync(other.Actor, new NewMember
        {
            UserName = "aaron.newcomer",
            Email = "aaron.newcomer@example.org",
            FirstName = "Aaron",
            LastName = "Newcomer",
            SendActivationEmail = true,
        });
        Assert.True(created.Succeeded, created.Message);

        page.WaitForAssertion(() => Assert.Equal("3 members", page.Find("[data-testid=member-total]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains(page.FindAll("tbody tr.rz-data-row"), tr => tr.TextContent.Contains("aaron.newcomer", StringComparison.Ordinal));
    }

    // ---- helpers ----

    /// <summary>The app's real services over a fresh database, behind bUnit's own (which win: auth, navigation, JS).</summary>
    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalWithOrganizationAsync()
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        return (portal, organization, admin);
    }

    /// <summary>As a live circuit renders it (the page reads RendererInfo); call after every service is in place.</summary>
    private IRenderedComponent<UsersPage> RenderUsersPage()
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<UsersPage>();
    }

    // ---- Filter selects ----

    [Theory]
    [InlineData("Status", "Suspended")]
    [InlineData("Rank", "Admin")]
    [InlineData("Authentication device", "Pending")]
    public void ChoosingAFilterOptionEmitsTheFilterWithItAndKeepsTheOthers(string label, string option)
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Search = "bob" }, emitted.Add);

        bar.Find($"select[aria-label='{label}']").Change(option);

        var filter = Assert.Single(emitted);
        Assert.Equal("bob", filter.Search);
        Assert.Equal(option, (label switch
        {
            "Status" => (object?)filter.Status,
            "Rank" => filter.Rank,
            _ => filter.DeviceStatus,
        })?.ToString());
    }

    [Fact]
    public void TheFirstOptionOfAFilterClearsIt()
    {
        var emitted = new List<MemberFilter>();
        var bar = RenderFilterBar(new MemberFilter { Status = MemberStatus.Suspended, EmailConfirmed = false }, emitted.Add);

        Assert.Equal("Suspended", bar.Find("select[aria-label='Status']").GetAttribute("value"));
        Assert.Equal("False", bar.Find("select[aria-label='Email status']").GetAttribute("value"));
        bar.Find("select[aria-label='Status']").Change("");

        Assert.Equal([new MemberFilter { EmailConfirmed = false }], emitted);
    }

    [Fact]
    public void TheGroupFilterOffersTheOrganizationsGroupsByName()
    {
        var emitted = new List<MemberFilter>();
        var staff = new GroupChoice(Guid.NewGuid(), "Staff <b>");
        var bar = Render<MemberFilterBar>(p => p.Add(x => x.Filter, MemberFilter.None).Add(x => x.Groups, [staff])
            .Add(x => x.FilterChanged, emitted.Add));

        Assert.Equal(["Any group", "Staff <b>"], bar.FindAll("select[aria-label='Group'] option").Select(o => o.TextContent));
        bar.Find("select[aria-label='Group']").Change(staff.Id.ToString());

        Assert.Equal([new MemberFilter { GroupId = staff.Id }], emitted);
    }

    // ---- Live refresh: what renders again ----

    [Fact]
    public void TheSameFilterHandedBackDoesNotRenderTheBarAgain()
    {
        var bar = RenderFilterBar(new MemberFilter { Rank = MemberRank.Admin });
        var renders = bar.RenderCount;

        bar.Render(p => p.Add(x => x.Filter, new MemberFilter { Rank = MemberRank.Admin }));
        Assert.Equal(renders, bar.RenderCount);

        bar.Render(p => p.Add(x => x.Filter, new MemberFilter { Rank = MemberRank.Super }));
        Assert.Equal(renders + 1, bar.RenderCount);
    }

    [Fact]
    public void ARefreshedPageWithTheSameRowsRendersOnlyTheCellsOfTheRowThatChanged()
    {
        var rows = Rows(3);
        var grid = RenderGrid(rows, new MemberSort());
        var rowRenders = RowRenders(grid);
        var cellRenders = CellRenders(grid);

        var refreshed = rows.Select(r => r with { }).ToList();
        refreshed[1] = refreshed[1] with { Status = MemberStatus.Suspended, MustChangePassword = true };
        grid.Render(p => p.Add(x => x.Rows, refreshed));

        // A render of the grid would render every row again.
        Assert.Equal(rowRenders[rows[0].MembershipId], RowRenders(grid)[rows[0].MembershipId]);
        Assert.Equal(rowRenders[rows[2].MembershipId], RowRenders(grid)[rows[2].MembershipId]);
        Assert.Equal("Suspended must change password", Cells(grid.FindAll("tbody tr")[1])["Status"]);
        Assert.Equal("Active", Cells(grid.FindAll("tbody tr")[0])["Status"]);
        var after = CellRenders(grid);
        Assert.All(after.Where(c => c.Key.Id != refreshed[1].MembershipId), c => Assert.Equal(cellRenders[c.Key], c.Value));
        Assert.All(after.Where(c => c.Key.Id == refreshed[1].MembershipId), c => Assert.Equal(cellRenders[c.Key] + 1, c.Value));
    }

    [Fact]
    public void ARefreshedPageWhoseRowsMovedRendersTheWholeGrid()
    {
        var rows = Rows(3);
        var grid = RenderGrid(rows, new MemberSort());
        var rowRenders = RowRenders(grid);

        grid.Render(p => p.Add(x => x.Rows, [rows[2], rows[0], rows[1] with { DisplayName = "Renamed" }]));

        Assert.True(RowRenders(grid)[rows[0].MembershipId] > rowRenders[rows[0].MembershipId]);
        Assert.Equal(["Name user3", "Name user1", "Renamed"], grid.FindAll("tbody tr").Select(r => Cells(r)["Name"]));
    }

    [Fact]
    public async Task RowsShownInPlaceRenderOnlyTheChangedCellsAndMovedRowsAreLeftForARender()
    {
        var rows = Rows(3);
        var grid = RenderGrid(rows, new MemberSort());
        var cellRenders = CellRenders(grid);

        var refreshed = rows.Select(r => r with { }).ToList();
        refreshed[2] = refreshed[2] with { Status = MemberStatus.Suspended };
        Assert.True(await grid.InvokeAsync(() => grid.Instance.TryShowInPlace(refreshed)));
        Assert.Equal("Suspended", Cells(grid.FindAll("tbody tr")[2])["Status"]);
        Assert.All(CellRenders(grid).Where(c => c.Key.Id != rows[2].MembershipId), c => Assert.Equal(cellRenders[c.Key], c.Value));
        Assert.All(CellRenders(grid).Where(c => c.Key.Id == rows[2].MembershipId), c => Assert.True(c.Value > cellRenders[c.Key]));

        // Moved rows take nothing: the render with them as parameters then shows the new order.
        var moved = new List<MemberRow> { refreshed[2], refreshed[0], refreshed[1] };
        Assert.False(await grid.InvokeAsync(() => grid.Instance.TryShowInPlace(moved)));
        Assert.Equal(["Name user1", "Name user2", "Name user3"], grid.FindAll("tbody tr").Select(r => Cells(r)["Name"]));
        grid.Render(p => p.Add(x => x.Rows, moved));
        Assert.Equal(["Name user3", "Name user1", "Name user2"], grid.FindAll("tbody tr").Select(r => Cells(r)["Name"]));
    }

    [Fact]
    public void ATickedRowRendersTheGridAgainSoTheBoxShowsIt()
    {
        var rows = Rows(2);
        var selected = new HashSet<long>();
        var grid = Render<MemberGrid>(p => p.Add(x => x.Rows, rows).Add(x => x.Sort, new MemberSort()).Add(x => x.Selected, selected));

        selected.Add(rows[0].MembershipId);
        grid.Render(p => p.Add(x => x.Rows, rows.ToList()).Add(x => x.Selected, selected));

        Assert.True(grid.FindAll("tbody tr")[0].QuerySelector("input[type=checkbox]")!.HasAttribute("checked"));
    }

    /// <summary>How often each row (or anything in it) has rendered, by member.</summary>
    private static Dictionary<long, int> RowRenders(IRenderedComponent<MemberGrid> grid) =>
        grid.FindComponents<Radzen.Blazor.RadzenDataGridRow<MemberRow>>().ToDictionary(r => r.Instance.Item.MembershipId, r => r.RenderCount);

    private static Dictionary<(long Id, int Index), int> CellRenders(IRenderedComponent<MemberGrid> grid) =>
        grid.FindComponents<LiveMemberCell>()
            .Select((c, i) => (c, i))
            .ToDictionary(x => (x.c.Instance.Row.MembershipId, x.i), x => x.c.RenderCount);

    private IRenderedComponent<MemberPager> RenderPager(MemberGridState state, MemberPage page, int? total, Action<MemberGridState>? navigate = null) =>
        Render<MemberPager>(p => p
            .Add(x => x.State, state)
            .Add(x => x.Page, page)
            .Add(x => x.Total, total)
            .Add(x => x.Navigate, navigate ?? (_ => { })));

    private static readonly string[] PagerLabels = ["First page", "Previous page", "Next page", "Last page"];

    private static List<IElement> PagerButtons(IRenderedComponent<MemberPager> pager) =>
        PagerLabels.Select(label => Button(pager, label)).ToList();

    private static IElement Button(IRenderedComponent<MemberPager> pager, string label) => pager.Find($"button[aria-label='{label}']");

    private IRenderedComponent<MemberFilterBar> RenderFilterBar(MemberFilter filter, Action<MemberFilter>? changed = null) =>
        Render<MemberFilterBar>(p => p.Add(x => x.Filter, filter).Add(x => x.FilterChanged, changed ?? (_ => { })));

    private static List<IElement> ClearButtons(IRenderedComponent<MemberFilterBar> bar) =>
        bar.FindAll("button").Where(b => b.TextContent.Trim() == "Clear filters").ToList();

    private IRenderedComponent<MemberGrid> RenderGrid(IReadOnlyList<MemberRow> rows, MemberSort sort, Action<MemberSort>? sortChanged = null) =>
        Render<MemberGrid>(p => p
            .Add(x => x.Rows, rows)
            .Add(x => x.Sort, sort)
            .Add(x => x.SortChanged, sortChanged ?? (_ => { })));

    /// <summary>The clickable part of a column header, found by its title.</summary>
    private static IElement Header(IRenderedComponent<MemberGrid> grid, string title) =>
        grid.FindAll("thead th").Single(th => th.QuerySelector(".rz-column-title")?.GetAttribute("title") == title).QuerySelector("div")!;

    /// <summary>A row's cells by column title: their texts (badges included) joined by single spaces.</summary>
    private static Dictionary<string, string> Cells(IElement row)
    {
        var table = row.Closest("table")!;
        var titles = table.QuerySelectorAll("thead th").Select(th => th.QuerySelector(".rz-column-title")?.GetAttribute("title") ?? "").ToList();
        var cells = row.QuerySelectorAll("td")
            .Select(td => string.Join(' ', td.Descendants<IText>().SelectMany(t => t.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
            .ToList();
        return titles.Zip(cells).Where(p => p.First.Length > 0).ToDictionary(p => p.First, p => p.Second);
    }

    private static MemberCursor Cursor(long id) => new([JsonSerializer.SerializeToElement("name " + id)], id);

    private static MemberRow Row(long id, string userName, MemberStatus status, DateTime? lastSignIn = null) =>
        new MemberRow(id, Guid.NewGuid(), userName, $"{userName}@example.test", $"Name {userName}", MemberRank.Regular, MemberTag.User, status, "",
            Created, lastSignIn, EmailConfirmed: true, MustChangePassword: false, DeviceStatus.None) { Cursor = Cursor(id) };

    private static List<MemberRow> Rows(int count) =>
        Enumerable.Range(1, count).Select(i => Row(i * 10, $"user{i}", MemberStatus.Active)).ToList();
}
