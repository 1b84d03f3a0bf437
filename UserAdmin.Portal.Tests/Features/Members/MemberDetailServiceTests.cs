using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberDetailServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberDetailService Service => portal.Get<MemberDetailService>();

    [Fact]
    public async Task TheDetailCarriesTheMemberAndTheirVersions()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id, configure: a => { a.FirstName = "Ada"; a.MustChangePassword = true; });

        var detail = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!;

        Assert.Equal((target.MembershipId, target.UserName, "Ada", true, 1), (detail.MembershipId, detail.UserName, detail.FirstName, detail.MustChangePassword, detail.OrganizationCount));
        Assert.False(string.IsNullOrEmpty(detail.Version));
        Assert.False(string.IsNullOrEmpty(detail.AccountVersion));
    }

    [Fact]
    public async Task AnAdminMayEditARegularMemberButNotChangeRanks()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var can = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.EditProfile));
        Assert.True(can.Allows(MemberAction.ChangeGroups));
        Assert.True(can.Allows(MemberAction.Suspend));
        Assert.True(can.Allows(MemberAction.DeleteAccount));
        Assert.Equal("Only a SUPER admin can change ranks.", can.WhyNot(MemberAction.ChangeRank));
    }

    [Fact]
    public async Task HelpDeskSeesEveryEditorRefusedButPasswords()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);

        var can = (await Service.GetAsync(helpDesk.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.ResetPassword));
        Assert.Equal("You need the manage_users permission for this.", can.WhyNot(MemberAction.EditProfile));
        Assert.Equal("You need the manage_groups permission for this.", can.WhyNot(MemberAction.ChangeGroups));
        Assert.Equal("You need the suspend_users permission for this.", can.WhyNot(MemberAction.Suspend));
    }

    [Fact]
    public async Task AnAccountInAnotherOrganizationKeepsOnlyMembershipActions()
    {
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(elsewhere.Id, target.AccountId);

        var can = (await Service.GetAsync(super.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.ChangeRank));
        Assert.True(can.Allows(MemberAction.Suspend));
        Assert.True(can.Allows(MemberAction.Remove));
        foreach (var action in new[] { MemberAction.EditProfile, MemberAction.ResetPassword, MemberAction.DeleteAccount, MemberAction.Activate })
        {
            Assert.StartsWith("This account also belongs to another organization", can.WhyNot(action), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MembersOfOtherOrganizationsAreNotFoundAndViewingNeedsViewUsers()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var regular = await Database.AddMemberAsync(organization.Id);
        var stranger = await Database.AddMemberAsync(other.Id);

        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, stranger.AccountId)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, Guid.NewGuid())).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(regular.Actor, admin.AccountId)).Status);
        Assert.True((await Service.GetAsync(regular.Actor, regular.AccountId)).Succeeded, "Everyone may see themselves.");
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(stranger.Actor with { OrganizationId = organization.Id }, admin.AccountId)).Status);
    }
}
