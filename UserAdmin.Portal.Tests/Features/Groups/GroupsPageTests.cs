using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Groups;

/// <summary>The groups page on the app's real services: the one-click Virtool permissions preset.</summary>
public sealed class GroupsPageTests : PortalComponentTest
{
    private const string PresetButton = "button[aria-label='Add Virtool permissions']";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static IEnumerable<string> VirtoolApplicationKeys =>
        PermissionPresets.Virtool.Permissions.Select(p => p.Key).Where(k => !PortalPermissions.IsPortalPermission(k));

    [Fact]
    public async Task TheVirtoolPresetButtonDefinesVirtoolsPermissionsAndListsThem()
    {
        var (portal, organization) = await UsePortalAsync(MemberRank.Admin);
        var page = Render<GroupsPage>();
        page.WaitForAssertion(() => Assert.Contains("None defined yet.", page.Markup, StringComparison.Ordinal), Wait);

        await page.Find(PresetButton).ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() =>
        {
            var listed = page.FindAll("table[aria-label='Application permissions'] code").Select(c => c.TextContent).ToList();
            Assert.Equal(VirtoolApplicationKeys.Order(StringComparer.Ordinal), listed);
        }, Wait);
        Assert.Equal(VirtoolApplicationKeys.Count(), await portal.Database.QueryAsync(db => db.ApplicationPermissions.CountAsync(p => p.OrganizationId == organization.Id)));

        // A second click finds nothing missing: the list stays as it is.
        await page.Find(PresetButton).ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Equal(VirtoolApplicationKeys.Count(), page.FindAll("table[aria-label='Application permissions'] code").Count), Wait);
        Assert.Single(await portal.Database.ActivityForAsync(organization.Id), r => r.Verb == "application_permission.preset_added");
    }

    [Fact]
    public async Task AMemberWhoCannotManageGroupsIsNotOfferedThePreset()
    {
        var (portal, organization) = await UsePortalAsync(MemberRank.Regular, PortalPermissions.HelpDesk);
        var page = Render<GroupsPage>();
        page.WaitForAssertion(() => Assert.Contains("None defined yet.", page.Markup, StringComparison.Ordinal), Wait);

        Assert.Empty(page.FindAll(PresetButton));
        Assert.False(await portal.Database.QueryAsync(db => db.ApplicationPermissions.AnyAsync(p => p.OrganizationId == organization.Id)));
    }

    private async Task<(PortalServices Portal, TestOrganization Organization)> UsePortalAsync(MemberRank rank, IReadOnlyCollection<string>? permissions = null)
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var member = await portal.Database.AddMemberAsync(organization.Id, rank, permissions: permissions);
        SignInAs(member.AccountId, organization.Id, member.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return (portal, organization);
    }
}
