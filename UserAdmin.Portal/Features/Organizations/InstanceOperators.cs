using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.Organizations;

/// <summary>
/// The people who run the portal instance (<c>Portal:Operators</c>, by username): they create organizations. Being
/// an operator is not a rank in any organization, so it is checked against the configuration on every request.
/// </summary>
public sealed class InstanceOperators(
    IOptionsMonitor<PortalOptions> options,
    IDbContextFactory<PortalDbContext> dbFactory,
    OrganizationProvisioner provisioner)
{
    public const string NotAnOperator = "Only the portal's operators can create organizations.";

    /// <summary>The account's username when it is an operator that can sign in; null otherwise.</summary>
    public async Task<string?> OperatorNameAsync(Guid accountId, CancellationToken ct = default)
    {
        var operators = options.CurrentValue.Operators;
        if (operators.Count == 0)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Users.AsNoTracking()
            .Where(a => a.Id == accountId && a.IsActivated)
            .Select(a => new { a.UserName, a.LockoutEnd })
            .SingleOrDefaultAsync(ct);
        if (account?.UserName is not { } userName || account.LockoutEnd > DateTimeOffset.UtcNow)
        {
            return null;
        }

        return operators.Any(o => string.Equals(o.Trim(), userName, StringComparison.OrdinalIgnoreCase)) ? userName : null;
    }

    public async Task<OperationResult<Guid>> CreateOrganizationAsync(
        Guid operatorAccountId, string name, string displayName, string adminLogin, string? clientAddress = null, CancellationToken ct = default)
    {
        if (await OperatorNameAsync(operatorAccountId, ct) is not { } operatorName)
        {
            return OperationResult<Guid>.Fail(OperationResult.Forbidden(NotAnOperator));
        }

        return await provisioner.CreateWithExistingAdminAsync(
            new ExistingAdminOrganization((name ?? "").Trim(), displayName ?? "", adminLogin, operatorAccountId, operatorName, clientAddress), ct);
    }
}
