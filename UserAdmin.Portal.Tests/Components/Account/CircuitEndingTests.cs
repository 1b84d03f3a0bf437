using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Components.Account;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Tests.Components.Account;

/// <summary>An open circuit ends the moment its own account loses standing or power, not at the next minute's check.</summary>
public sealed class CircuitEndingTests : IDisposable
{
    private static readonly Guid Organization = Guid.NewGuid();
    private readonly Guid _account = Guid.NewGuid();
    private readonly InProcessChangeNotifier _notifier = new(NullLogger<InProcessChangeNotifier>.Instance);
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private readonly IdentityRevalidatingAuthenticationStateProvider _provider;

    public CircuitEndingTests()
    {
        _provider = new IdentityRevalidatingAuthenticationStateProvider(
            NullLoggerFactory.Instance, _services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new IdentityOptions()), _notifier);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, _account.ToString()), new Claim(PortalClaims.Organization, Organization.ToString())], "test");
        _provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
    }

    [Theory]
    [InlineData("member.suspended")]
    [InlineData("member.removed")]
    [InlineData("member.account_deleted")]
    [InlineData("member.rank_changed")]
    [InlineData("member.group_removed")]
    [InlineData("member.signed_out_everywhere")]
    public async Task ALossOfStandingOrPowerEndsTheCircuitWhenItIsPublished(string verb)
    {
        Assert.True(await SignedInAsync());

        await _notifier.PublishAsync([Notice(verb, _account)]);

        Assert.False(await SignedInAsync());
    }

    [Fact]
    public async Task OtherChangesOtherMembersAndOtherOrganizationsLeaveTheCircuitAlone()
    {
        await _notifier.PublishAsync(
        [
            Notice("member.profile_updated", _account),
            Notice("member.unsuspended", _account),
            Notice("member.suspended", Guid.NewGuid()),
            Notice("member.suspended", _account) with { OrganizationId = Guid.NewGuid() },
            Notice("member.suspended", _account) with { Entity = ChangeEntities.Group },
        ]);

        Assert.True(await SignedInAsync());
    }

    [Fact]
    public async Task AnEndedCircuitStopsListening()
    {
        await _notifier.PublishAsync([Notice("member.suspended", _account)]);

        Assert.Equal(0, _notifier.SubscriberCount);
    }

    private async Task<bool> SignedInAsync()
    {
        // The state change is applied on the same call, but the subscription starts when the state task completes.
        await Task.Yield();
        return (await _provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated == true;
    }

    private static ChangeNotice Notice(string verb, Guid account) =>
        new(Organization, ChangeEntities.Member, account.ToString(), verb, Guid.NewGuid(), 1, DateTime.UtcNow);

    public void Dispose()
    {
        ((IDisposable)_provider).Dispose();
        _services.Dispose();
    }
}
