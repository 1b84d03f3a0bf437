using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// "Confirm it's you" for the most sensitive actions (granting SUPER, deleting an account, creating an API key): a
/// session's owner types their password again and gets a short-lived proof that the services ask for. A session
/// cookie may be hours old or on an unattended screen; the proof says the owner was there a moment ago.
/// An API key is a credential presented with every request, so a key's caller needs no proof (a key can never
/// create keys, though). Wrong passwords count towards lockout exactly as at sign-in. Proofs live in memory: the
/// Blazor circuits that use them live in the same process.
/// </summary>
public sealed class ReauthenticationService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReauthenticationService> logger)
{
    /// <summary>How long one confirmation lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (Guid AccountId, DateTimeOffset Expires)> _proofs = new(StringComparer.Ordinal);

    /// <summary>Checks the account's password; a proof on success, a message a person can act on otherwise.</summary>
    public async Task<OperationResult<string>> ConfirmAsync(Guid accountId, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password))
        {
            return OperationResult<string>.Fail(OperationResult.Invalid("Password", "Type your password."));
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = await users.FindByIdAsync(accountId.ToString());
        if (account is null)
        {
            return OperationResult<string>.Fail(OperationResult.Forbidden("Your account no longer exists."));
        }

        if (await users.IsLockedOutAsync(account))
        {
            return OperationResult<string>.Fail(OperationResult.Forbidden("Your account is locked after too many wrong passwords. Try again later."));
        }

        if (!await users.CheckPasswordAsync(account, password))
        {
            await users.AccessFailedAsync(account);
            logger.LogInformation("A re-authentication failed for account {AccountId}", accountId);
            return OperationResult<string>.Fail(await users.IsLockedOutAsync(account)
                ? OperationResult.Forbidden("That password is not right, and your account is now locked after too many wrong passwords.")
                : OperationResult.Invalid("Password", "That password is not right."));
        }

        await users.ResetAccessFailedCountAsync(account);
        return OperationResult<string>.Ok(Issue(accountId));
    }

    /// <summary>True when the actor may do a sensitive action now: a key's caller, or a session with a live proof.</summary>
    public bool Holds(Actor actor) =>
        actor.Credential == ActorCredential.ApiKey
        || (actor.Reauthentication is { } proof
            && _proofs.TryGetValue(proof, out var held)
            && held.AccountId == actor.AccountId
            && held.Expires > clock.GetUtcNow());

    /// <summary>The refusal a service returns when <see cref="Holds"/> is false.</summary>
    public static OperationResult Required(string what) =>
        OperationResult.Forbidden($"{what} needs your password again: confirm it's you first.");

    internal string Issue(Guid accountId)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, held) in _proofs)
        {
            if (held.Expires <= now)
            {
                _proofs.TryRemove(key, out _);
            }
        }

        var proof = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _proofs[proof] = (accountId, now + Lifetime);
        return proof;
    }
}
