using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberStandingServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberStandingService Service => portal.Get<MemberStandingService>();

    [Fact]
    public async Task ASuperPromotesARegularMemberToAdminWithOneSecurityRecord()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);
        var version = await VersionAsync(target);

        var result = await Service.SetRankAsync(super.Actor, target.AccountId, MemberRank.Admin, version);

        Assert.True(result.Value);
        Assert.Equal(MemberRank.Admin, (await MembershipAsync(target)).Rank);
        Assert.NotEqual(version, await VersionAsync(target));
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.rank_changed", ActivityCategory.Security), (record.Verb, record.Category));
        Assert.Equal($"{super.UserName} changed {target.UserName}'s rank from REGULAR to ADMIN", record.Title);
    }

    [Theory]
    [InlineData(MemberRank.Admin, MemberRank.Regular, MemberRank.Admin, "Only a SUPER admin can change ranks.")]
    [InlineData(MemberRank.Admin, MemberRank.Regular, MemberRank.Super, "Only a SUPER admin can change ranks.")]
    [InlineData(MemberRank.Regular, MemberRank.Regular, MemberRank.Admin, "Only a SUPER admin can change ranks.")]
    public async Task OnlyASuperChangesRanks(MemberRank actorRank, MemberRank targetRank, MemberRank wanted, string reason)
    {
        var organization = await Database.AddOrganizationAsync();
        var actor = await Database.AddMemberAsync(organization.Id, actorRank, permissions: actorRank == MemberRank.Regular ? PortalPermissions.All : null);
        var target = await Database.AddMemberAsync(organization.Id, targetRank);

        var result = await Service.SetRankAsync(actor.Actor, target.AccountId, wanted, await VersionAsync(target));

        Assert.Equal((OperationStatus.Forbidden, reason), (result.Status, result.Message));
        Assert.Equal(targetRank, (await MembershipAsync(target)).Rank);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task NobodyChangesTheirOwnRank()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        await Database.AddMemberAsync(organization.Id, MemberRank.Super);

        var result = await Service.SetRankAsync(super.Actor, super.AccountId, MemberRank.Regular, await VersionAsync(super));

        Assert.Equal("Nobody can change their own rank.", result.Message);
    }

    [Fact]
    public async Task TheLastSuperCannotBeDemotedButCanOnceThereIsAnother()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var other = await Database.AddMemberAsync(organization.Id, MemberRank.Super, suspended: true);

        // A suspended SUPER is not the last active one, so it can be demoted.
        var demoted = await Service.SetRankAsync(super.Actor, other.AccountId, MemberRank.Admin, await VersionAsync(other));
        Assert.True(demoted.Value);

        var second = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var allowed = await Service.SetRankAsync(second.Actor, super.AccountId, MemberRank.Regular, await VersionAsync(super));
        Assert.True(allowed.Value, "Two active SUPERs: either may demote the other.");

        var last = await Service.SetRankAsync(super.Actor, second.AccountId, MemberRank.Regular, await VersionAsync(second));
        Assert.Equal(OperationStatus.Forbidden, last.Status);
    }

    [Fact]
    public async Task AStaleVersionIsRefusedAndNothingChanges()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.SetRankAsync(super.Actor, target.AccountId, MemberRank.Admin, "stale");

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Equal(MemberRank.Regular, (await MembershipAsync(target)).Rank);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AnUndefinedRankIsInvalid()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.SetRankAsync(super.Actor, target.AccountId, (MemberRank)7, await VersionAsync(target));

        Assert.Equal(OperationStatus.Invalid, result.Status);
    }

    [Fact]
    public async Task AMemberOfAnotherOrganizationIsNotFound()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var stranger = await Database.AddMemberAsync(other.Id);

        Assert.Equal(OperationStatus.NotFound, (await Service.SetRankAsync(super.Actor, stranger.AccountId, MemberRank.Admin, await VersionAsync(stranger))).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.RemoveAsync(super.Actor, stranger.AccountId, await VersionAsync(stranger))).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.PromoteGuestAsync(super.Actor, stranger.AccountId, await VersionAsync(stranger))).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.DeleteAccountAsync(portal.Proven(super), stranger.AccountId, await AccountVersionAsync(stranger))).Status);
        Assert.NotNull(await Database.QueryAsync(db => db.Users.SingleOrDefaultAsync(a => a.Id == stranger.AccountId)));
    }

    [Fact]
    public async Task AnAdminPromotesAGuestToUser()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var guest = await Database.AddMemberAsync(organization.Id);
        await Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == guest.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));

        var result = await Service.PromoteGuestAsync(admin.Actor, guest.AccountId, await VersionAsync(guest));

        Assert.True(result.Value);
        Assert.Equal(MemberTag.User, (await MembershipAsync(guest)).Tag);
        Assert.Equal("member.promoted", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
        Assert.False((await Service.PromoteGuestAsync(admin.Actor, guest.AccountId, await VersionAsync(guest))).Value);
    }

    [Fact]
    public async Task RemovingAMemberKeepsTheAccountAndTakesTheirGroupsAndOwnPolicies()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var colleague = await Database.AddMemberAsync(organization.Id);
        var own = Guid.NewGuid();
        var shared = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Policies.Add(new Policy { Id = own, OrganizationId = organization.Id, Name = TestData.UniqueName("own"), Members = [new PolicyMember { MembershipId = target.MembershipId }] });
            db.Policies.Add(new Policy { Id = shared, OrganizationId = organization.Id, Name = TestData.UniqueName("shared"), Members = [new PolicyMember { MembershipId = target.MembershipId }, new PolicyMember { MembershipId = colleague.MembershipId }] });
            return Task.CompletedTask;
        });
        var countBefore = await MemberCountAsync(organization.Id);

        var result = await Service.RemoveAsync(admin.Actor, target.AccountId, await VersionAsync(target));

        Assert.True(result.Value);
        Assert.Null(await Database.QueryAsync(db => db.Memberships.SingleOrDefaultAsync(m => m.Id == target.MembershipId)));
        Assert.NotNull(await Database.QueryAsync(db => db.Users.SingleOrDefaultAsync(a => a.Id == target.AccountId)));
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.MembershipId == target.MembershipId)));
        Assert.False(await Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == own)));
        Assert.True(await Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == shared)));
        Assert.Equal(countBefore - 1, await MemberCountAsync(organization.Id));
        Assert.Equal("member.removed", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
    }

    [Fact]
    public async Task NobodyRemovesThemselvesOrTheLastSuper()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        Assert.Equal(OperationStatus.Forbidden, (await Service.RemoveAsync(super.Actor, super.AccountId, await VersionAsync(super))).Status);
        Assert.Equal("Only a SUPER admin can act on ADMIN or SUPER members.", (await Service.RemoveAsync(admin.Actor, super.AccountId, await VersionAsync(super))).Message);
        Assert.Equal(2, await MemberCountAsync(organization.Id));
    }

    [Fact]
    public async Task DeletingAnAccountRemovesItFromEveryOrganizationTheActorAdministers()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(first.Id, MemberRank.Super);
        await Database.AddMembershipAsync(second.Id, super.AccountId, MemberRank.Super);
        var target = await Database.AddMemberAsync(first.Id);
        await Database.AddMembershipAsync(second.Id, target.AccountId);
        await Database.ExecuteAsync(db =>
        {
            db.Smartcards.Add(new Smartcard { AccountId = target.AccountId, Number = "12345678" });
            db.CustomProperties.Add(new CustomProperty { AccountId = target.AccountId, Key = "city", Value = "Oslo" });
            return Task.CompletedTask;
        });

        var result = await Service.DeleteAccountAsync(portal.Proven(super), target.AccountId, await AccountVersionAsync(target));

        Assert.True(result.Value);
        Assert.Null(await Database.QueryAsync(db => db.Users.SingleOrDefaultAsync(a => a.Id == target.AccountId)));
        Assert.False(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.AccountId == target.AccountId)));
        Assert.False(await Database.QueryAsync(db => db.Smartcards.AnyAsync(s => s.AccountId == target.AccountId)));
        Assert.Equal((1, 1), (await MemberCountAsync(first.Id), await MemberCountAsync(second.Id)));
        Assert.Equal("member.account_deleted", Assert.Single(await Database.ActivityForAsync(first.Id)).Verb);
        Assert.Equal("member.account_deleted", Assert.Single(await Database.ActivityForAsync(second.Id)).Verb);
    }

    [Fact]
    public async Task AnAccountInAnOrganizationTheActorDoesNotAdministerCannotBeDeleted()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(first.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(first.Id);
        await Database.AddMembershipAsync(second.Id, target.AccountId);

        var result = await Service.DeleteAccountAsync(portal.Proven(super), target.AccountId, await AccountVersionAsync(target));

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        Assert.Contains("another organization that you do not administer", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Name, result.Message, StringComparison.Ordinal);
        Assert.Equal(2, await Database.QueryAsync(db => db.Memberships.CountAsync(m => m.AccountId == target.AccountId)));

        // Membership actions stay available: removal from this organization only.
        Assert.True((await Service.RemoveAsync(super.Actor, target.AccountId, await VersionAsync(target))).Value);
    }

    [Fact]
    public async Task AnAccountThatIsTheLastSuperElsewhereCannotBeDeleted()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync("Second Org");
        var super = await Database.AddMemberAsync(first.Id, MemberRank.Super);
        await Database.AddMembershipAsync(second.Id, super.AccountId, MemberRank.Admin);
        var target = await Database.AddMemberAsync(first.Id);
        await Database.AddMembershipAsync(second.Id, target.AccountId, MemberRank.Super);

        var result = await Service.DeleteAccountAsync(portal.Proven(super), target.AccountId, await AccountVersionAsync(target));

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        Assert.StartsWith("This account also belongs to Second Org, where:", result.Message, StringComparison.Ordinal);
    }

    private Task<Membership> MembershipAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.AsNoTracking().SingleAsync(m => m.Id == member.MembershipId));

    private async Task<string> VersionAsync(TestMember member) => (await MembershipAsync(member)).Version;

    private Task<string> AccountVersionAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());

    private Task<int> MemberCountAsync(Guid organizationId) =>
        Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organizationId).Select(o => o.MemberCount).SingleAsync());
}
