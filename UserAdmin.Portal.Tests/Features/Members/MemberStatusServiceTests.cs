using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberStatusServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberStatusService Service => portal.Get<MemberStatusService>();

    [Fact]
    public async Task SuspendingAMemberWritesOneRecordAndEndsTheirSessions()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await MembershipAsync(target);
        var stampBefore = await SecurityStampAsync(target);
        var published = new List<ChangeNotice>();
        using var subscription = portal.Get<IChangeNotifier>().Subscribe(organization.Id, n => { published.Add(n); return Task.CompletedTask; });

        var result = await Service.SetSuspendedAsync(super.Actor, target.AccountId, suspended: true, before.Version);

        Assert.True(result.Succeeded);
        Assert.True(result.Value);
        var after = await MembershipAsync(target);
        Assert.True(after.IsSuspended);
        Assert.NotNull(after.SuspendedAt);
        Assert.NotEqual(before.Version, after.Version);
        Assert.NotEqual(stampBefore, await SecurityStampAsync(target));

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.suspended", record.Verb);
        Assert.Equal($"{super.UserName} suspended {target.UserName}", record.Title);
        Assert.Equal(ActivityCategory.Admin, record.Category);
        Assert.Equal(super.AccountId, record.ActorAccountId);
        Assert.Equal(target.AccountId, record.TargetAccountId);
        Assert.Equal(target.UserName, record.TargetName);
        AssertDiff(record.Diff, before: false, after: true);

        var notice = Assert.Single(published);
        Assert.Equal((ChangeEntities.Member, target.AccountId.ToString(), "member.suspended", record.Id),
            (notice.Entity, notice.EntityId, notice.Verb, notice.ActivityId));
    }

    [Fact]
    public async Task UnsuspendingAMemberWritesOneRecordAndClearsTheSuspensionTime()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id, suspended: true);

        var result = await Service.SetSuspendedAsync(admin.Actor, target.AccountId, suspended: false);

        Assert.True(result.Value);
        var after = await MembershipAsync(target);
        Assert.False(after.IsSuspended);
        Assert.Null(after.SuspendedAt);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.unsuspended", record.Verb);
        Assert.Equal($"{admin.UserName} unsuspended {target.UserName}", record.Title);
        AssertDiff(record.Diff, before: true, after: false);
    }

    [Fact]
    public async Task SuspendingAnAlreadySuspendedMemberChangesAndRecordsNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id, suspended: true);
        var before = await MembershipAsync(target);

        var result = await Service.SetSuspendedAsync(admin.Actor, target.AccountId, suspended: true);

        Assert.True(result.Succeeded);
        Assert.False(result.Value);
        Assert.Equal(before.Version, (await MembershipAsync(target)).Version);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task TheLastSuperCannotSuspendThemself()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var before = await MembershipAsync(super);
        var stampBefore = await SecurityStampAsync(super);

        var result = await Service.SetSuspendedAsync(super.Actor, super.AccountId, suspended: true);

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        await AssertNothingChangedAsync(organization, super, before, stampBefore);
    }

    [Fact]
    public async Task AnAdminCannotSuspendAnotherAdmin()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var otherAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var before = await MembershipAsync(otherAdmin);
        var stampBefore = await SecurityStampAsync(otherAdmin);

        var result = await Service.SetSuspendedAsync(admin.Actor, otherAdmin.AccountId, suspended: true);

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        Assert.Equal("Only a SUPER admin can act on ADMIN or SUPER members.", result.Message);
        await AssertNothingChangedAsync(organization, otherAdmin, before, stampBefore);
    }

    [Fact]
    public async Task ASuperCanSuspendAnotherSuper()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var otherSuper = await Database.AddMemberAsync(organization.Id, MemberRank.Super);

        var result = await Service.SetSuspendedAsync(super.Actor, otherSuper.AccountId, suspended: true);

        Assert.True(result.Value);
    }

    [Fact]
    public async Task AHelpDeskMemberMayNotSuspend()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await MembershipAsync(target);
        var stampBefore = await SecurityStampAsync(target);

        var result = await Service.SetSuspendedAsync(helpDesk.Actor, target.AccountId, suspended: true);

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        await AssertNothingChangedAsync(organization, target, before, stampBefore);
    }

    [Fact]
    public async Task ASaveBasedOnAStaleVersionIsAConflict()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var seenByFirstAdmin = (await MembershipAsync(target)).Version;
        Assert.True((await Service.SetSuspendedAsync(admin.Actor, target.AccountId, suspended: true)).Value);

        var result = await Service.SetSuspendedAsync(admin.Actor, target.AccountId, suspended: false, seenByFirstAdmin);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.True((await MembershipAsync(target)).IsSuspended);
        Assert.Single(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AMemberOfAnotherOrganizationIsNotFound()
    {
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var stranger = await Database.AddMemberAsync(elsewhere.Id);
        var before = await MembershipAsync(stranger);
        var stampBefore = await SecurityStampAsync(stranger);

        var result = await Service.SetSuspendedAsync(super.Actor, stranger.AccountId, suspended: true);

        Assert.Equal(OperationStatus.NotFound, result.Status);
        await AssertNothingChangedAsync(elsewhere, stranger, before, stampBefore);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task TheLastActiveSuperIsKnownAsSuch()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        await Database.AddMemberAsync(organization.Id, MemberRank.Super, suspended: true);
        await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var elsewhere = await Database.AddOrganizationAsync();
        await Database.AddMemberAsync(elsewhere.Id, MemberRank.Super);

        Assert.True(await IsLastSuperAsync(super));

        var secondSuper = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        Assert.False(await IsLastSuperAsync(super));
        Assert.False(await IsLastSuperAsync(secondSuper));
    }

    private async Task<bool> IsLastSuperAsync(TestMember member)
    {
        await using var db = Database.CreateContext();
        var membership = await db.Memberships.SingleAsync(m => m.Id == member.MembershipId);
        return (await MemberTargets.DescribeAsync(db, membership)).IsLastSuper;
    }

    private static void AssertDiff(string? diff, bool before, bool after)
    {
        Assert.NotNull(diff);
        using var json = JsonDocument.Parse(diff);
        var suspended = json.RootElement.GetProperty("suspended");
        Assert.Equal(before, suspended.GetProperty("before").GetBoolean());
        Assert.Equal(after, suspended.GetProperty("after").GetBoolean());
        Assert.Single(json.RootElement.EnumerateObject());
    }

    private async Task AssertNothingChangedAsync(TestOrganization organization, TestMember target, Membership before, string? stampBefore)
    {
        var after = await MembershipAsync(target);
        Assert.Equal((before.IsSuspended, before.SuspendedAt, before.Version), (after.IsSuspended, after.SuspendedAt, after.Version));
        Assert.Equal(stampBefore, await SecurityStampAsync(target));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    private Task<Membership> MembershipAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.AsNoTracking().SingleAsync(m => m.Id == member.MembershipId));

    private Task<string?> SecurityStampAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.SecurityStamp).SingleAsync());
}
