using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Groups;

public sealed class GroupServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private GroupService Service => portal.Get<GroupService>();
    private ApplicationPermissionService Keys => portal.Get<ApplicationPermissionService>();

    [Fact]
    public async Task AGroupIsCreatedRenamedAndListedWithOneRecordEach()
    {
        var (organization, admin) = await SetUpAsync();

        var id = (await Service.CreateAsync(admin.Actor, " Night shift ", "Works nights")).Value;
        Assert.True((await Service.UpdateAsync(admin.Actor, id, "Night crew", "Works nights")).Value);
        Assert.False((await Service.UpdateAsync(admin.Actor, id, "Night crew", "Works nights")).Value);

        var listed = Assert.Single((await Service.ListAsync(admin.Actor)).Value!);
        Assert.Equal(("Night crew", "Works nights", 0), (listed.Name, listed.Description, listed.MemberCount));
        Assert.Equal(["group.created", "group.updated"], (await Database.ActivityForAsync(organization.Id)).Select(a => a.Verb));
    }

    [Theory]
    [InlineData("", "Name")]
    [InlineData("tab\tname", "Name")]
    public async Task BadNamesAreRefusedOnTheField(string name, string field)
    {
        var (_, admin) = await SetUpAsync();

        var result = await Service.CreateAsync(admin.Actor, name, "");

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
    }

    [Fact]
    public async Task GroupNamesAreUniqueIgnoringCaseWithinAnOrganizationOnly()
    {
        var (_, admin) = await SetUpAsync();
        var (_, otherAdmin) = await SetUpAsync();
        await Service.CreateAsync(admin.Actor, "Auditors", "");

        Assert.Equal("There is already a group called 'AUDITORS'.", (await Service.CreateAsync(admin.Actor, "AUDITORS", "")).Message);
        Assert.True((await Service.CreateAsync(otherAdmin.Actor, "Auditors", "")).Succeeded);
    }

    [Fact]
    public async Task PermissionsAreSetAsAWholeButNobodyGrantsWhatTheyDoNotHold()
    {
        var (organization, admin) = await SetUpAsync();
        var manager = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups]);
        await Keys.AddAsync(admin.Actor, "create_sample", "Create samples");
        var id = (await Service.CreateAsync(admin.Actor, "Lab", "")).Value;

        // An ADMIN holds the portal's permissions, but an application permission only through a group; a SUPER holds all.
        var notHeld = await Service.SetPermissionsAsync(admin.Actor, id, ["create_sample", PortalPermissions.ResetPasswords]);
        Assert.Equal((OperationStatus.Forbidden, "You cannot grant create_sample: you do not hold it yourself."), (notHeld.Status, notHeld.Message));
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        Assert.True((await Service.SetPermissionsAsync(super.Actor, id, ["create_sample", PortalPermissions.ResetPasswords])).Value);
        Assert.Equal(["create_sample", "reset_passwords"], (await Service.GetAsync(admin.Actor, id)).Value!.Permissions.Order());

        var escalation = await Service.SetPermissionsAsync(manager.Actor, id, ["create_sample", PortalPermissions.ResetPasswords, PortalPermissions.ManageUsers]);
        Assert.Equal((OperationStatus.Forbidden, "You cannot grant manage_users: you do not hold it yourself."), (escalation.Status, escalation.Message));

        // Taking away is not granting.
        Assert.True((await Service.SetPermissionsAsync(manager.Actor, id, [PortalPermissions.ResetPasswords])).Value);
        Assert.Equal("'no_such_key' is not a permission of this organization.", (await Service.SetPermissionsAsync(admin.Actor, id, ["no_such_key"])).Message);
    }

    [Fact]
    public async Task DeletingAPrimaryGroupAsksFirstThenClearsOrMovesThePrimaryGroup()
    {
        var (organization, admin) = await SetUpAsync();
        var alice = await Database.AddMemberAsync(organization.Id);
        var bob = await Database.AddMemberAsync(organization.Id);
        var doomed = (await Service.CreateAsync(admin.Actor, "Doomed", "")).Value;
        var next = (await Service.CreateAsync(admin.Actor, "Next", "")).Value;
        foreach (var member in new[] { alice, bob })
        {
            await Database.ExecuteAsync(async db =>
            {
                db.GroupMembers.Add(new GroupMember { GroupId = doomed, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
                await db.SaveChangesAsync();
                await db.Memberships.Where(m => m.Id == member.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.PrimaryGroupId, doomed));
            });
        }

        var unanswered = await Service.DeleteAsync(admin.Actor, doomed, null);
        Assert.Equal(OperationStatus.Conflict, unanswered.Status);
        Assert.True(await Database.QueryAsync(db => db.Groups.AnyAsync(g => g.Id == doomed)));

        Assert.True((await Service.DeleteAsync(admin.Actor, doomed, new PrimaryGroupChoice(next))).Value);

        Assert.False(await Database.QueryAsync(db => db.Groups.AnyAsync(g => g.Id == doomed)));
        var memberships = await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == alice.MembershipId || m.Id == bob.MembershipId).ToListAsync());
        Assert.All(memberships, m => Assert.Equal(next, m.PrimaryGroupId));
        Assert.Equal(2, await Database.QueryAsync(db => db.GroupMembers.CountAsync(g => g.GroupId == next)));
    }

    [Fact]
    public async Task DeletingWithClearLeavesNoPrimaryGroupAndNoDanglingReference()
    {
        var (organization, admin) = await SetUpAsync();
        var alice = await Database.AddMemberAsync(organization.Id);
        var doomed = (await Service.CreateAsync(admin.Actor, "Doomed", "")).Value;
        await Database.ExecuteAsync(async db =>
        {
            db.GroupMembers.Add(new GroupMember { GroupId = doomed, MembershipId = alice.MembershipId, AddedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            await db.Memberships.Where(m => m.Id == alice.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.PrimaryGroupId, doomed));
        });

        Assert.True((await Service.DeleteAsync(admin.Actor, doomed, new PrimaryGroupChoice(null))).Value);

        Assert.Null(await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == alice.MembershipId).Select(m => m.PrimaryGroupId).SingleAsync()));
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == doomed)));
    }

    [Fact]
    public async Task MembersAreListedByUsernameAPageAtATimeAndByPrefix()
    {
        var (organization, admin) = await SetUpAsync();
        var id = (await Service.CreateAsync(admin.Actor, "Many", "")).Value;
        var members = new List<TestMember>();
        for (var i = 0; i < 5; i++)
        {
            var member = await Database.AddMemberAsync(organization.Id);
            members.Add(member);
            await Database.ExecuteAsync(db => Task.FromResult(db.GroupMembers.Add(new GroupMember { GroupId = id, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow })));
        }

        var ordered = members.Select(m => m.UserName).Order(StringComparer.Ordinal).ToList();
        var first = (await Service.ListMembersAsync(admin.Actor, id, pageSize: 3)).Value!;
        var second = (await Service.ListMembersAsync(admin.Actor, id, after: first[^1].UserName, pageSize: 3)).Value!;

        Assert.Equal(ordered, first.Concat(second).Select(m => m.UserName));
        Assert.Equal([ordered[2]], (await Service.ListMembersAsync(admin.Actor, id, prefix: ordered[2].ToUpperInvariant())).Value!.Select(m => m.UserName));
    }

    [Fact]
    public async Task AnotherOrganizationsGroupIsNeitherSeenNorChanged()
    {
        var (_, admin) = await SetUpAsync();
        var (_, otherAdmin) = await SetUpAsync();
        var theirs = (await Service.CreateAsync(otherAdmin.Actor, "Theirs", "")).Value;

        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, theirs)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.UpdateAsync(admin.Actor, theirs, "Mine", "")).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetPermissionsAsync(admin.Actor, theirs, [])).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.DeleteAsync(admin.Actor, theirs, new PrimaryGroupChoice(null))).Status);
        Assert.Empty((await Service.ListMembersAsync(admin.Actor, theirs)).Value!);
        Assert.DoesNotContain((await Service.ListAsync(admin.Actor)).Value!, g => g.Id == theirs);
    }

    [Fact]
    public async Task WithoutManageGroupsNothingChanges()
    {
        var (organization, admin) = await SetUpAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var id = (await Service.CreateAsync(admin.Actor, "Locked", "")).Value;

        Assert.Equal(OperationStatus.Forbidden, (await Service.CreateAsync(helpDesk.Actor, "Mine", "")).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.UpdateAsync(helpDesk.Actor, id, "Mine", "")).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.DeleteAsync(helpDesk.Actor, id, null)).Status);
        var detail = (await Service.GetAsync(helpDesk.Actor, id)).Value!;
        Assert.Equal((false, "You need the manage_groups permission to change groups."), (detail.CanEdit, detail.WhyNot));
    }

    [Fact]
    public async Task ApplicationPermissionsAreValidatedAndRemovingOneTakesItFromEveryGroup()
    {
        var (organization, admin) = await SetUpAsync();
        Assert.Contains("Key", (await Keys.AddAsync(admin.Actor, "Bad-Key", "")).FieldErrors!.Keys);
        Assert.Equal(["'view_users' is one of the portal's own permissions."], (await Keys.AddAsync(admin.Actor, "view_users", "")).FieldErrors!["Key"]);
        Assert.True((await Keys.AddAsync(admin.Actor, "create_sample", "Create samples")).Value);
        Assert.Equal(OperationStatus.Invalid, (await Keys.AddAsync(admin.Actor, "create_sample", "again")).Status);
        var a = (await Service.CreateAsync(admin.Actor, "A", "")).Value;
        var b = (await Service.CreateAsync(admin.Actor, "B", "")).Value;
        // Granting an application permission takes a SUPER (or someone whose groups give it).
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        Assert.True((await Service.SetPermissionsAsync(super.Actor, a, ["create_sample", PortalPermissions.ViewUsers])).Value);
        Assert.True((await Service.SetPermissionsAsync(super.Actor, b, ["create_sample"])).Value);
        Assert.Equal(2, Assert.Single((await Keys.ListAsync(admin.Actor)).Value!).GroupCount);

        Assert.Equal(2, (await Keys.RemoveAsync(admin.Actor, "create_sample")).Value);

        Assert.Empty((await Keys.ListAsync(admin.Actor)).Value!);
        Assert.Equal([PortalPermissions.ViewUsers], (await Service.GetAsync(admin.Actor, a)).Value!.Permissions);
        Assert.Empty((await Service.GetAsync(admin.Actor, b)).Value!.Permissions);
        Assert.Contains(await Database.ActivityForAsync(organization.Id), r => r.Verb == "application_permission.removed");
    }

    private async Task<(TestOrganization, TestMember)> SetUpAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        return (organization, await Database.AddMemberAsync(organization.Id, MemberRank.Admin));
    }
}
