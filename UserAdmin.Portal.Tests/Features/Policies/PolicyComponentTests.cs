using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Policies;

/// <summary>The policy members picker and the member page's policies editor, on the app's real services.</summary>
public sealed class PolicyComponentTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AMemberFoundWithThePickerIsAssignedAndListedAndCanBeUnassigned()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = "Ada Lovelace");
        var policyId = (await portal.Get<PolicyService>().CreateAsync(admin.Actor, "Badge access", "")).Value;

        var members = Render<PolicyMembers>(p => p.Add(x => x.Actor, admin.Actor).Add(x => x.PolicyId, policyId).Add(x => x.CanEdit, true));
        members.WaitForAssertion(() => Assert.Contains("Not assigned to any member directly.", members.Markup, StringComparison.Ordinal), Wait);
        members.Find("input[type=search]").Input(target.UserName);
        await members.Find("input[type=search]").KeyDownAsync(new KeyboardEventArgs { Key = "Enter" });
        members.WaitForAssertion(() => members.Find($"button[aria-label='Assign {target.UserName}']"), Wait);

        await members.Find($"button[aria-label='Assign {target.UserName}']").ClickAsync(new MouseEventArgs());

        members.WaitForAssertion(() => Assert.Contains("Ada Lovelace", members.Find("table[aria-label='Members with this policy']").TextContent, StringComparison.Ordinal), Wait);
        Assert.True(members.Find($"button[aria-label='Assign {target.UserName}']").HasAttribute("disabled"));
        Assert.True(await portal.Database.QueryAsync(db => db.PolicyMembers.AnyAsync(p => p.PolicyId == policyId && p.MembershipId == target.MembershipId)));

        await members.Find($"button[aria-label='Unassign {target.UserName}']").ClickAsync(new MouseEventArgs());

        members.WaitForAssertion(() => Assert.Empty(members.FindAll("table[aria-label='Members with this policy']")), Wait);
        Assert.False(await portal.Database.QueryAsync(db => db.PolicyMembers.AnyAsync(p => p.PolicyId == policyId)));
    }

    [Fact]
    public async Task AReadOnlyViewerGetsNeitherPickerNorUnassign()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        var policyId = (await portal.Get<PolicyService>().CreateAsync(admin.Actor, "Parking", "")).Value;
        await portal.Get<PolicyService>().SetMemberAsync(admin.Actor, policyId, target.AccountId, true);

        var members = Render<PolicyMembers>(p => p.Add(x => x.Actor, admin.Actor).Add(x => x.PolicyId, policyId).Add(x => x.CanEdit, false));

        members.WaitForAssertion(() => Assert.Contains(target.UserName, members.Find("table[aria-label='Members with this policy']").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(members.FindAll(".member-picker"));
        Assert.Empty(members.FindAll("button[aria-label^='Unassign']"));
    }

    [Fact]
    public async Task ThePoliciesEditorShowsDirectAndGroupPoliciesAndTickingOneAssignsIt()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        var groupId = Guid.NewGuid();
        var viaGroup = Guid.NewGuid();
        var direct = Guid.NewGuid();
        await portal.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "Drivers", CreatedAt = DateTime.UtcNow, Members = [new GroupMember { MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow }] });
            db.Policies.Add(new Policy { Id = viaGroup, OrganizationId = organization.Id, Name = "a-fleet", Groups = [new PolicyGroup { GroupId = groupId }] });
            db.Policies.Add(new Policy { Id = direct, OrganizationId = organization.Id, Name = "b-vpn" });
            return Task.CompletedTask;
        });
        var detail = (await portal.Get<MemberDetailService>().GetAsync(admin.Actor, target.AccountId)).Value!;
        var saved = 0;

        var editor = Render<PoliciesEditor>(p => p.Add(x => x.Actor, admin.Actor).Add(x => x.Member, detail).Add(x => x.Saved, () => saved++));
        editor.WaitForAssertion(() => Assert.Equal(2, editor.FindAll("table[aria-label='Policies'] tbody tr").Count), Wait);
        var rows = editor.FindAll("table[aria-label='Policies'] tbody tr");
        Assert.Equal(["a-fleet", "b-vpn"], rows.Select(r => r.QuerySelector("a")!.TextContent));
        Assert.Equal("Drivers", rows[0].QuerySelectorAll("td")[2].TextContent);
        Assert.False(rows[1].QuerySelector("input")!.HasAttribute("checked"));

        await editor.Find("input[aria-label='Policy b-vpn assigned directly']").ChangeAsync(new ChangeEventArgs { Value = true });

        editor.WaitForAssertion(() => Assert.Equal(1, saved), Wait);
        Assert.True(await portal.Database.QueryAsync(db => db.PolicyMembers.AnyAsync(p => p.PolicyId == direct && p.MembershipId == target.MembershipId)));
    }

    [Fact]
    public async Task ThePoliciesListShowsAnotherAdminsNewPolicyLive()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<PoliciesPage>();
        page.WaitForAssertion(() => Assert.Contains("No policies yet.", page.Markup, StringComparison.Ordinal), Wait);

        await portal.Get<PolicyService>().CreateAsync(other.Actor, "Night access", "After 22:00");

        page.WaitForAssertion(() => Assert.Contains("Night access", page.Find("table[aria-label='Policies']").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task APolicyPageSaysSoWhenAnotherAdminDeletesThePolicy()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var id = (await portal.Get<PolicyService>().CreateAsync(admin.Actor, "Temporary", "")).Value;
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<PolicyPage>(p => p.Add(x => x.PolicyId, id));
        page.WaitForAssertion(() => Assert.Equal("Temporary", page.Find("h1").TextContent), Wait);

        await portal.Get<PolicyService>().DeleteAsync(other.Actor, id);

        page.WaitForAssertion(() => Assert.Equal($"{other.UserName} deleted this policy just now.", page.Find(".form-alert").TextContent), Wait);
        Assert.Empty(page.FindAll("h1"));
    }

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalAsync(MemberRank rank = MemberRank.Super)
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, rank);
        return (portal, organization, admin);
    }
}
