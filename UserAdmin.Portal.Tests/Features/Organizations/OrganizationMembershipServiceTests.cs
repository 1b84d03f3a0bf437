using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

public sealed class OrganizationMembershipServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private OrganizationMembershipService Service => portal.Get<OrganizationMembershipService>();

    [Fact]
    public async Task ASuperAddsAnExistingAccountByUsernameAsARegularUserWithOneRecord()
    {
        var (organization, super) = await SetUpAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var account = await Database.AddMemberAsync(elsewhere.Id, MemberRank.Admin);

        var result = await Service.AddExistingAccountAsync(super.Actor, $"  {account.UserName.ToUpperInvariant()} ");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(account.AccountId, result.Value);
        var membership = await Database.QueryAsync(db => db.Memberships.SingleAsync(m => m.OrganizationId == organization.Id && m.AccountId == account.AccountId));
        Assert.Equal((MemberRank.Regular, MemberTag.User, false), (membership.Rank, membership.Tag, membership.IsSuspended));
        Assert.Equal(2, await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.MemberCount).SingleAsync()));
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.added", account.AccountId, ActivityCategory.Admin), (record.Verb, record.TargetAccountId, record.Category));
        Assert.Equal(MemberRank.Admin, (await Database.QueryAsync(db => db.Memberships.SingleAsync(m => m.OrganizationId == elsewhere.Id && m.AccountId == account.AccountId))).Rank);
    }

    [Fact]
    public async Task AnAccountCanBeNamedByItsEmail()
    {
        var (organization, super) = await SetUpAsync();
        var account = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);

        Assert.True((await Service.AddExistingAccountAsync(super.Actor, $"{account.UserName}@PORTAL.test")).Succeeded);

        Assert.True(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.AccountId == account.AccountId)));
    }

    [Fact]
    public async Task UnknownAndDuplicateAccountsAreRefusedWithAClearMessage()
    {
        var (organization, super) = await SetUpAsync();
        var member = await Database.AddMemberAsync(organization.Id);

        var unknown = await Service.AddExistingAccountAsync(super.Actor, "nobody-by-this-name");
        var duplicate = await Service.AddExistingAccountAsync(super.Actor, member.UserName);
        var empty = await Service.AddExistingAccountAsync(super.Actor, " ");

        Assert.Equal((OperationStatus.Invalid, "There is no account with the username or email 'nobody-by-this-name'."), (unknown.Status, unknown.Message));
        Assert.Equal((OperationStatus.Invalid, $"{member.UserName} is already a member of this organization."), (duplicate.Status, duplicate.Message));
        Assert.Contains("Login", empty.FieldErrors!.Keys);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task OnlyASuperAddsAccounts()
    {
        var (organization, _) = await SetUpAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var account = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);

        var result = await Service.AddExistingAccountAsync(admin.Actor, account.UserName);

        Assert.Equal((OperationStatus.Forbidden, OrganizationMembershipService.SuperOnly), (result.Status, result.Message));
        Assert.False(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.AccountId == account.AccountId)));
    }

    [Fact]
    public async Task ASuperListsTheOrganizationsOfAMemberWithWhereTheyMayRemoveIt()
    {
        var (organization, super) = await SetUpAsync();
        var shared = await Database.AddOrganizationAsync("Shared org");
        var foreign = await Database.AddOrganizationAsync("Foreign org");
        await Database.AddMembershipAsync(shared.Id, super.AccountId, MemberRank.Super);
        var member = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(shared.Id, member.AccountId);
        await Database.AddMembershipAsync(foreign.Id, member.AccountId, MemberRank.Admin);

        var rows = (await Service.ListForAccountAsync(super.Actor, member.AccountId)).Value!;

        Assert.Equal(3, rows.Count);
        var here = Assert.Single(rows, r => r.IsCurrent);
        Assert.Equal((organization.Id, true), (here.OrganizationId, here.CanRemove));
        Assert.True(Assert.Single(rows, r => r.OrganizationId == shared.Id).CanRemove);
        var other = Assert.Single(rows, r => r.OrganizationId == foreign.Id);
        Assert.Equal((MemberRank.Admin, false, "You are not an admin of this organization."), (other.Rank, other.CanRemove, other.WhyNot));
    }

    [Fact]
    public async Task ListingIsForASuperAndOnlyForMembersOfTheirOrganization()
    {
        var (organization, super) = await SetUpAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id);
        var outsider = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);

        Assert.Equal(OperationStatus.Forbidden, (await Service.ListForAccountAsync(admin.Actor, member.AccountId)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.ListForAccountAsync(super.Actor, outsider.AccountId)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.RemoveFromAsync(super.Actor, outsider.AccountId, outsider.OrganizationId, "any")).Status);
    }

    [Fact]
    public async Task ASuperRemovesAnAccountFromAnotherOrganizationWhereTheyAreSuperWithItsOwnRecordThere()
    {
        var (organization, super) = await SetUpAsync();
        var shared = await Database.AddOrganizationAsync();
        await Database.AddMembershipAsync(shared.Id, super.AccountId, MemberRank.Super);
        var member = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(shared.Id, member.AccountId);
        var row = (await Service.ListForAccountAsync(super.Actor, member.AccountId)).Value!.Single(r => r.OrganizationId == shared.Id);

        var result = await Service.RemoveFromAsync(super.Actor, member.AccountId, shared.Id, row.Version);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == shared.Id && m.AccountId == member.AccountId)));
        Assert.True(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.AccountId == member.AccountId)));
        Assert.Equal("member.removed", Assert.Single(await Database.ActivityForAsync(shared.Id)).Verb);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task RemovalElsewhereTakesStandingThereUnderThatOrganizationsRules()
    {
        var (organization, super) = await SetUpAsync();
        var foreign = await Database.AddOrganizationAsync();
        var shared = await Database.AddOrganizationAsync();
        await Database.AddMembershipAsync(shared.Id, super.AccountId, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id);
        var inForeign = await Database.AddMembershipAsync(foreign.Id, member.AccountId);
        var inShared = await Database.AddMembershipAsync(shared.Id, member.AccountId, MemberRank.Admin);
        var rows = (await Service.ListForAccountAsync(super.Actor, member.AccountId)).Value!;

        var foreignResult = await Service.RemoveFromAsync(super.Actor, member.AccountId, foreign.Id, rows.Single(r => r.OrganizationId == foreign.Id).Version);
        var sharedResult = await Service.RemoveFromAsync(super.Actor, member.AccountId, shared.Id, rows.Single(r => r.OrganizationId == shared.Id).Version);

        Assert.Equal((OperationStatus.Forbidden, "You are not an active member of this organization."), (foreignResult.Status, foreignResult.Message));
        Assert.Equal((OperationStatus.Forbidden, "Only a SUPER admin can act on ADMIN or SUPER members."), (sharedResult.Status, sharedResult.Message));
        Assert.Equal("Only a SUPER admin can act on ADMIN or SUPER members.", rows.Single(r => r.OrganizationId == shared.Id).WhyNot);
        Assert.Equal(2, await Database.QueryAsync(db => db.Memberships.CountAsync(m => m.Id == inForeign.MembershipId || m.Id == inShared.MembershipId)));
        Assert.Empty(await Database.ActivityForAsync(foreign.Id));
        Assert.Empty(await Database.ActivityForAsync(shared.Id));
    }

    [Fact]
    public async Task AStaleVersionIsRefused()
    {
        var (organization, super) = await SetUpAsync();
        var member = await Database.AddMemberAsync(organization.Id);

        var result = await Service.RemoveFromAsync(super.Actor, member.AccountId, organization.Id, "stale");

        Assert.Equal((OperationStatus.Conflict, MemberOperation.StaleMessage), (result.Status, result.Message));
    }

    private async Task<(TestOrganization Organization, TestMember Super)> SetUpAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        return (organization, super);
    }
}
