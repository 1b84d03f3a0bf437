using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// Security records for what happens to an account as a whole when no member of an organization is acting (the
/// account holder following an emailed link, the public reset form): every organization the account belongs to gets
/// the record in its feed, with its live notice.
/// </summary>
internal static class AccountActivity
{
    /// <param name="accountActs">The account holder did it (actor = the account); otherwise <paramref name="actorName"/> names who did.</param>
    public static async Task RecordEverywhereAsync(
        OperationContext op,
        Account account,
        string verb,
        string title,
        IReadOnlyDictionary<string, (object? Before, object? After)>? diff,
        bool accountActs,
        string? actorName,
        CancellationToken ct)
    {
        var userName = account.UserName ?? "";
        var organizations = await op.Db.Memberships.Where(m => m.AccountId == account.Id).Select(m => m.OrganizationId).ToListAsync(ct);
        foreach (var organizationId in organizations)
        {
            var record = op.WithOrganization(organizationId).Record(
                verb, title, ActivityCategory.Security, account.Id, userName, diff,
                actorAccountId: accountActs ? account.Id : null,
                actorName: accountActs ? userName : actorName);
            op.Notify(ChangeEntities.Member, account.Id.ToString(), verb, record);
        }
    }
}
