using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Shared;

public sealed class ActingMemberLoaderTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private IDbContextFactory<PortalDbContext> Factory => portal.Get<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task AStandingForReadingIsTheSameAsAFreshOne()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ResetPasswords]);
        var stranger = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);

        await using var db = await Factory.CreateDbContextAsync();
        var fresh = await ActingMemberLoader.LoadAsync(db, helpDesk.AccountId, organization.Id);
        foreach (var reading in new[] { await ActingMemberLoader.LoadForReadingAsync(Factory, helpDesk.AccountId, organization.Id), await ActingMemberLoader.LoadForReadingAsync(db, helpDesk.AccountId, organization.Id) })
        {
            Assert.NotNull(reading);
            Assert.Equal((fresh!.MembershipId, fresh.Rank), (reading.MembershipId, reading.Rank));
            Assert.True(reading.Has(PortalPermissions.ResetPasswords));
            Assert.False(reading.Has(PortalPermissions.ManageUsers));
        }

        Assert.Null(await ActingMemberLoader.LoadForReadingAsync(Factory, stranger.AccountId, organization.Id));
    }

    [Fact]
    public async Task ASuspensionThatCommitsIsSeenByTheVeryNextRead()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        Assert.NotNull(await ActingMemberLoader.LoadForReadingAsync(Factory, admin.AccountId, organization.Id));

        var suspended = await portal.Get<MemberStatusService>().SetSuspendedAsync(super.Actor, admin.AccountId, suspended: true);

        Assert.True(suspended.Succeeded, suspended.Message);
        Assert.Null(await ActingMemberLoader.LoadForReadingAsync(Factory, admin.AccountId, organization.Id));
    }

    [Fact]
    public async Task ADemotionThatCommitsTakesAwayWhatTheNextReadAllows()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        Assert.True((await ActingMemberLoader.LoadForReadingAsync(Factory, helpDesk.AccountId, organization.Id))!.Has(PortalPermissions.ViewUsers));

        // The help-desk member's group loses view_users through the group service (a committed change).
        var groupId = await Database.QueryAsync(db => db.GroupMembers.Where(gm => gm.MembershipId == helpDesk.MembershipId).Select(gm => gm.GroupId).SingleAsync());
        var changed = await portal.Get<UserAdmin.Portal.Features.Groups.GroupService>().SetPermissionsAsync(super.Actor, groupId, []);

        Assert.True(changed.Succeeded, changed.Message);
        Assert.False((await ActingMemberLoader.LoadForReadingAsync(Factory, helpDesk.AccountId, organization.Id))!.Has(PortalPermissions.ViewUsers));
    }

    [Fact]
    public async Task PermissionsOfEveryGroupAddUpAndAMemberOfNoGroupHoldsNone()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ResetPasswords]);
        var plain = await Database.AddMemberAsync(organization.Id);
        await Database.ExecuteAsync(async db =>
        {
            // A second group repeats one permission and adds another.
            var group = new Group
            {
                Id = Guid.NewGuid(),
                OrganizationId = organization.Id,
                Name = TestData.UniqueName("second"),
                CreatedAt = DateTime.UtcNow,
                Permissions = [new GroupPermission { Permission = PortalPermissions.ViewUsers }, new GroupPermission { Permission = PortalPermissions.ManageGroups }],
            };
            db.Groups.Add(group);
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });

        await using var db = await Factory.CreateDbContextAsync();
        var standing = await ActingMemberLoader.LoadAsync(db, member.AccountId, organization.Id);
        var none = await ActingMemberLoader.LoadAsync(db, plain.AccountId, organization.Id);

        Assert.Equal((member.MembershipId, MemberRank.Regular, member.UserName), (standing!.MembershipId, standing.Rank, standing.UserName));
        Assert.All(new[] { PortalPermissions.ViewUsers, PortalPermissions.ResetPasswords, PortalPermissions.ManageGroups }, p => Assert.True(standing.Has(p), p));
        Assert.False(standing.Has(PortalPermissions.ManageUsers));
        Assert.Equal((plain.MembershipId, MemberRank.Regular), (none!.MembershipId, none.Rank));
        Assert.DoesNotContain(PortalPermissions.All, none.Has);
    }

    [Fact]
    public async Task InsideATransactionTheStandingIsReadAsTheTransactionSeesIt()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var locked = await Database.AddMemberAsync(organization.Id, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(5));
        var pending = await Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        var suspended = await Database.AddMemberAsync(organization.Id, suspended: true);

        await using var db = await Factory.CreateDbContextAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            // Uncommitted: only this transaction sees the admin suspended.
            await db.Memberships.Where(m => m.Id == admin.MembershipId).ExecuteUpdateAsync(u => u.SetProperty(m => m.IsSuspended, true));
            Assert.Null(await ActingMemberLoader.LoadAsync(db, admin.AccountId, organization.Id));
        }

        Assert.NotNull(await ActingMemberLoader.LoadAsync(db, admin.AccountId, organization.Id));
        foreach (var refused in new[] { locked, pending, suspended })
        {
            Assert.Null(await ActingMemberLoader.LoadAsync(db, refused.AccountId, organization.Id));
        }
    }
}
