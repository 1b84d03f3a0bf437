using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Accounts;

public enum SignInStatus
{
    Succeeded,

    /// <summary>Unknown account, wrong password or locked out: deliberately indistinguishable.</summary>
    Failed,

    /// <summary>The password was right but the account may not sign in (suspended everywhere, or not activated).</summary>
    NotAllowed,
}

public sealed record SignInOutcome(SignInStatus Status, bool MustChangePassword = false)
{
    public const string GenericFailure = "Sign-in failed: the username or password is not right, or the account is locked. Try again later or ask your administrator.";
    public const string NotAllowedMessage = "This account cannot sign in: it is suspended or not yet activated. Ask your administrator.";
}

/// <summary>
/// Password sign-in done past the template's defaults: lockout on, and the same answer with similar timing for an
/// unknown account, a wrong password and a locked account (a dummy hash is verified where no real one is).
/// Runs in a request with an HttpContext (the static sign-in page), where SignInManager writes the cookie.
/// </summary>
public sealed class SignInService(
    UserManager<Account> users,
    SignInManager<Account> signInManager,
    DummyPasswordHash dummy,
    OperationRunner runner,
    TimeProvider clock,
    ILogger<SignInService> logger)
{
    public async Task<SignInOutcome> SignInAsync(string login, string password, string? clientAddress)
    {
        login = (login ?? "").Trim();
        password ??= "";
        var account = login.Length == 0 || login.Length > 256
            ? null
            : login.Contains('@') ? await users.FindByEmailAsync(login) : await users.FindByNameAsync(login);

        if (account is null || account.PasswordHash is null)
        {
            dummy.Verify(password);
            return new SignInOutcome(SignInStatus.Failed);
        }

        if (await users.IsLockedOutAsync(account))
        {
            dummy.Verify(password);
            logger.LogInformation("Sign-in refused for locked-out account {AccountId}", account.Id);
            return new SignInOutcome(SignInStatus.Failed);
        }

        if (!await users.CheckPasswordAsync(account, password))
        {
            await users.AccessFailedAsync(account);
            if (await users.IsLockedOutAsync(account))
            {
                logger.LogWarning("Account {AccountId} locked out after repeated failed sign-ins", account.Id);

                // The lockout is account-wide: every organization the account belongs to sees it in its feed.
                foreach (var memberOf in await OrganizationsOfAsync(account.Id))
                {
                    await RecordAsync(account, memberOf, clientAddress, "account.locked_out", $"{account.UserName} was locked out after repeated failed sign-ins", system: true);
                }
            }

            return new SignInOutcome(SignInStatus.Failed);
        }

        if (account.TemporaryPasswordExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
        {
            // Right password, but a help-desk temporary one that was never used in time: ask the help desk again.
            logger.LogInformation("Sign-in refused for account {AccountId}: its temporary password has expired", account.Id);
            return new SignInOutcome(SignInStatus.Failed);
        }

        await users.ResetAccessFailedCountAsync(account);
        var organizationId = await PickOrganizationAsync(account.Id);
        if (!account.IsActivated || organizationId is null)
        {
            return new SignInOutcome(SignInStatus.NotAllowed);
        }

        await RecordAsync(account, organizationId, clientAddress, "account.signed_in", $"{account.UserName} signed in", system: false);
        await signInManager.SignInWithClaimsAsync(account, isPersistent: false, [new Claim(PortalClaims.Organization, organizationId.Value.ToString())]);
        return new SignInOutcome(SignInStatus.Succeeded, account.MustChangePassword);
    }

    public async Task SignOutAsync(ClaimsPrincipal user, string? clientAddress)
    {
        if (user.AccountId() is { } accountId && await users.FindByIdAsync(accountId.ToString()) is { } account)
        {
            await RecordAsync(account, user.OrganizationId(), clientAddress, "account.signed_out", $"{account.UserName} signed out", system: false);
        }

        await signInManager.SignOutAsync();
    }

    private async Task<List<Guid>> OrganizationsOfAsync(Guid accountId) =>
        await users.Users.Where(a => a.Id == accountId).SelectMany(a => a.Memberships).Select(m => m.OrganizationId).ToListAsync();

    /// <summary>The first organization (by join time) where the account is an active member.</summary>
    private async Task<Guid?> PickOrganizationAsync(Guid accountId)
    {
        return await users.Users
            .Where(a => a.Id == accountId)
            .SelectMany(a => a.Memberships)
            .Where(m => !m.IsSuspended)
            .OrderBy(m => m.JoinedAt)
            .Select(m => (Guid?)m.OrganizationId)
            .FirstOrDefaultAsync();
    }

    private Task<OperationResult<bool>> RecordAsync(Account account, Guid? organizationId, string? clientAddress, string verb, string title, bool system) =>
        runner.RunAsync<bool>(organizationId, clientAddress, async op =>
        {
            if (verb == "account.signed_in")
            {
                var stored = await op.Db.Users.SingleAsync(a => a.Id == account.Id);
                stored.LastSignInAt = op.Now;
            }

            op.Record(
                verb,
                title,
                verb == "account.signed_in" || verb == "account.signed_out" ? ActivityCategory.Self : ActivityCategory.Security,
                account.Id,
                account.UserName ?? "",
                actorAccountId: system ? null : account.Id,
                actorName: system ? "system" : account.UserName);
            return OperationResult<bool>.Ok(true);
        });
}
