using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Components.Account;

/// <summary>
/// Re-checks an open circuit's security stamp every minute, so a password change, suspension or
/// "sign out everywhere" ends the circuit without waiting for the cookie to expire.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // A fresh scope: the circuit's own scope (and its DbContext) lives as long as the circuit.
        await using var scope = scopeFactory.CreateAsyncScope();
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

        var claimed = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return claimed == await users.GetSecurityStampAsync(account);
    }
}
