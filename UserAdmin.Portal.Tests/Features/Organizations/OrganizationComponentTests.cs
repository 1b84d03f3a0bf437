using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

/// <summary>The organizations page (switch, add an existing account) and a member's organizations, on the app's real services.</summary>
public sealed class OrganizationComponentTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TheOrganizationsPageOffersASwitchToEveryOtherOrganizationAndAddingAccountsToASuper()
    {
        var (portal, organization, admin) = await UsePortalAsync(MemberRank.Super);
        var other = await portal.Database.AddOrganizationAsync("Globex");
        await portal.Database.AddMembershipAsync(other.Id, admin.AccountId);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<OrganizationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table[aria-label='Your organizations'] tbody tr").Count), Wait);
        var current = page.Find($"tr[data-organization='{organization.Name}']");
        Assert.NotNull(current.QuerySelector("[data-testid=current-marker]"));
        Assert.Null(current.QuerySelector("form"));
        var form = page.Find($"tr[data-organization='{other.Name}'] form");
        Assert.Equal(("post", "Account/SwitchOrganization"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.Equal(other.Id.ToString(), form.QuerySelector("input[name=organizationId]")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector($"input[type=hidden][name={PortalHttp.AntiforgeryField}]"));

        var account = await portal.Database.AddMemberAsync(other.Id);
        page.Find("input[aria-label='Username or email']").Change(account.UserName);
        await page.Find("form[aria-label='Add an existing account']").SubmitAsync();

        page.WaitForAssertion(() => Assert.True(portal.Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.AccountId == account.AccountId)).GetAwaiter().GetResult()), Wait);
        page.Find("input[aria-label='Username or email']").Change(account.UserName);
        await page.Find("form[aria-label='Add an existing account']").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains($"{account.UserName} is already a member of this organization.", page.Find(".validation-message").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task AnAdminWhoIsNotSuperCannotAddAccounts()
    {
        var (_, organization, admin) = await UsePortalAsync(MemberRank.Admin);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<OrganizationsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("table[aria-label='Your organizations'] tbody tr")), Wait);
        Assert.Empty(page.FindAll("form[aria-label='Add an existing account']"));
        Assert.Empty(page.FindAll("a[href='organizations/new']"));
    }

    [Fact]
    public async Task AMembersOrganizationsAreListedWithRemovalOnlyWhereTheSuperHasTheStanding()
    {
        var (portal, organization, super) = await UsePortalAsync(MemberRank.Super);
        var foreign = await portal.Database.AddOrganizationAsync("Foreign Ltd");
        var target = await portal.Database.AddMemberAsync(organization.Id);
        await portal.Database.AddMembershipAsync(foreign.Id, target.AccountId, MemberRank.Admin);
        var detail = (await portal.Get<MemberDetailService>().GetAsync(super.Actor, target.AccountId)).Value!;

        var section = Render<MemberOrganizations>(p => p.Add(x => x.Actor, super.Actor).Add(x => x.Member, detail));

        section.WaitForAssertion(() => Assert.Equal(2, section.FindAll("tbody tr").Count), Wait);
        var foreignRow = section.FindAll("tbody tr").Single(r => r.TextContent.Contains("Foreign Ltd", StringComparison.Ordinal));
        Assert.Contains("ADMIN", foreignRow.TextContent, StringComparison.Ordinal);
        Assert.True(foreignRow.QuerySelector("button")!.HasAttribute("disabled"));
        Assert.Equal("You are not an admin of this organization.", foreignRow.QuerySelector(".control-reason")!.TextContent);
        var here = section.FindAll("tbody tr").Single(r => r.TextContent.Contains("· this organization", StringComparison.Ordinal));
        Assert.False(here.QuerySelector("button")!.HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(MemberRank.Super, true)]
    [InlineData(MemberRank.Admin, false)]
    public async Task TheMemberPageHasAnOrganizationsTabForASuperOnly(MemberRank rank, bool shown)
    {
        var (portal, organization, viewer) = await UsePortalAsync(rank);
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(viewer.AccountId, organization.Id, viewer.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));

        page.WaitForAssertion(() => Assert.Contains("Rank and groups", Tabs(page)), Wait);
        Assert.Equal(shown, Tabs(page).Contains("Organizations"));
    }

    private static List<string> Tabs(IRenderedComponent<MemberPage> page) =>
        page.FindAll(".member-tabs [role=tab]").Select(t => t.TextContent.Trim()).ToList();

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalAsync(MemberRank rank = MemberRank.Super)
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, rank);
        return (portal, organization, admin);
    }
}
