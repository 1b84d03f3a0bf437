using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Policies;

public sealed class PolicyServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private PolicyService Service => portal.Get<PolicyService>();
    private GroupService Groups => portal.Get<GroupService>();
    private MemberAccessService Access => portal.Get<MemberAccessService>();

    [Fact]
    public async Task APolicyIsCreatedRenamedDescribedAndListedWithOneAdminRecordPerChange()
    {
        var (organization, admin) = await SetUpAsync();

        var id = (await Service.CreateAsync(admin.Actor, " VPN access ", "Remote staff")).Value;
        Assert.True((await Service.UpdateAsync(admin.Actor, id, "VPN", "Remote staff")).Value);
        Assert.True((await Service.UpdateAsync(admin.Actor, id, "VPN", "Remote and travelling staff")).Value);
        Assert.False((await Service.UpdateAsync(admin.Actor, id, "VPN", "Remote and travelling staff")).Value);

        var listed = Assert.Single((await Service.ListAsync(admin.Actor)).Value!);
        Assert.Equal(("VPN", "Remote and travelling staff", 0, 0), (listed.Name, listed.Description, listed.MemberCount, listed.GroupCount));
        var activity = await Database.ActivityForAsync(organization.Id);
        Assert.Equal(["policy.created", "policy.updated", "policy.updated"], activity.Select(a => a.Verb));
        Assert.All(activity, a => Assert.Equal(ActivityCategory.Admin, a.Category));
        Assert.Contains("\"before\":\"VPN access\"", activity[1].Diff, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("   ", "Name")]
    [InlineData("tab\tname", "Name")]
    public async Task BadNamesAreRefusedOnTheFieldAndNothingIsWritten(string name, string field)
    {
        var (organization, admin) = await SetUpAsync();

        var result = await Service.CreateAsync(admin.Actor, name, "");

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task NamesAndDescriptionsAreBounded()
    {
        var (_, admin) = await SetUpAsync();

        var longName = await Service.CreateAsync(admin.Actor, new string('n', Policy.NameMaxLength + 1), "");
        var longDescription = await Service.CreateAsync(admin.Actor, "ok", new string('d', Group.DescriptionMaxLength + 1));

        Assert.Contains("Name", longName.FieldErrors!.Keys);
        Assert.Contains("Description", longDescription.FieldErrors!.Keys);
        Assert.True((await Service.CreateAsync(admin.Actor, new string('n', Policy.NameMaxLength), "")).Succeeded);
    }

    [Fact]
    public async Task PolicyNamesAreUniqueIgnoringCaseWithinAnOrganizationOnly()
    {
        var (_, admin) = await SetUpAsync();
        var (_, otherAdmin) = await SetUpAsync();
        await Service.CreateAsync(admin.Actor, "Badge access", "");
        var second = (await Service.CreateAsync(admin.Actor, "Parking", "")).Value;

        Assert.Equal("There is already a policy called 'BADGE ACCESS'.", (await Service.CreateAsync(admin.Actor, "BADGE ACCESS", "")).Message);
        Assert.Equal("There is already a policy called 'badge access'.", (await Service.UpdateAsync(admin.Actor, second, "badge access", "")).Message);
        Assert.True((await Service.CreateAsync(otherAdmin.Actor, "Badge access", "")).Succeeded);
    }

    [Fact]
    public async Task ChangingPoliciesTakesManageGroupsWhileSeeingThemTakesViewUsers()
    {
        var (organization, admin) = await SetUpAsync();
        var viewer = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var manager = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups]);
        var stranger = await Database.AddMemberAsync(organization.Id);
        var id = (await Service.CreateAsync(admin.Actor, "Lab", "")).Value;

        Assert.Equal(OperationStatus.Forbidden, (await Service.CreateAsync(viewer.Actor, "Other", "")).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.UpdateAsync(viewer.Actor, id, "Renamed", "")).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.DeleteAsync(viewer.Actor, id)).Status);
        var seen = (await Service.GetAsync(viewer.Actor, id)).Value!;
        Assert.False(seen.CanEdit);
        Assert.Equal(OperationStatus.Forbidden, (await Service.ListAsync(stranger.Actor)).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(stranger.Actor, id)).Status);

        Assert.True((await Service.UpdateAsync(manager.Actor, id, "Lab access", "")).Succeeded);
        Assert.True((await Service.GetAsync(manager.Actor, id)).Value!.CanEdit);
    }

    [Fact]
    public async Task APolicyAssignedToAGroupAndToAMemberShowsOnTheirMemberAccessUntilUnassigned()
    {
        var (organization, admin) = await SetUpAsync();
        var direct = await Database.AddMemberAsync(organization.Id);
        var viaGroup = await Database.AddMemberAsync(organization.Id);
        var groupId = (await Groups.CreateAsync(admin.Actor, "Night shift", "")).Value;
        Assert.True((await Access.SetGroupAsync(admin.Actor, viaGroup.AccountId, groupId, true, null)).Succeeded);
        var id = (await Service.CreateAsync(admin.Actor, "Building B", "")).Value;

        Assert.True((await Service.SetMemberAsync(admin.Actor, id, direct.AccountId, true)).Value);
        Assert.False((await Service.SetMemberAsync(admin.Actor, id, direct.AccountId, true)).Value);
        Assert.True((await Service.SetGroupAsync(admin.Actor, id, groupId, true)).Value);
        Assert.False((await Service.SetGroupAsync(admin.Actor, id, groupId, true)).Value);

        var directRow = Assert.Single((await Access.GetAsync(admin.Actor, direct.AccountId)).Value!.Policies);
        Assert.Equal(("Building B", true, 0), (directRow.Name, directRow.AssignedDirectly, directRow.ThroughGroups.Count));
        var groupRow = Assert.Single((await Access.GetAsync(admin.Actor, viaGroup.AccountId)).Value!.Policies);
        Assert.Equal(("Building B", false, "Night shift"), (groupRow.Name, groupRow.AssignedDirectly, string.Join(",", groupRow.ThroughGroups)));
        var detail = (await Service.GetAsync(admin.Actor, id)).Value!;
        Assert.Equal(1, detail.MemberCount);
        Assert.True(Assert.Single(detail.Groups).Assigned);
        Assert.Equal([direct.UserName], (await Service.ListMembersAsync(admin.Actor, id)).Value!.Select(m => m.UserName));

        Assert.True((await Service.SetMemberAsync(admin.Actor, id, direct.AccountId, false)).Value);
        Assert.True((await Service.SetGroupAsync(admin.Actor, id, groupId, false)).Value);

        Assert.False(Assert.Single((await Access.GetAsync(admin.Actor, direct.AccountId)).Value!.Policies).AssignedDirectly);
        Assert.Empty(Assert.Single((await Access.GetAsync(admin.Actor, viaGroup.AccountId)).Value!.Policies).ThroughGroups);
        var verbs = (await Database.ActivityForAsync(organization.Id)).Select(a => a.Verb).Where(v => v.Contains("policy") && v != "policy.created").ToList();
        Assert.Equal(["member.policy_assigned", "policy.group_assigned", "member.policy_unassigned", "policy.group_unassigned"], verbs);
    }

    [Fact]
    public async Task AssigningToAMemberFollowsTheMemberRulesNotOneselfAndAdminsTakeASuper()
    {
        var (organization, super) = await SetUpAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var otherAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var id = (await Service.CreateAsync(super.Actor, "Server room", "")).Value;

        Assert.Equal(OperationStatus.Forbidden, (await Service.SetMemberAsync(admin.Actor, id, admin.AccountId, true)).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.SetMemberAsync(admin.Actor, id, otherAdmin.AccountId, true)).Status);
        Assert.True((await Service.SetMemberAsync(super.Actor, id, otherAdmin.AccountId, true)).Value);
    }

    [Fact]
    public async Task DeletingAPolicyTakesItsAssignmentsAndLeavesTheMembersAndGroups()
    {
        var (organization, admin) = await SetUpAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        var groupId = (await Groups.CreateAsync(admin.Actor, "Drivers", "")).Value;
        var id = (await Service.CreateAsync(admin.Actor, "Fleet", "")).Value;
        await Service.SetMemberAsync(admin.Actor, id, member.AccountId, true);
        await Service.SetGroupAsync(admin.Actor, id, groupId, true);

        Assert.True((await Service.DeleteAsync(admin.Actor, id)).Value);

        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, id)).Status);
        Assert.Empty((await Service.ListAsync(admin.Actor)).Value!);
        Assert.False(await Database.QueryAsync(db => db.PolicyMembers.AnyAsync(p => p.PolicyId == id)));
        Assert.False(await Database.QueryAsync(db => db.PolicyGroups.AnyAsync(p => p.PolicyId == id)));
        Assert.True(await Database.QueryAsync(db => db.Groups.AnyAsync(g => g.Id == groupId)));
        Assert.True(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.Id == member.MembershipId)));
        var deleted = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("policy.deleted", ActivityCategory.Admin), (deleted.Verb, deleted.Category));
        Assert.Equal(OperationStatus.NotFound, (await Service.DeleteAsync(admin.Actor, id)).Status);
    }

    [Fact]
    public async Task ChangesArePublishedAfterCommitForLivePages()
    {
        var (organization, admin) = await SetUpAsync();
        var notices = new List<ChangeNotice>();
        using var subscription = portal.Get<IChangeNotifier>().Subscribe(organization.Id, n => { lock (notices) { notices.Add(n); } return Task.CompletedTask; });

        var id = (await Service.CreateAsync(admin.Actor, "Visitors", "")).Value;
        await Service.UpdateAsync(admin.Actor, id, "Visitor access", "");
        await Service.CreateAsync(admin.Actor, "visitor ACCESS", "");

        // The in-process notifier hands notices to subscribers before the operation returns; a refused one publishes none.
        lock (notices)
        {
            Assert.Equal(["policy.created", "policy.updated"], notices.Where(n => n.Entity == ChangeEntities.Policy).Select(n => n.Verb));
            Assert.All(notices, n => Assert.Equal(admin.AccountId, n.ActorAccountId));
        }
    }

    [Fact]
    public async Task NothingOfAnotherOrganizationCanBeSeenOrChangedByItsId()
    {
        var (organizationA, adminA) = await SetUpAsync();
        var (organizationB, adminB) = await SetUpAsync();
        var memberA = await Database.AddMemberAsync(organizationA.Id);
        var memberB = await Database.AddMemberAsync(organizationB.Id);
        var policyA = (await Service.CreateAsync(adminA.Actor, "A policy", "")).Value;
        var policyB = (await Service.CreateAsync(adminB.Actor, "B policy", "")).Value;
        var groupB = (await Groups.CreateAsync(adminB.Actor, "B group", "")).Value;
        await Service.SetMemberAsync(adminB.Actor, policyB, memberB.AccountId, true);
        var activityB = (await Database.ActivityForAsync(organizationB.Id)).Count;

        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(adminA.Actor, policyB)).Status);
        Assert.DoesNotContain((await Service.ListAsync(adminA.Actor)).Value!, p => p.Id == policyB);
        Assert.Empty((await Service.ListMembersAsync(adminA.Actor, policyB)).Value!);
        Assert.Equal(OperationStatus.NotFound, (await Service.UpdateAsync(adminA.Actor, policyB, "Taken", "")).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.DeleteAsync(adminA.Actor, policyB)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetGroupAsync(adminA.Actor, policyB, groupB, true)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetGroupAsync(adminA.Actor, policyA, groupB, true)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetMemberAsync(adminA.Actor, policyB, memberA.AccountId, true)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetMemberAsync(adminA.Actor, policyA, memberB.AccountId, true)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetMemberAsync(adminA.Actor, policyB, memberB.AccountId, false)).Status);

        // An actor claiming organization B without being a member of it is refused outright.
        var claimingB = adminA.Actor with { OrganizationId = organizationB.Id };
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(claimingB, policyB)).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.DeleteAsync(claimingB, policyB)).Status);

        var stored = await Database.QueryAsync(db => db.Policies.Include(p => p.Members).SingleAsync(p => p.Id == policyB));
        Assert.Equal(("B policy", 1), (stored.Name, stored.Members.Count));
        Assert.Equal(activityB, (await Database.ActivityForAsync(organizationB.Id)).Count);
        Assert.Empty(await Database.QueryAsync(db => db.PolicyGroups.Where(p => p.GroupId == groupB).ToListAsync()));
    }

    private async Task<(TestOrganization Organization, TestMember Admin)> SetUpAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        return (organization, admin);
    }
}
