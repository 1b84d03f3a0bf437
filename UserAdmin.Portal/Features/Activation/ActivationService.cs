using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Activation;

/// <summary>Where an account stands: waiting for its first activation, active, or switched off by an admin.</summary>
public enum ActivationState
{
    Pending,
    Active,

    /// <summary>Was active (it has an activation time) and an admin deactivated it; it can be reactivated.</summary>
    Deactivated,
}

/// <summary>What an admin is told after an activation link was issued: whether the email left the portal.</summary>
public sealed record ActivationEmailOutcome(string Email, bool Sent, string? Problem);

/// <summary>A usable activation link, as the activation page shows it.</summary>
public sealed record ActivationLink(string UserName);

/// <summary>
/// Activation by emailed link (DESIGN.md, Usergrid): an admin sends or resends a single-use, expiring link to a pending
/// account; its owner follows it, chooses a password and the account becomes active. Admins can also deactivate an
/// active account and reactivate it. The link's token is stored only as a hash (<see cref="AccountTokens"/>) and never
/// reaches a log or an activity record.
/// </summary>
public sealed class ActivationService(
    OperationRunner runner,
    IDbContextFactory<PortalDbContext> dbFactory,
    IEmailSender email,
    EmailTemplates templates,
    PortalLinks links,
    IOptions<PortalOptions> options,
    TimeProvider clock)
{
    public const string PasswordField = "NewPassword";

    /// <summary>The one answer for a link that is wrong, used or expired: it tells nothing about which, or about the account.</summary>
    public const string LinkProblem =
        "This activation link cannot be used: it is not valid, it has already been used, or it has expired. Ask your administrator to send you a new one.";

    public static ActivationState StateOf(Account account) =>
        account.IsActivated ? ActivationState.Active : account.ActivatedAt is null ? ActivationState.Pending : ActivationState.Deactivated;

    /// <summary>
    /// Sends (or resends) an activation link to a pending account; older links stop working. The link is issued and
    /// recorded in one transaction, and the email is sent after commit, so a slow mail server never holds the database.
    /// If sending fails the result is still Ok (the link exists) with <see cref="ActivationEmailOutcome.Sent"/> false and
    /// a message for the admin, and the feed records the failure.
    /// </summary>
    public async Task<OperationResult<ActivationEmailOutcome>> SendActivationAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        EmailMessage? message = null;
        string? userName = null;
        var result = await runner.RunAsMemberAsync<ActivationEmailOutcome>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (account, refusal) = await LoadTargetAsync(op, accountId, ct);
            if (account is null)
            {
                return OperationResult<ActivationEmailOutcome>.Fail(refusal!);
            }

            var state = StateOf(account);
            if (state != ActivationState.Pending)
            {
                return OperationResult<ActivationEmailOutcome>.Fail(OperationResult.Invalid(state == ActivationState.Active
                    ? "This account is already active."
                    : "This account was deactivated; reactivate it instead of sending an activation link."));
            }

            if (string.IsNullOrEmpty(account.Email))
            {
                return OperationResult<ActivationEmailOutcome>.Fail(OperationResult.Invalid(AccountEmail.NoAddress));
            }

            var (token, expiresAt) = await AccountTokens.IssueAsync(
                op.Db, account.Id, AccountTokenPurpose.Activation, op.Now, options.Value.Tokens.ActivationLifetime, ct);
            var organization = await op.Db.Organizations.Where(o => o.Id == actor.OrganizationId).Select(o => o.DisplayName).SingleAsync(ct);
            userName = account.UserName ?? "";
            message = templates.Activation(account.Email, account.DisplayName, userName, organization, links.Activation(account.Id, token), expiresAt);

            var record = op.Record(
                "member.activation_sent",
                $"{op.Actor!.UserName} sent an activation link to {userName}",
                ActivityCategory.Security,
                account.Id,
                userName,
                new Dictionary<string, (object?, object?)> { ["sentTo"] = (null, account.Email), ["expiresAt"] = (null, expiresAt) });
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.activation_sent", record);
            return OperationResult<ActivationEmailOutcome>.Ok(new ActivationEmailOutcome(account.Email, Sent: true, Problem: null));
        }, ct);

        if (!result.Succeeded || message is null)
        {
            return result;
        }

        var delivery = await email.SendAsync(message, ct);
        if (delivery.Sent)
        {
            return result;
        }

        await RecordDeliveryFailureAsync(actor, accountId, userName!, ct);
        return new OperationResult<ActivationEmailOutcome>(
            OperationStatus.Ok,
            result.Value! with { Sent = false, Problem = delivery.Problem },
            $"The activation email to {message.To} could not be sent ({delivery.Problem?.TrimEnd('.')}). Send it again later with \"Resend activation\".");
    }

    /// <summary>For the activation page: who the link is for, or null when it cannot be used (no reason given).</summary>
    public async Task<ActivationLink?> CheckLinkAsync(Guid accountId, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await AccountTokens.FindUsableAsync(db, accountId, AccountTokenPurpose.Activation, token, clock.GetUtcNow().UtcDateTime, ct) is null)
        {
            return null;
        }

        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        return account is not null && StateOf(account) == ActivationState.Pending ? new ActivationLink(account.UserName ?? "") : null;
    }

    /// <summary>
    /// For a link that names its account another way (Usergrid's activate route: an organization, and the user by
    /// username, email or id): the account that the usable token was issued to, if the link names that account and one
    /// of its organizations. Null otherwise, whatever the reason, so that the answer tells nothing about the names.
    /// </summary>
    public async Task<Guid?> FindLinkAccountAsync(string organization, string user, string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = AccountTokens.Hash(token);
        var accountId = await db.AccountTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.AccountId).SingleOrDefaultAsync(ct);
        if (accountId is not { } id
            || await AccountTokens.FindUsableAsync(db, id, AccountTokenPurpose.Activation, token, clock.GetUtcNow().UtcDateTime, ct) is null
            || await db.Users.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is not { } account
            || StateOf(account) != ActivationState.Pending)
        {
            return null;
        }

        user = user.Trim();
        var named = Guid.TryParse(user, out var userId)
            ? userId == id
            : string.Equals(user, account.UserName, StringComparison.OrdinalIgnoreCase) || string.Equals(user, account.Email, StringComparison.OrdinalIgnoreCase);
        var organizations = await db.Memberships.Where(m => m.AccountId == id)
            .Select(m => new { m.OrganizationId, m.Organization!.Name })
            .ToListAsync(ct);
        var inOrganization = organizations.Any(o =>
            string.Equals(o.Name, organization, StringComparison.OrdinalIgnoreCase) || (Guid.TryParse(organization, out var orgId) && orgId == o.OrganizationId));
        return named && inOrganization ? id : null;
    }

    /// <summary>
    /// Following the link: checks the token, sets the chosen password (the account's rules apply), activates the account
    /// and confirms its email, and uses the token up. A refused password leaves the token usable. Returns the username.
    /// </summary>
    public Task<OperationResult<string>> ActivateAsync(Guid accountId, string? token, string? newPassword, string? clientAddress, CancellationToken ct = default) =>
        runner.RunAsync<string>(null, clientAddress, async op =>
        {
            var row = await AccountTokens.FindUsableAsync(op.Db, accountId, AccountTokenPurpose.Activation, token, op.Now, ct);
            var account = row is null ? null : await op.Users.FindByIdAsync(accountId.ToString());
            if (row is null || account is null || StateOf(account) != ActivationState.Pending)
            {
                return OperationResult<string>.Fail(OperationResult.Invalid(LinkProblem));
            }

            // Rotates the security stamp too: the account's sessions end.
            if (await AccountPasswords.ReplaceAsync(op.Users, account, newPassword) is { } refused)
            {
                return OperationResult<string>.Fail(OperationResult.Invalid(PasswordField, refused));
            }

            account.IsActivated = true;
            account.ActivatedAt = op.Now;
            account.EmailConfirmed = true;
            account.EmailConfirmedAt = op.Now;
            account.MustChangePassword = false;
            account.LastPasswordChangeAt = op.Now;
            row.UsedAt = op.Now;
            var updated = await op.Users.UpdateAsync(account);
            if (!updated.Succeeded)
            {
                return OperationResult<string>.Fail(OperationResult.Conflict("Your account changed while activating it; open the link again."));
            }

            // The account is the actor here, and it may belong to several organizations: each feed gets the record.
            var userName = account.UserName ?? "";
            await AccountActivity.RecordEverywhereAsync(op, account, "member.activated", $"{userName} activated their account",
                new Dictionary<string, (object?, object?)> { ["activated"] = (false, true), ["emailConfirmed"] = (false, true) }, accountActs: true, null, ct);

            return OperationResult<string>.Ok(userName);
        }, ct);

    /// <summary>
    /// Switches an active account off: it cannot sign in, its sessions end at the next security-stamp check, and any
    /// pending link stops working. The last SUPER of any organization cannot be deactivated. Ok(false) if already so.
    /// </summary>
    public Task<OperationResult<bool>> DeactivateAsync(Actor actor, Guid accountId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (account, refusal) = await LoadTargetAsync(op, accountId, ct);
            if (account is null)
            {
                return OperationResult<bool>.Fail(refusal!);
            }

            switch (StateOf(account))
            {
                case ActivationState.Deactivated:
                    return OperationResult<bool>.Ok(false);
                case ActivationState.Pending:
                    return OperationResult<bool>.Fail(OperationResult.Invalid("This account has not been activated yet, so it cannot be deactivated."));
            }

            // Unreachable through today's rules (acting on a SUPER takes being an active SUPER in each of its organizations),
            // but an organization must never lose its last SUPER whatever the rules become.
            if (await IsLastSuperSomewhereAsync(op.Db, accountId, ct))
            {
                return OperationResult<bool>.Fail(OperationResult.Forbidden(
                    "This account is the last SUPER admin of an organization; promote another member to SUPER first."));
            }

            account.IsActivated = false;
            var stamped = await op.Users.UpdateSecurityStampAsync(account);
            if (!stamped.Succeeded)
            {
                return OperationResult<bool>.Fail(OperationResult.Conflict("Someone else changed this account; reload and try again."));
            }

            await AccountTokens.RevokeAsync(op.Db, account.Id, AccountTokenPurpose.Activation, ct);
            RecordChange(op, account, "member.deactivated", "deactivated", before: true);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Switches a deactivated account back on; its password is unchanged. Ok(false) if it is already active.</summary>
    public Task<OperationResult<bool>> ReactivateAsync(Actor actor, Guid accountId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var (account, refusal) = await LoadTargetAsync(op, accountId, ct);
            if (account is null)
            {
                return OperationResult<bool>.Fail(refusal!);
            }

            switch (StateOf(account))
            {
                case ActivationState.Active:
                    return OperationResult<bool>.Ok(false);
                case ActivationState.Pending:
                    return OperationResult<bool>.Fail(OperationResult.Invalid(
                        "This account has never been activated; send it an activation link instead."));
            }

            account.IsActivated = true;
            account.ActivatedAt = op.Now;
            var updated = await op.Users.UpdateAsync(account);
            if (!updated.Succeeded)
            {
                return OperationResult<bool>.Fail(OperationResult.Conflict("Someone else changed this account; reload and try again."));
            }

            RecordChange(op, account, "member.reactivated", "reactivated", before: false);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>The member in the actor's organization, if the actor may act on the account here and everywhere it belongs.</summary>
    private static async Task<(Account? Account, OperationResult? Refusal)> LoadTargetAsync(OperationContext op, Guid accountId, CancellationToken ct)
    {
        var membership = await op.Db.Memberships
            .Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.OrganizationId == op.OrganizationId && m.AccountId == accountId, ct);
        if (membership?.Account is not { } account)
        {
            return (null, OperationResult.NotFound("No such member in this organization."));
        }

        var decision = AccessRules.Check(op.Actor!, MemberAction.Activate, await MemberTargets.DescribeAsync(op.Db, membership, ct));
        if (decision.Allowed)
        {
            decision = await MemberTargets.CheckAccountWideAsync(op.Db, op.Actor!, accountId, MemberAction.Activate, ct);
        }

        return decision.Allowed ? (account, null) : (null, OperationResult.From(decision));
    }

    private static void RecordChange(OperationContext op, Account account, string verb, string done, bool before)
    {
        var record = op.Record(
            verb,
            $"{op.Actor!.UserName} {done} {account.UserName}",
            ActivityCategory.Security,
            account.Id,
            account.UserName ?? "",
            new Dictionary<string, (object?, object?)> { ["activated"] = (before, !before) });
        op.Notify(ChangeEntities.Member, account.Id.ToString(), verb, record);
    }

    private Task<OperationResult<bool>> RecordDeliveryFailureAsync(Actor actor, Guid accountId, string userName, CancellationToken ct) =>
        runner.RunAsync<bool>(actor.OrganizationId, actor.ClientAddress, op =>
        {
            var record = op.Record(
                "member.activation_email_failed",
                $"The activation email to {userName} could not be sent",
                ActivityCategory.Security,
                accountId,
                userName);
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.activation_email_failed", record);
            return Task.FromResult(OperationResult<bool>.Ok(true));
        }, ct);

    private static Task<bool> IsLastSuperSomewhereAsync(PortalDbContext db, Guid accountId, CancellationToken ct) =>
        db.Memberships.AnyAsync(
            m => m.AccountId == accountId && m.Rank == MemberRank.Super && !m.IsSuspended
                && !db.Memberships.Any(o => o.OrganizationId == m.OrganizationId && o.AccountId != accountId && o.Rank == MemberRank.Super && !o.IsSuspended),
            ct);
}
