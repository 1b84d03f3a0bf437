using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Components.Account;

/// <summary>
/// Re-checks an open circuit's security stamp every minute, so a password change, suspension or
/// "sign out everywhere" ends the circuit without waiting for the cookie to expire. And at once, without waiting for
/// the minute: a change notice that takes standing or power from the signed-in account itself (suspended, removed,
/// deleted, demoted, taken out of a group, signed out everywhere) ends the circuit when it is published. The browser
/// then loads its page afresh, through the cookie's own checks and with the rights the account has now.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    /// <summary>Changes to one's own membership after which an open circuit may show or allow more than it should.</summary>
    public static readonly IReadOnlySet<string> EndingVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "member.suspended", "member.removed", "member.account_deleted", "member.deactivated", "member.rank_changed",
        "member.group_removed", "member.signed_out_everywhere", "member.password_change_forced",
        "member.temporary_password_set", "member.policy_unassigned",
    };

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IOptions<IdentityOptions> _options;
    private readonly IChangeNotifier _notifier;
    private readonly object _gate = new();
    private IDisposable? _subscription;
    private bool _disposed;

    public IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        IChangeNotifier notifier)
        : base(loggerFactory)
    {
        _scopeFactory = scopeFactory;
        _options = options;
        _notifier = notifier;
        AuthenticationStateChanged += WatchOwnAccount;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    private async void WatchOwnAccount(Task<AuthenticationState> state)
    {
        ClaimsPrincipal user;
        try
        {
            user = (await state).User;
        }
        catch (Exception)
        {
            return;
        }

        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = null;
            if (_disposed || user.AccountId() is not { } accountId || user.OrganizationId() is not { } organizationId)
            {
                return;
            }

            var account = accountId.ToString();
            _subscription = _notifier.Subscribe(organizationId, notice =>
            {
                if (notice.Entity == ChangeEntities.Member && notice.EntityId == account && EndingVerbs.Contains(notice.Verb))
                {
                    End();
                }

                return Task.CompletedTask;
            });
        }
    }

    /// <summary>The circuit's user becomes anonymous: every page shows its not-authorized content and reloads.</summary>
    private void End()
    {
        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = null;
        }

        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
                _subscription?.Dispose();
                _subscription = null;
            }

            AuthenticationStateChanged -= WatchOwnAccount;
        }

        base.Dispose(disposing);
    }

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // A fresh scope: the circuit's own scope (and its DbContext) lives as long as the circuit.
        await using var scope = _scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Data.Account>>();
        return await StampStillValidAsync(users, authenticationState.User);
    }

    private async Task<bool> StampStillValidAsync(UserManager<Data.Account> users, ClaimsPrincipal principal)
    {
        var account = await users.GetUserAsync(principal);
        if (account is null)
        {
            return false;
        }

        var claimed = principal.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType);
        return claimed == await users.GetSecurityStampAsync(account);
    }
}
