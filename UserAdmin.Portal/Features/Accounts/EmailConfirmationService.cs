using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// Confirming a changed email address: when an admin sets a new address, links sent to the old one stop working and
/// the new one gets a single-use, expiring link; following it (and pressing the button, so mail scanners that open
/// links confirm nothing) marks the address confirmed.
/// </summary>
public sealed class EmailConfirmationService(
    OperationRunner runner,
    IDbContextFactory<PortalDbContext> dbFactory,
    EmailTemplates templates,
    PortalLinks links,
    IOptions<PortalOptions> options,
    TimeProvider clock)
{
    public const string LinkProblem =
        "This confirmation link cannot be used: it is not valid, it has already been used, or it has expired. Ask your administrator to send a new one.";

    /// <summary>
    /// Inside the operation that changed the address: ends the account's pending links and, for an active account,
    /// issues the confirmation link. Returns the message to send after commit (null for an account still pending
    /// activation, whose activation link confirms the address).
    /// </summary>
    public async Task<EmailMessage?> AddressChangedAsync(OperationContext op, Account account, CancellationToken ct)
    {
        foreach (var purpose in new[] { AccountTokenPurpose.PasswordReset, AccountTokenPurpose.EmailConfirmation, AccountTokenPurpose.Activation })
        {
            await AccountTokens.RevokeAsync(op.Db, account.Id, purpose, ct);
        }

        if (!account.IsActivated || string.IsNullOrEmpty(account.Email))
        {
            return null;
        }

        var (token, expiresAt) = await AccountTokens.IssueAsync(
            op.Db, account.Id, AccountTokenPurpose.EmailConfirmation, op.Now, options.Value.Tokens.EmailConfirmationLifetime, ct);
        return templates.EmailConfirmation(account.Email, account.DisplayName, account.UserName ?? "", links.EmailConfirmation(account.Id, token), expiresAt);
    }

    /// <summary>The address the link confirms, or null when it cannot be used.</summary>
    public async Task<string?> CheckLinkAsync(Guid accountId, string? token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await AccountTokens.FindUsableAsync(db, accountId, AccountTokenPurpose.EmailConfirmation, token, clock.GetUtcNow().UtcDateTime, ct) is null)
        {
            return null;
        }

        return await db.Users.Where(a => a.Id == accountId).Select(a => a.Email).SingleOrDefaultAsync(ct);
    }

    /// <summary>Confirms the address and uses the link up; one security record per organization of the account.</summary>
    public Task<OperationResult<string>> ConfirmAsync(Guid accountId, string? token, string? clientAddress, CancellationToken ct = default) =>
        runner.RunAsync<string>(null, clientAddress, async op =>
        {
            var row = await AccountTokens.FindUsableAsync(op.Db, accountId, AccountTokenPurpose.EmailConfirmation, token, op.Now, ct);
            var account = row is null ? null : await op.Db.Users.SingleOrDefaultAsync(a => a.Id == accountId, ct);
            if (row is null || account is null || string.IsNullOrEmpty(account.Email))
            {
                return OperationResult<string>.Fail(OperationResult.Invalid(LinkProblem));
            }

            row.UsedAt = op.Now;
            account.EmailConfirmed = true;
            account.EmailConfirmedAt = op.Now;
            account.ConcurrencyStamp = Guid.NewGuid().ToString();
            await AccountActivity.RecordEverywhereAsync(op, account, "account.email_confirmed", $"{account.UserName} confirmed their email address",
                new Dictionary<string, (object?, object?)> { ["emailConfirmed"] = (false, true) }, accountActs: true, null, ct);

            return OperationResult<string>.Ok(account.Email);
        }, ct);
}
