using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Organizations;

public sealed record OrganizationChoice(Guid Id, string Name, string DisplayName, MemberRank Rank);

public sealed record OrganizationSummary(Guid Id, string Name, string DisplayName, int MemberCount);

/// <summary>Read-only questions the shell asks about the signed-in account: its organizations and its standing.</summary>
public sealed class SessionQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<OrganizationChoice>> ListOrganizationsAsync(Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Memberships
            .AsNoTracking()
            .Where(m => m.AccountId == accountId && !m.IsSuspended)
            .OrderBy(m => m.Organization!.DisplayName)
            .Select(m => new OrganizationChoice(m.OrganizationId, m.Organization!.Name, m.Organization.DisplayName, m.Rank))
            .ToListAsync(ct);
    }

    public async Task<ActingMember?> GetActingMemberAsync(Guid accountId, Guid organizationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ActingMemberLoader.LoadAsync(db, accountId, organizationId, ct);
    }

    /// <summary>The organization's headline figures; only for an active member of it.</summary>
    public async Task<OrganizationSummary?> GetSummaryAsync(Guid accountId, Guid organizationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ActingMemberLoader.LoadAsync(db, accountId, organizationId, ct) is null)
        {
            return null;
        }

        return await db.Organizations
            .AsNoTracking()
            .Where(o => o.Id == organizationId)
            .Select(o => new OrganizationSummary(o.Id, o.Name, o.DisplayName, o.MemberCount))
            .SingleOrDefaultAsync(ct);
    }
}
