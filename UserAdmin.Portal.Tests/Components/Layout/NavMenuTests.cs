using System.Reflection;
using Bunit;
using UserAdmin.Portal.Components.Layout;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Layout;

public sealed class NavMenuTests : PortalComponentTest
{
    private static readonly FieldInfo LoadedMember = typeof(NavMenu).GetField("_member", BindingFlags.NonPublic | BindingFlags.Instance)!;

    [Fact]
    public async Task ARegularMemberWithoutPermissionsSeesTheDashboardButNotUsers()
    {
        var menu = await RenderMenuForAsync(MemberRank.Regular);

        Assert.Equal(["Dashboard", "Organizations", "API keys", "API docs"], Items(menu).Select(i => i.Text));
    }

    [Fact]
    public async Task AHelpDeskMemberAlsoSeesUsersAndActivityButNotGroups()
    {
        var menu = await RenderMenuForAsync(MemberRank.Regular, PortalPermissions.HelpDesk);

        Assert.Equal(
            ["Dashboard", "Users", "Activity", "Organizations", "API keys", "API docs"],
            Items(menu).Select(i => i.Text));
    }

    [Fact]
    public async Task AnAdminSeesEveryItem()
    {
        var menu = await RenderMenuForAsync(MemberRank.Admin);

        Assert.Equal(NavItems.All.Select(i => i.Text), Items(menu).Select(i => i.Text.Replace(" (coming soon)", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PagesNotBuiltYetAreDisabledAndSayComingSoon()
    {
        var menu = await RenderMenuForAsync(MemberRank.Super);

        var items = Items(menu);
        Assert.Equal(NavItems.All.Where(i => i.Available).Select(i => (i.Text, (string?)i.Path)), items.Where(i => !i.Disabled).Select(i => (i.Text, i.Href)));
        Assert.Contains(("Groups", (string?)"/groups"), items.Where(i => !i.Disabled).Select(i => (i.Text, i.Href)));
        Assert.All(items.Where(i => i.Disabled), i => Assert.EndsWith("(coming soon)", i.Text, StringComparison.Ordinal));
        Assert.All(items.Where(i => i.Disabled), i => Assert.Null(i.Href));
        Assert.Equal(NavItems.All.Count(i => !i.Available), items.Count(i => i.Disabled));
    }

    private async Task<IRenderedComponent<NavMenu>> RenderMenuForAsync(MemberRank rank, IReadOnlyCollection<string>? permissions = null)
    {
        var database = await UseNewDatabaseAsync();
        var organization = await database.AddOrganizationAsync();
        var member = await database.AddMemberAsync(organization.Id, rank, permissions: permissions);
        SignInAs(member.AccountId, organization.Id, member.UserName);

        var menu = Render<NavMenu>();

        // The member is read from the database after the first render; wait until the menu has it.
        menu.WaitForState(() => LoadedMember.GetValue(menu.Instance) is not null);
        return menu;
    }

    private static List<(string Text, bool Disabled, string? Href)> Items(IRenderedComponent<NavMenu> menu) =>
        menu.FindAll("li[role=menuitem]")
            .Select(li => (
                li.QuerySelector(".rz-navigation-item-text")!.TextContent,
                li.GetAttribute("aria-disabled") == "true" && li.ClassList.Contains("rz-state-disabled"),
                li.QuerySelector("a")?.GetAttribute("href")))
            .ToList();
}
