using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>Setting a password chosen through an emailed link (activation, reset), where the old one is not asked for.</summary>
internal static class AccountPasswords
{
    /// <summary>
    /// Replaces the account's password with one that passes the account's rules; AddPassword also rotates the security
    /// stamp, so the account's sessions end. Null when done, otherwise the rules' complaints as one sentence.
    /// </summary>
    public static async Task<string?> ReplaceAsync(UserManager<Account> users, Account account, string? newPassword)
    {
        if (await users.HasPasswordAsync(account))
        {
            await users.RemovePasswordAsync(account);
        }

        var added = await users.AddPasswordAsync(account, newPassword ?? "");
        return added.Succeeded ? null : string.Join(" ", added.Errors.Select(e => e.Description));
    }
}
