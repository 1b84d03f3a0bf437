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
            var (change, expires) = IssueTemporary(op, account, password, "member.temporary_password_set",
                $"{op.Actor!.UserName} set a temporary password for {account.UserName}");
            issued = new TemporaryPassword(password, expires);
            return change;
        }, ct);
        return result.Succeeded ? OperationResult<TemporaryPassword>.Ok(issued!) : OperationResult<TemporaryPassword>.Fail(result);
    }

    /// <summary>
    /// Sets a password the admin chose (scripts carried over from systems that set one, such as Virtool's edit). It is
    /// always temporary: the member must change it at the next sign-in and it stops working after the same hours as a
    /// generated one. It must pass the same rules as any password (length, not common, not the username); the activity
    /// record says that a password was set, never which.
    /// </summary>
    public Task<OperationResult<bool>> SetChosenPasswordAsync(Actor actor, Guid accountId, string password, CancellationToken ct = default) =>
        RunAsync(actor, accountId,
            (op, account) => IssueTemporary(op, account, password, "member.password_set",
                $"{op.Actor!.UserName} set a temporary password of their choosing for {account.UserName}").Change,
            ct,
            check: async (op, account) =>
            {
                var problems = new List<string>();
                foreach (var validator in op.Users.PasswordValidators)
                {
                    problems.AddRange((await validator.ValidateAsync(op.Users, account, password)).Errors.Select(e => e.Description));
                }

                return problems.Count == 0
                    ? null
                    : OperationResult.Invalid(string.Join(" ", problems.Distinct()), new Dictionary<string, string[]> { ["Password"] = [.. problems.Distinct()] });
            });

    /// <summary>
    /// A password that works until it is changed or for <see cref="PasswordSettings.TemporaryPasswordHours"/>, whichever
    /// comes first; the member must change it at the next sign-in, and the account's sessions end.
    /// </summary>
    private (PasswordChange Change, DateTime Expires) IssueTemporary(OperationContext op, Account account, string password, string verb, string title)
    {
        var expires = op.Now.AddHours(Math.Max(1, options.Value.Passwords.TemporaryPasswordHours));
        var mustChangeBefore = account.MustChangePassword;
        account.PasswordHash = op.Users.PasswordHasher.HashPassword(account, password);
        account.MustChangePassword = true;
        account.TemporaryPasswordExpiresAt = expires;
        account.LastPasswordChangeAt = op.Now;

        // A new password ends the account's sessions, like any password change.
        account.SecurityStamp = Guid.NewGuid().ToString("N");
        return (new PasswordChange(verb, title,
            new() { ["temporaryPasswordExpiresAt"] = (null, expires.ToString("u")), ["mustChangePassword"] = (mustChangeBefore, true) }), expires);
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

    /// <summary>The shared frame: rules, an optional check of the input, the change, one security record and a notice; an unchanged account writes nothing.</summary>
    private Task<OperationResult<bool>> RunAsync(
        Actor actor, Guid accountId, Func<OperationContext, Account, PasswordChange?> change, CancellationToken ct,
        Func<OperationContext, Account, Task<OperationResult?>>? check = null) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ResetPasswords, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ResetPassword, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var account = membership.Account!;
            if (check is not null && await check(op, account) is { } invalid)
            {
                return OperationResult<bool>.Fail(invalid);
            }

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
