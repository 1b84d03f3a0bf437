using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberAccessServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberAccessService Service => portal.Get<MemberAccessService>();

    [Fact]
    public async Task EffectivePermissionsAreTheUnionOfGroupsWithWhoGrantsEach()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var helpDesk = await AddGroupAsync(organization.Id, "Help desk", [.. PortalPermissions.HelpDesk]);
        var samples = await AddGroupAsync(organization.Id, "Samples", ["create_sample", PortalPermissions.ViewUsers]);
        await Database.ExecuteAsync(db =>
        {
            db.ApplicationPermissions.Add(new ApplicationPermission { OrganizationId = organization.Id, Key = "create_sample", Description = "Create samples" });
            db.GroupMembers.AddRange(
                new GroupMember { GroupId = helpDesk, MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow },
                new GroupMember { GroupId = samples, MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });

        var access = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!;

        Assert.Equal(["reset_passwords", "view_activity", "view_users", "create_sample"], access.Permissions.Select(p => p.Key));
        Assert.Equal(["Help desk", "Samples"], access.Permissions.Single(p => p.Key == "view_users").GrantedBy);
        var application = access.Permissions.Single(p => p.Key == "create_sample");
        Assert.Equal((false, "Create samples", false), (application.IsPortal, application.Description, application.ByRank));
        Assert.All(access.Groups, g => Assert.True(g.IsMember));
    }

    [Fact]
    public async Task AdminsHoldEveryPortalPermissionByRank()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var access = (await Service.GetAsync(super.Actor, admin.AccountId)).Value!;

        Assert.Equal(PortalPermissions.All.Order(StringComparer.Ordinal), access.Permissions.Select(p => p.Key));
        Assert.All(access.Permissions, p => Assert.True(p.ByRank));
    }

    [Fact]
    public async Task AddingAndRemovingAGroupKeepsThePrimaryGroupConsistent()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var group = await AddGroupAsync(organization.Id, TestData.UniqueName("g"), []);

        Assert.True((await Service.SetGroupAsync(admin.Actor, target.AccountId, group, true, await VersionAsync(target))).Value);
        Assert.False((await Service.SetGroupAsync(admin.Actor, target.AccountId, group, true, await VersionAsync(target))).Value);
        Assert.True((await Service.SetPrimaryGroupAsync(admin.Actor, target.AccountId, group, await VersionAsync(target))).Value);
        Assert.Equal(group, (await MembershipAsync(target)).PrimaryGroupId);

        Assert.True((await Service.SetGroupAsync(admin.Actor, target.AccountId, group, false, await VersionAsync(target))).Value);

        Assert.Null((await MembershipAsync(target)).PrimaryGroupId);
        Assert.Equal(["member.group_added", "member.primary_group_changed", "member.group_removed"], (await Database.ActivityForAsync(organization.Id)).Select(a => a.Verb));
    }

    [Fact]
    public async Task ThePrimaryGroupMustBeOneOfTheMembersGroups()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var group = await AddGroupAsync(organization.Id, TestData.UniqueName("g"), []);

        var result = await Service.SetPrimaryGroupAsync(admin.Actor, target.AccountId, group, await VersionAsync(target));

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Null((await MembershipAsync(target)).PrimaryGroupId);
    }

    [Fact]
    public async Task AGroupOfAnotherOrganizationIsNotFound()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var foreign = await AddGroupAsync(other.Id, TestData.UniqueName("g"), []);

        var result = await Service.SetGroupAsync(admin.Actor, target.AccountId, foreign, true, await VersionAsync(target));

        Assert.Equal(OperationStatus.NotFound, result.Status);
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == foreign)));
    }

    [Fact]
    public async Task NobodyGrantsAPermissionTheyDoNotHold()
    {
        var organization = await Database.AddOrganizationAsync();
        var groupManager = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups]);
        var target = await Database.AddMemberAsync(organization.Id);
        var powerful = await AddGroupAsync(organization.Id, "Powerful", [PortalPermissions.ManageUsers]);
        var harmless = await AddGroupAsync(organization.Id, "Viewers", [PortalPermissions.ViewUsers]);

        var refused = await Service.SetGroupAsync(groupManager.Actor, target.AccountId, powerful, true, await VersionAsync(target));
        var allowed = await Service.SetGroupAsync(groupManager.Actor, target.AccountId, harmless, true, await VersionAsync(target));

        Assert.Equal((OperationStatus.Forbidden, "The group Powerful grants manage_users, which you do not hold yourself."), (refused.Status, refused.Message));
        Assert.True(allowed.Value);
    }

    [Fact]
    public async Task NobodyChangesTheirOwnGroups()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var group = await AddGroupAsync(organization.Id, TestData.UniqueName("g"), []);

        var result = await Service.SetGroupAsync(admin.Actor, admin.AccountId, group, true, await VersionAsync(admin));

        Assert.Equal("Nobody can change their own group memberships.", result.Message);
    }

    [Fact]
    public async Task HelpDeskCannotChangeGroups()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);
        var group = await AddGroupAsync(organization.Id, TestData.UniqueName("g"), []);

        var result = await Service.SetGroupAsync(helpDesk.Actor, target.AccountId, group, true, await VersionAsync(target));

        Assert.Equal("You need the manage_groups permission for this.", result.Message);
    }

    [Fact]
    public async Task PoliciesAreAssignedDirectlyAndShownThroughGroups()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var group = await AddGroupAsync(organization.Id, "Lab", []);
        var direct = Guid.NewGuid();
        var viaGroup = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.GroupMembers.Add(new GroupMember { GroupId = group, MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow });
            db.Policies.Add(new Policy { Id = direct, OrganizationId = organization.Id, Name = "a-direct" });
            db.Policies.Add(new Policy { Id = viaGroup, OrganizationId = organization.Id, Name = "b-lab", Groups = [new PolicyGroup { GroupId = group }] });
            return Task.CompletedTask;
        });

        Assert.True((await Service.SetPolicyAsync(admin.Actor, target.AccountId, direct, true, await VersionAsync(target))).Value);
        var access = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!;

        Assert.Equal([("a-direct", true, ""), ("b-lab", false, "Lab")], access.Policies.Select(p => (p.Name, p.AssignedDirectly, string.Join(",", p.ThroughGroups))));
        Assert.True((await Service.SetPolicyAsync(admin.Actor, target.AccountId, direct, false, await VersionAsync(target))).Value);
        Assert.Equal(["member.policy_assigned", "member.policy_unassigned"], (await Database.ActivityForAsync(organization.Id)).Select(a => a.Verb));
    }

    private async Task<Guid> AddGroupAsync(Guid organizationId, string name, string[] permissions)
    {
        var id = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = id, OrganizationId = organizationId, Name = name, CreatedAt = DateTime.UtcNow, Permissions = permissions.Select(p => new GroupPermission { Permission = p }).ToList() });
            return Task.CompletedTask;
        });
        return id;
    }

    private Task<Membership> MembershipAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.AsNoTracking().SingleAsync(m => m.Id == member.MembershipId));

    private async Task<string> VersionAsync(TestMember member) => (await MembershipAsync(member)).Version;
}
