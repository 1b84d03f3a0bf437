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
}
