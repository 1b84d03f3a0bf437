using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

/// <summary>
/// "Confirm it's you": granting SUPER, deleting an account and creating an API key need a fresh password from a
/// session; the proof is the account's own, lasts five minutes, and wrong passwords count towards lockout.
/// </summary>
public sealed class ReauthenticationTests : IAsyncLifetime
{
    private const string Password = "correct-horse-battery-9";
    private readonly TestClock _clock = new();
    private PortalServices _portal = null!;

    private TestDatabase Database => _portal.Database;
    private ReauthenticationService Reauthentication => _portal.Get<ReauthenticationService>();
    private MemberStandingService Standing => _portal.Get<MemberStandingService>();

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(configure: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task GrantingSuperFromASessionIsRefusedWithoutAFreshPasswordAndChangesNothing()
    {
        var (organization, super, target) = await SuperAndTargetAsync();

        var refused = await Standing.SetRankAsync(super.Actor, target.AccountId, MemberRank.Super, await VersionAsync(target));

        Assert.Equal((OperationStatus.Forbidden, "Granting SUPER needs your password again: confirm it's you first."), (refused.Status, refused.Message));
        Assert.Equal(MemberRank.Regular, await RankAsync(target));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));

        // Other rank changes need no proof.
        Assert.True((await Standing.SetRankAsync(super.Actor, target.AccountId, MemberRank.Admin, await VersionAsync(target))).Succeeded);
        Assert.Equal(MemberRank.Admin, await RankAsync(target));
    }

    [Fact]
    public async Task TheRightPasswordEarnsAProofThatGrantsSuperForFiveMinutesOnly()
    {
        var (_, super, target) = await SuperAndTargetAsync();
        var confirmed = await Reauthentication.ConfirmAsync(super.AccountId, Password);
        Assert.True(confirmed.Succeeded, confirmed.Message);
        var proven = super.Actor with { Reauthentication = confirmed.Value };

        Assert.True((await Standing.SetRankAsync(proven, target.AccountId, MemberRank.Super, await VersionAsync(target))).Succeeded);
        Assert.Equal(MemberRank.Super, await RankAsync(target));

        Assert.True((await Standing.SetRankAsync(super.Actor, target.AccountId, MemberRank.Regular, await VersionAsync(target))).Succeeded);
        _clock.Advance(ReauthenticationService.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await Standing.SetRankAsync(proven, target.AccountId, MemberRank.Super, await VersionAsync(target));
        Assert.Equal(OperationStatus.Forbidden, expired.Status);
        Assert.Equal(MemberRank.Regular, await RankAsync(target));
    }

    [Fact]
    public async Task AProofServesOnlyTheAccountThatEarnedItAndAMadeUpOneServesNobody()
    {
        var (organization, super, target) = await SuperAndTargetAsync();
        var otherSuper = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var othersProof = _portal.Proven(otherSuper).Reauthentication;

        var borrowed = await Standing.SetRankAsync(super.Actor with { Reauthentication = othersProof }, target.AccountId, MemberRank.Super, await VersionAsync(target));
        var invented = await Standing.SetRankAsync(super.Actor with { Reauthentication = Convert.ToBase64String(new byte[32]) }, target.AccountId, MemberRank.Super, await VersionAsync(target));

        Assert.Equal(OperationStatus.Forbidden, borrowed.Status);
        Assert.Equal(OperationStatus.Forbidden, invented.Status);
        Assert.Equal(MemberRank.Regular, await RankAsync(target));
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedCountsTowardsLockoutAndTheRightOneResetsTheCount()
    {
        var (_, super, _) = await SuperAndTargetAsync();

        var wrong = await Reauthentication.ConfirmAsync(super.AccountId, Password + "x");
        var empty = await Reauthentication.ConfirmAsync(super.AccountId, "");

        Assert.Equal((OperationStatus.Invalid, "That password is not right."), (wrong.Status, wrong.FieldErrors!["Password"].Single()));
        Assert.Equal((OperationStatus.Invalid, "Type your password."), (empty.Status, empty.FieldErrors!["Password"].Single()));
        Assert.Equal(1, await AccessFailedCountAsync(super));

        Assert.True((await Reauthentication.ConfirmAsync(super.AccountId, Password)).Succeeded);
        Assert.Equal(0, await AccessFailedCountAsync(super));
    }

    [Fact]
    public async Task EnoughWrongPasswordsLockTheAccountAndThenEvenTheRightOneIsRefused()
    {
        var (_, super, _) = await SuperAndTargetAsync();
        OperationResult<string> last = null!;
        for (var i = 0; i < 10 && last?.Status != OperationStatus.Forbidden; i++)
        {
            last = await Reauthentication.ConfirmAsync(super.AccountId, Password + i);
        }

        Assert.Equal(OperationStatus.Forbidden, last.Status);
        Assert.Contains("locked", last.Message, StringComparison.Ordinal);
        var right = await Reauthentication.ConfirmAsync(super.AccountId, Password);
        Assert.Equal(OperationStatus.Forbidden, right.Status);
        Assert.Null(right.Value);
    }

    [Fact]
    public async Task DeletingAnAccountFromASessionNeedsAFreshPassword()
    {
        var (organization, super, target) = await SuperAndTargetAsync();

        var refused = await Standing.DeleteAccountAsync(super.Actor, target.AccountId, await AccountVersionAsync(target));

        Assert.Equal((OperationStatus.Forbidden, "Deleting an account needs your password again: confirm it's you first."), (refused.Status, refused.Message));
        Assert.True(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == target.AccountId)));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));

        Assert.True((await Standing.DeleteAccountAsync(_portal.Proven(super), target.AccountId, await AccountVersionAsync(target))).Succeeded);
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == target.AccountId)));
    }

    [Fact]
    public async Task CreatingAnApiKeyNeedsAFreshPasswordAndAKeyNeverCreatesOne()
    {
        var (_, super, _) = await SuperAndTargetAsync();
        var keys = _portal.Get<ApiKeyService>();
        var input = new NewApiKey { Name = "nightly sweep", Scope = ApiKeyScope.ReadWrite };

        var unproven = await keys.CreateAsync(super.Actor, input);
        var byKey = await keys.CreateAsync(_portal.Proven(super) with { Credential = ActorCredential.ApiKey }, input);

        Assert.Equal((OperationStatus.Forbidden, "Creating an API key needs your password again: confirm it's you first."), (unproven.Status, unproven.Message));
        Assert.Equal((OperationStatus.Forbidden, "An API key cannot create API keys; create keys on the API keys page."), (byKey.Status, byKey.Message));
        Assert.False(await Database.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.AccountId == super.AccountId)));

        Assert.True((await keys.CreateAsync(_portal.Proven(super), input)).Succeeded);
    }

    [Fact]
    public async Task AnApiKeysCallerIsTheCredentialItselfAndNeedsNoProofToGrantSuper()
    {
        var (_, super, target) = await SuperAndTargetAsync();

        var result = await Standing.SetRankAsync(super.Actor with { Credential = ActorCredential.ApiKey }, target.AccountId, MemberRank.Super, await VersionAsync(target));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(MemberRank.Super, await RankAsync(target));
    }

    private async Task<(TestOrganization, TestMember Super, TestMember Target)> SuperAndTargetAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberWithPasswordAsync(_portal.Services, organization.Id, Password, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);
        return (organization, super, target);
    }

    private Task<MemberRank> RankAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Rank).SingleAsync());

    private Task<string> VersionAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Version).SingleAsync());

    private Task<string> AccountVersionAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());

    private Task<int> AccessFailedCountAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.AccessFailedCount).SingleAsync());
}
