using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// Issues and checks the tokens of emailed links: 256 random bits as base64url text, stored only as a SHA-256 hash.
/// A hash is enough (no salt, no slow hash): the token is random and long, so there is nothing to guess or look up.
/// Runs inside the caller's operation, on its DbContext and transaction.
/// </summary>
public static class AccountTokens
{
    private const int TokenBytes = 32;

    /// <summary>Base64url of 32 bytes, without padding.</summary>
    public const int TokenLength = 43;

    /// <summary>A new token for the account; any earlier token for the same purpose stops working.</summary>
    public static async Task<(string Token, DateTime ExpiresAt)> IssueAsync(
        PortalDbContext db, Guid accountId, AccountTokenPurpose purpose, DateTime now, TimeSpan lifetime, CancellationToken ct = default)
    {
        await RevokeAsync(db, accountId, purpose, ct);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var expiresAt = now + lifetime;
        db.AccountTokens.Add(new AccountToken
        {
            AccountId = accountId,
            Purpose = purpose,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        return (token, expiresAt);
    }

    /// <summary>The token's row if it belongs to the account and purpose, is unused and has not expired; otherwise null.</summary>
    public static async Task<AccountToken?> FindUsableAsync(
        PortalDbContext db, Guid accountId, AccountTokenPurpose purpose, string? token, DateTime now, CancellationToken ct = default)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        var hash = Hash(token!);
        var row = await db.AccountTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        return row is not null && row.AccountId == accountId && row.Purpose == purpose && row.UsedAt is null && row.ExpiresAt > now
            ? row
            : null;
    }

    /// <summary>Ends every token of the account for the purpose (a new link, or the account changed state).</summary>
    public static Task RevokeAsync(PortalDbContext db, Guid accountId, AccountTokenPurpose purpose, CancellationToken ct = default) =>
        db.AccountTokens.Where(t => t.AccountId == accountId && t.Purpose == purpose).ExecuteDeleteAsync(ct);

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
