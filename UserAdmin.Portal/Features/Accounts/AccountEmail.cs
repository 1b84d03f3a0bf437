using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// An account's email address is optional (decision 0007). A missing one is stored as NULL, never "", so it is never
/// equal to another account's missing one. A present one is unique among accounts, compared on Identity's normalized
/// form (any case); the services check it in the transaction that writes it, because Identity's own check
/// (RequireUniqueEmail) refuses an empty address.
/// </summary>
public static class AccountEmail
{
    public const int MaxLength = 256;

    /// <summary>Why an emailed link (reset, activation, confirmation) cannot be sent to an account without an address.</summary>
    public const string NoAddress = "No email address: give them a temporary password instead.";

    public const string InvalidAddress = "Enter a valid email address, such as name@example.org.";

    /// <summary>The address as it is stored: trimmed, or null when nothing was typed.</summary>
    public static string? Clean(string? typed) => string.IsNullOrWhiteSpace(typed) ? null : typed.Trim();

    /// <summary>Whether a trimmed, non-empty address is one the portal accepts (one plain address with a dotted domain).</summary>
    public static bool IsValid(string email) =>
        email.Length <= MaxLength
        && MailAddress.TryCreate(email, out var parsed)
        && parsed.Address == email
        && email.Contains('.', StringComparison.Ordinal);

    /// <summary>Whether an account other than <paramref name="exceptAccountId"/> already has this normalized address.</summary>
    public static Task<bool> IsTakenAsync(PortalDbContext db, string normalizedEmail, Guid? exceptAccountId, CancellationToken ct) =>
        db.Users.AnyAsync(a => a.NormalizedEmail == normalizedEmail && a.Id != exceptAccountId, ct);
}
