using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Passwords;

/// <summary>What the reset page shows for a link that can be used.</summary>
public sealed record ResetLink(string UserName);

/// <summary>
/// Password reset by emailed link: sent by the help desk from the member page, or asked for on the public form
/// (which answers the same, in the same time, whether or not the account exists). The link's token is single-use,
/// short-lived and stored only as a hash; choosing the new password signs the account out everywhere and unlocks it.
/// </summary>
public sealed class PasswordResetService(
    OperationRunner runner,
    IDbContextFactory<PortalDbContext> dbFactory,
    IEmailSender email,
    EmailOutbox outbox,
    EmailTemplates templates,
    PortalLinks links,
    IOptions<PortalOptions> options,
    TimeProvider clock) : IDisposable
{
    public const string PasswordField = "NewPassword";

    /// <summary>The public form's one answer, whatever happened.</summary>
    public const string RequestAnswer =
        "If an active account has that username or email address, a link to choose a new password is on its way to the account's email address. Check your inbox (and spam folder).";

    /// <summary>The one answer for a link that is wrong, used or expired.</summary>
    public const string LinkProblem =
        "This password reset link cannot be used: it is not valid, it has already been used, or it has expired. Ask for a new one.";

    public const int IdentifierMaxLength = 256;

    // Per typed username/email rather than per account, so that a limited request looks exactly like any other.
    private readonly PartitionedRateLimiter<string> _perAccount = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.Passwords.ResetRequestsPerAccount),
            Window = TimeSpan.FromMinutes(Math.Max(1, options.Value.Passwords.ResetRequestWindowMinutes)),
            QueueLimit = 0,
        }));

    /// <summary>
    /// The help desk's "Send reset link": reset_passwords and the actor's say over the account everywhere it belongs.
    /// The link is issued and recorded in one transaction; the email goes out after commit and the agent is told if it failed.
    /// </summary>
    public async Task<OperationResult<ActivationEmailOutcome>> SendResetLinkAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        EmailMessage? message = null;
        var result = await runner.RunAsMemberAsync<ActivationEmailOutcome>(actor, PortalPermissions.ResetPasswords, async op =>
        {
            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.ResetPassword, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<ActivationEmailOutcome>(refusal);
            }

            var account = membership.Account!;
            if (ActivationService.StateOf(account) != ActivationState.Active)
            {
                return OperationResult<ActivationEmailOutcome>.Fail(OperationResult.Invalid(
                    "This account is not active: send it an activation link or reactivate it instead."));
            }

            if (string.IsNullOrEmpty(account.Email))
            {
                return OperationResult<ActivationEmailOutcome>.Fail(OperationResult.Invalid(AccountEmail.NoAddress));
            }

            var (token, expiresAt) = await AccountTokens.IssueAsync(
                op.Db, account.Id, AccountTokenPurpose.PasswordReset, op.Now, options.Value.Tokens.PasswordResetLifetime, ct);
            message = templates.PasswordReset(account.Email, account.DisplayName, account.UserName ?? "", links.PasswordReset(account.Id, token), expiresAt, sentByHelpDesk: true);
            var record = op.Record(
                "member.password_reset_link_sent",
                $"{op.Actor!.UserName} sent a password reset link to {account.UserName}",
                ActivityCategory.Security,
                account.Id,
                account.UserName ?? "",
                new Dictionary<string, (object?, object?)> { ["sentTo"] = (null, account.Email), ["expiresAt"] = (null, expiresAt) });
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.password_reset_link_sent", record);
            return OperationResult<ActivationEmailOutcome>.Ok(new ActivationEmailOutcome(account.Email, Sent: true, Problem: null));
        }, ct);

        if (!result.Succeeded || message is null)
        {
            return result;
        }

        var delivery = await email.SendAsync(message, ct);
        return delivery.Sent
            ? result
            : new OperationResult<ActivationEmailOutcome>(
                OperationStatus.Ok,
                result.Value! with { Sent = false, Problem = delivery.Problem },
                $"The reset email to {message.To} could not be sent ({delivery.Problem?.TrimEnd('.')}). Try again later, or set a temporary password.");
    }

    /// <summary>
    /// The public form. Finds an active account by username or email; if there is one (and neither this identifier's
    /// limit nor an empty address stops it), issues a link and queues the email. Always the same answer, and never
    /// sooner than the configured minimum, so neither the text nor the timing says whether the account exists.
    /// </summary>
    public async Task<string> RequestAsync(string? identifier, string? clientAddress, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var typed = (identifier ?? "").Trim();
        if (typed.Length is > 0 and <= IdentifierMaxLength)
        {
            using var lease = _perAccount.AttemptAcquire(typed.ToUpperInvariant());
            if (lease.IsAcquired)
            {
                await IssueRequestedLinkAsync(typed, clientAddress, ct);
            }
        }

        var floor = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.Passwords.ResetRequestMinimumMilliseconds));
        // Timers may fire a little early: wait again until the floor has really passed.
        for (var remaining = floor - Stopwatch.GetElapsedTime(started); remaining > TimeSpan.Zero; remaining = floor - Stopwatch.GetElapsedTime(started))
        {
            await Task.Delay(remaining + TimeSpan.FromMilliseconds(1), ct);
        }

        return RequestAnswer;
    }

    private async Task IssueRequestedLinkAsync(string typed, string? clientAddress, CancellationToken ct)
    {
        EmailMessage? message = null;
        await runner.RunAsync<bool>(null, clientAddress, async op =>
        {
            var normalized = typed.ToUpperInvariant();
            // An email may belong to several accounts only if the store allows it; the oldest one is the owner then.
            var account = await op.Db.Users
                .Where(a => a.NormalizedUserName == normalized || a.NormalizedEmail == normalized)
                .OrderBy(a => a.NormalizedUserName == normalized ? 0 : 1).ThenBy(a => a.CreatedAt)
                .FirstOrDefaultAsync(ct);
            if (account is null || ActivationService.StateOf(account) != ActivationState.Active || string.IsNullOrEmpty(account.Email))
            {
                return OperationResult<bool>.Ok(false);
            }

            var (token, expiresAt) = await AccountTokens.IssueAsync(
                op.Db, account.Id, AccountTokenPurpose.PasswordReset, op.Now, options.Value.Tokens.PasswordResetLifetime, ct);
            message = templates.PasswordReset(account.Email, account.DisplayName, account.UserName ?? "", links.PasswordReset(account.Id, token), expiresAt, sentByHelpDesk: false);
            await AccountActivity.RecordEverywhereAsync(op, account, "account.password_reset_requested",
                $"A password reset link for {account.UserName} was requested", null, accountActs: false, "public reset form", ct);

            return OperationResult<bool>.Ok(true);
        }, ct);

        if (message is not null)
        {
            outbox.Enqueue(message);
        }
    }

    /// <summary>For the reset page: who the link is for, or null when it cannot be used (no reason given).</summary>
    public async Task<ResetLink?> CheckLinkAsync(Guid accountId, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await AccountTokens.FindUsableAsync(db, accountId, AccountTokenPurpose.PasswordReset, token, clock.GetUtcNow().UtcDateTime, ct) is null)
        {
            return null;
        }

        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        return account is not null && ActivationService.StateOf(account) == ActivationState.Active ? new ResetLink(account.UserName ?? "") : null;
    }

    /// <summary>
    /// Following the link: checks the token, sets the new password (the account's rules apply), ends every session
    /// (new security stamp), clears a lockout and a pending forced change, and uses the token up. A refused password
    /// leaves the token usable. Returns the username.
    /// </summary>
    public Task<OperationResult<string>> ResetAsync(Guid accountId, string? token, string? newPassword, string? clientAddress, CancellationToken ct = default) =>
        runner.RunAsync<string>(null, clientAddress, async op =>
        {
            var row = await AccountTokens.FindUsableAsync(op.Db, accountId, AccountTokenPurpose.PasswordReset, token, op.Now, ct);
            var account = row is null ? null : await op.Users.FindByIdAsync(accountId.ToString());
            if (row is null || account is null || ActivationService.StateOf(account) != ActivationState.Active)
            {
                return OperationResult<string>.Fail(OperationResult.Invalid(LinkProblem));
            }

            // Rotates the security stamp too: the account's sessions end.
            if (await AccountPasswords.ReplaceAsync(op.Users, account, newPassword) is { } refused)
            {
                return OperationResult<string>.Fail(OperationResult.Invalid(PasswordField, refused));
            }

            var wasLocked = account.LockoutEnd > op.Now;
            account.MustChangePassword = false;
            account.TemporaryPasswordExpiresAt = null;
            account.LastPasswordChangeAt = op.Now;
            account.LockoutEnd = null;
            account.AccessFailedCount = 0;
            row.UsedAt = op.Now;
            var updated = await op.Users.UpdateAsync(account);
            if (!updated.Succeeded)
            {
                return OperationResult<string>.Fail(OperationResult.Conflict("Your account changed while saving; open the link again."));
            }

            var userName = account.UserName ?? "";
            await AccountActivity.RecordEverywhereAsync(op, account, "account.password_reset", $"{userName} chose a new password with a reset link",
                wasLocked ? new Dictionary<string, (object?, object?)> { ["lockedOut"] = (true, false) } : null, accountActs: true, null, ct);
            return OperationResult<string>.Ok(userName);
        }, ct);

    public void Dispose() => _perAccount.Dispose();
}
