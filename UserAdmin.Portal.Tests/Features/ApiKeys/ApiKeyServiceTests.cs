using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.ApiKeys;

public sealed class ApiKeyServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private ApiKeyService Service => portal.Get<ApiKeyService>();

    private async Task<(TestOrganization Organization, TestMember Owner, CreatedApiKey Key)> CreateKeyAsync(
        MemberRank rank = MemberRank.Admin, ApiKeyScope scope = ApiKeyScope.ReadWrite, DateTime? expiresAt = null)
    {
        var organization = await Database.AddOrganizationAsync();
        var owner = await Database.AddMemberAsync(organization.Id, rank);
        var created = await Service.CreateAsync(portal.Proven(owner), new NewApiKey { Name = "nightly sweep", Scope = scope, ExpiresAt = expiresAt });
        Assert.True(created.Succeeded, created.Message);
        return (organization, owner, created.Value!);
    }

    /// <summary>The key service of <paramref name="services"/> (a portal on its own clock) and an ADMIN of a new organization there.</summary>
    private static async Task<(ApiKeyService Keys, TestMember Owner)> AdminOnItsOwnPortalAsync(PortalServices services)
    {
        var organization = await services.Database.AddOrganizationAsync();
        return (services.Get<ApiKeyService>(), await services.Database.AddMemberAsync(organization.Id, MemberRank.Admin));
    }

    private Task<ApiKey> StoredAsync(Guid id) => Database.QueryAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id));

    [Fact]
    public async Task ACreatedKeyIsShownOnceAndOnlyItsHashIsStored()
    {
        var (organization, owner, key) = await CreateKeyAsync();

        Assert.Matches("^uap_[a-z0-9]{12}_[0-9a-f]{64}$", key.Key);
        var stored = await StoredAsync(key.Id);
        var secret = key.Key[(4 + 12 + 1)..];
        Assert.Equal(ApiKeyService.Hash(secret), stored.SecretHash);
        Assert.DoesNotContain(secret, stored.SecretHash, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((owner.AccountId, organization.Id, ApiKeyScope.ReadWrite), (stored.AccountId, stored.OrganizationId, stored.Scope));

        // Listing never gives the key back: only its public prefix.
        var listed = Assert.Single((await Service.ListOwnAsync(owner.Actor)).Value!);
        Assert.Equal(key.Prefix, listed.Prefix);
        Assert.DoesNotContain(listed.GetType().GetProperties(), p => p.GetValue(listed) is string text && text.Contains(secret, StringComparison.Ordinal));

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("api_key.created", record.Verb);
        Assert.Equal(ActivityCategory.Security, record.Category);
        Assert.DoesNotContain(secret, record.Diff ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, record.Title, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheKeyAuthenticatesAsItsOwnerInItsOrganizationWithItsScope()
    {
        var (organization, owner, key) = await CreateKeyAsync(scope: ApiKeyScope.ReadOnly);

        var result = await Service.AuthenticateAsync(key.Key);

        Assert.Null(result.Failure);
        Assert.Equal(new ApiKeyIdentity(key.Id, owner.AccountId, owner.UserName, organization.Id, ApiKeyScope.ReadOnly), result.Identity);
        Assert.NotNull((await Service.AuthenticateAsync(key.Key, owner.UserName.ToUpperInvariant())).Identity);
        Assert.Null((await Service.AuthenticateAsync(key.Key, "someone-else")).Identity);
    }

    [Fact]
    public async Task AWrongSecretOrMalformedKeyIsRefused()
    {
        var (_, _, key) = await CreateKeyAsync();
        var wrong = key.Key[..^4] + (key.Key.EndsWith("0000", StringComparison.Ordinal) ? "1111" : "0000");

        Assert.Null((await Service.AuthenticateAsync(wrong)).Identity);
        Assert.Null((await Service.AuthenticateAsync("uap_nope")).Identity);
        Assert.Null((await Service.AuthenticateAsync("")).Identity);
    }

    [Fact]
    public async Task ARevokedKeyNoLongerAuthenticatesAndRevokingWritesARecord()
    {
        var (organization, owner, key) = await CreateKeyAsync();

        var revoked = await Service.RevokeAsync(owner.Actor, key.Id);
        var again = await Service.RevokeAsync(owner.Actor, key.Id);

        Assert.True(revoked.Value);
        Assert.False(again.Value);
        Assert.Equal("This API key has been revoked.", (await Service.AuthenticateAsync(key.Key)).Failure);
        Assert.Equal(["api_key.created", "api_key.revoked"], (await Database.ActivityForAsync(organization.Id)).Select(r => r.Verb));
    }

    [Fact]
    public async Task AnExpiredKeyNoLongerAuthenticates()
    {
        var (_, _, key) = await CreateKeyAsync(expiresAt: DateTime.UtcNow.AddDays(1));
        await Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal("This API key has expired.", (await Service.AuthenticateAsync(key.Key)).Failure);
    }

    [Fact]
    public async Task AKeyOfASuspendedOwnerNoLongerAuthenticates()
    {
        var (_, owner, key) = await CreateKeyAsync();
        await Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == owner.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsSuspended, true)));

        Assert.Null((await Service.AuthenticateAsync(key.Key)).Identity);
    }

    [Fact]
    public async Task AnExpiryInThePastOrAMissingNameIsRefusedPerField()
    {
        var organization = await Database.AddOrganizationAsync();
        var owner = await Database.AddMemberAsync(organization.Id);

        var result = await Service.CreateAsync(portal.Proven(owner), new NewApiKey { Name = " ", ExpiresAt = DateTime.UtcNow.AddMinutes(-1) });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal(["ExpiresAt", "Name"], result.FieldErrors!.Keys.Order());
        Assert.Empty(await Database.QueryAsync(db => db.ApiKeys.Where(k => k.AccountId == owner.AccountId).ToListAsync()));
    }

    [Fact]
    public async Task LastUseIsRecordedAtMostOnceAMinute()
    {
        var clock = new TestClock();
        await using var services = await PortalServices.CreateAsync(configure: s => s.AddSingleton<TimeProvider>(clock));
        var (keys, owner) = await AdminOnItsOwnPortalAsync(services);
        var key = (await keys.CreateAsync(services.Proven(owner), new NewApiKey { Name = "nightly sweep" })).Value!;
        Task<DateTime?> LastUsedAsync() => services.Database.QueryAsync(db => db.ApiKeys.Where(k => k.Id == key.Id).Select(k => k.LastUsedAt).SingleAsync());

        await keys.AuthenticateAsync(key.Key);
        var first = await LastUsedAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        await keys.AuthenticateAsync(key.Key);
        var second = await LastUsedAsync();
        clock.Advance(TimeSpan.FromSeconds(31));
        await keys.AuthenticateAsync(key.Key);
        var third = await LastUsedAsync();

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, third);
    }

    [Fact]
    public async Task AVerifiedKeyIsCheckedAgainAfterAnyCommittedChange()
    {
        var (organization, owner, key) = await CreateKeyAsync();
        var other = await Database.AddMemberAsync(organization.Id);
        Assert.NotNull((await Service.AuthenticateAsync(key.Key)).Identity);

        // Written behind the services' back, a suspension may go unseen while nothing commits (VerifiedLifetime at most);
        // any operation that commits, on anyone, makes the next call read the database again. (Other tests commit in
        // parallel, so whether the call in between hits the cache is not asserted.)
        await Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == owner.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsSuspended, true)));
        Assert.True((await portal.Get<UserAdmin.Portal.Features.Passwords.PasswordAdminService>().ForceChangeAsync(
            (await Database.AddMemberAsync(organization.Id, MemberRank.Super)).Actor, other.AccountId)).Succeeded);
        var seen = await Service.AuthenticateAsync(key.Key);

        Assert.Null(seen.Identity);
        Assert.Equal("The key's owner is no longer an active member of its organization.", seen.Failure);
    }

    [Fact]
    public async Task AVerifiedKeyIsCheckedAgainAfterItsLifetimeAndItsExpiryHoldsMeanwhile()
    {
        var clock = new TestClock();
        await using var services = await PortalServices.CreateAsync(configure: s => s.AddSingleton<TimeProvider>(clock));
        var (keys, owner) = await AdminOnItsOwnPortalAsync(services);
        var lasting = (await keys.CreateAsync(services.Proven(owner), new NewApiKey { Name = "lasting" })).Value!;
        var brief = (await keys.CreateAsync(services.Proven(owner), new NewApiKey { Name = "brief", ExpiresAt = clock.GetUtcNow().UtcDateTime.AddSeconds(2) })).Value!;
        Assert.NotNull((await keys.AuthenticateAsync(lasting.Key)).Identity);
        Assert.NotNull((await keys.AuthenticateAsync(brief.Key)).Identity);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("This API key has expired.", (await keys.AuthenticateAsync(brief.Key)).Failure);

        // Written as another process would (QueryAsync does not count as a committed change here): only the lifetime ends it.
        await services.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == owner.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsSuspended, true)));
        clock.Advance(ApiKeyService.VerifiedLifetime);
        Assert.Null((await keys.AuthenticateAsync(lasting.Key)).Identity);
    }

    [Fact]
    public async Task AVerifiedPrefixWithAnotherSecretOrAnotherOwnersNameIsStillRefused()
    {
        var (_, owner, key) = await CreateKeyAsync();
        Assert.NotNull((await Service.AuthenticateAsync(key.Key)).Identity);
        var wrong = key.Key[..^4] + (key.Key.EndsWith("0000", StringComparison.Ordinal) ? "1111" : "0000");

        Assert.Equal("Unknown API key.", (await Service.AuthenticateAsync(wrong)).Failure);
        Assert.Equal("Unknown API key.", (await Service.AuthenticateAsync(key.Key, "someone-else")).Failure);
        Assert.NotNull((await Service.AuthenticateAsync(key.Key, owner.UserName)).Identity);
    }

    [Fact]
    public async Task ASuperSeesAndRevokesEveryKeyOfTheOrganizationButAnAdminCannotTouchOthersKeys()
    {
        var (organization, owner, key) = await CreateKeyAsync(rank: MemberRank.Regular);
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        Assert.Equal(OperationStatus.Forbidden, (await Service.ListOrganizationAsync(admin.Actor)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.RevokeAsync(admin.Actor, key.Id)).Status);
        var all = (await Service.ListOrganizationAsync(super.Actor)).Value!;
        Assert.Equal(owner.UserName, Assert.Single(all).OwnerUserName);

        Assert.True((await Service.RevokeAsync(super.Actor, key.Id)).Value);

        var record = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("api_key.revoked", super.AccountId, owner.AccountId), (record.Verb, record.ActorAccountId, record.TargetAccountId));
        Assert.Contains($"revoked {owner.UserName}'s API key", record.Title, StringComparison.Ordinal);
    }
}
