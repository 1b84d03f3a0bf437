using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Dashboard;

public sealed record MemberFigures(
    int Total, int Active, int Suspended, int PendingActivation, int LockedOut,
    int Regular, int Admin, int Super, int Users, int Guests);

public sealed record DayFigure(DateOnly Day, int SignIns, int Changes);

/// <summary>What the dashboard shows; parts the viewer may not see are null.</summary>
public sealed record DashboardFigures(string OrganizationName, MemberFigures? Members, IReadOnlyList<DayFigure>? Days);

/// <summary>
/// The organization at a glance: members by status, rank and tag (one pass over a covering directory index), and
/// sign-ins and changes per day from the activity feed.
/// </summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int Days = 14;

    public async Task<OperationResult<DashboardFigures>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return OperationResult<DashboardFigures>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        var name = await db.Organizations.Where(o => o.Id == actor.OrganizationId).Select(o => o.DisplayName).SingleAsync(ct);
        var members = viewer.Has(PortalPermissions.ViewUsers) ? await MembersAsync(db, actor.OrganizationId, ct) : null;
        var days = viewer.Has(PortalPermissions.ViewActivity) ? await DaysAsync(db, actor.OrganizationId, ct) : null;
        return OperationResult<DashboardFigures>.Ok(new DashboardFigures(name, members, days));
    }

    private async Task<MemberFigures> MembersAsync(PortalDbContext db, Guid organizationId, CancellationToken ct)
    {
        // Status as the grid defines it: suspended wins, then pending activation, then locked out, else active.
        const string sql = """
            SELECT COUNT(*),
                   SUM(IsSuspended = 1),
                   SUM(IsSuspended = 0 AND IsActivated = 0),
                   SUM(IsSuspended = 0 AND IsActivated = 1 AND LockoutEnd > @now),
                   SUM(Rank = 0), SUM(Rank = 1), SUM(Rank = 2),
                   SUM(Tag = 1)
            FROM MemberDirectory WHERE OrganizationId = @org
            """;
        await db.Database.OpenConnectionAsync(ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new SqliteParameter("@org", organizationId.ToString().ToUpperInvariant()));
        command.Parameters.Add(new SqliteParameter("@now", clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        int At(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt32(i);
        var total = At(0);
        var (suspended, pending, locked) = (At(1), At(2), At(3));
        var guests = At(7);
        return new MemberFigures(total, total - suspended - pending - locked, suspended, pending, locked, At(4), At(5), At(6), total - guests, guests);
    }

    private async Task<IReadOnlyList<DayFigure>> DaysAsync(PortalDbContext db, Guid organizationId, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = today.AddDays(-(Days - 1)).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = await db.Activity.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && a.OccurredAt >= from)
            .GroupBy(a => new { a.OccurredAt.Date, SignIn = a.Verb == "account.signed_in" })
            .Select(g => new { g.Key.Date, g.Key.SignIn, Count = g.Count() })
            .ToListAsync(ct);
        return Enumerable.Range(0, Days)
            .Select(i => today.AddDays(i - (Days - 1)))
            .Select(day => new DayFigure(
                day,
                rows.Where(r => DateOnly.FromDateTime(r.Date) == day && r.SignIn).Sum(r => r.Count),
                rows.Where(r => DateOnly.FromDateTime(r.Date) == day && !r.SignIn).Sum(r => r.Count)))
            .ToList();
    }
}
