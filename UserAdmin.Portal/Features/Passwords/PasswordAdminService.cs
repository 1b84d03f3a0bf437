using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Passwords;

/// <summary>A temporary password, shown once to the help-desk agent who set it, and when it stops working.</summary>
public sealed record TemporaryPassword(string Password, DateTime ExpiresAt);

/// <summary>
/// The help desk's password work on one member: force a change, set a temporary password, unlock, sign out
/// everywhere. Each is account-wide (reset_passwords, and the actor's say over the account in every organization).
/// </summary>
public sealed class PasswordAdminService(OperationRunner runner, IOptions<PortalOptions> options)
{
    // No look-alikes (0/o, 1/l/i): read out over the phone and typed in once.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    /// <summary>Four groups of four: 80 bits of randomness, over the length rule, never a common password.</summary>
    public static string GeneratePassword()
    {
        var characters = RandomNumberGenerator.GetString(Alphabet, 16);
        return string.Join("-", Enumerable.Range(0, 4).Select(i => characters.Substring(i * 4, 4)));
    }

    public Task<OperationResult<bool>> ForceChangeAsync(Actor actor, Guid accountId, CancellationToken ct = default) =>
        RunAsync(actor, accountId, (op, account) =>
        {
            if (account.MustChangePassword)
            {
                return null;
            }

            // Open sessions pick the flag up at their next security-stamp check and are sent to the change form.
            account.MustChangePassword = true;
            return new PasswordChange("member.password_change_forced",
                $"{op.Actor!.UserName} required {account.UserName} to change their password",
                new() { ["mustChangePassword"] = (false, true) });
        }, ct);

    public async Task<OperationResult<TemporaryPassword>> SetTemporaryPasswordAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        var password = GeneratePassword();
        TemporaryPassword? issued = null;
        var result = await RunAsync(actor, accountId, (op, account) =>
        {
            var expires = op.Now.AddHours(Math.Max(1, options.Value.Passwords.TemporaryPasswordHours));
            var mustChangeBefore = account.MustChangePassword;
            account.PasswordHash = op.Users.PasswordHasher.HashPassword(account, password);
            account.MustChangePassword = true;
            account.TemporaryPasswordExpiresAt = expires;
            account.LastPasswordChangeAt = op.Now;

            // A new password ends the account's sessions, like any password change.
            account.SecurityStamp = Guid.NewGuid().ToString("N");
            issued = new TemporaryPassword(password, expires);
            return new PasswordChange("member.temporary_password_set",
                $"{op.Actor!.UserName} set a temporary password for {account.UserName}",
                new() { ["temporaryPasswordExpiresAt"] = (null, expires.ToString("u")), ["mustChangePassword"] = (mustChangeBefore, true) });
        }, ct);
        return result.Succeeded ? OperationResult<TemporaryPassword>.Ok(issued!) : OperationResult<TemporaryPassword>.Fail(result);
    }

    public Task<OperationResult<bool>> UnlockAsync(Actor actor, Guid accountId, CancellationToken ct = default) =>
        RunAsync(actor, accountId, (op, account) =>
        {
            if (account.LockoutEnd is null && account.AccessFailedCount == 0)
            {
                return null;
            }

            var wasLocked = account.LockoutEnd > op.Now;
            account.LockoutEnd = null;
            account.AccessFailedCount = 0;
            return new PasswordChange("member.unlocked",
                $"{op.Actor!.UserName} unlocked {account.UserName}",
                new() { ["lockedOut"] = (wasLocked, false) });
        }, ct);

    public Task<OperationResult<bool>> SignOutEverywhereAsync(Actor actor, Guid accountId, CancellationToken ct = default) =>
        RunAsync(actor, accountId, (op, account) =>
        {
            account.SecurityStamp = Guid.NewGuid().ToString("N");
            return new PasswordChange("member.signed_out_everywhere",
                $"{op.Actor!.UserName} signed {account.UserName} out everywhere");
        }, ct);

    /// <summary>The shared frame: rules, the change, one security record and a notice; an unchanged account writes nothing.</summary>
    private Task<OperationResult<bool>> RunAsync(Actor actor, Guid accountId, Func<OperationContext, Account, PasswordChange?> change, CancellationToken ct) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ResetPasswords, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ResetPassword, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var account = membership.Account!;
            if (change(op, account) is not { } done)
            {
                return OperationResult<bool>.Ok(false);
            }

            MemberOperation.Touch(account);
            var record = op.Record(done.Verb, done.Title, ActivityCategory.Security, account.Id, account.UserName ?? "", done.Diff);
            op.Notify(ChangeEntities.Member, account.Id.ToString(), done.Verb, record);
            return OperationResult<bool>.Ok(true);
        }, ct);
}

/// <summary>What a password action changed, for its activity record; null from the action when nothing changed.</summary>
internal sealed record PasswordChange(string Verb, string Title, Dictionary<string, (object?, object?)>? Diff = null);
