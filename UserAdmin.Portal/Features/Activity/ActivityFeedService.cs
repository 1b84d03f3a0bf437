using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Activity;

/// <summary>One field's change in an activity record.</summary>
public sealed record ActivityChange(string Field, string? Before, string? After);

public sealed record ActivityItem(
    long Id,
    DateTime OccurredAt,
    string ActorName,
    Guid? ActorAccountId,
    string Verb,
    string Title,
    ActivityCategory Category,
    string TargetName,
    Guid? TargetAccountId,
    string? ClientAddress,
    IReadOnlyList<ActivityChange> Changes);

/// <summary>A page of the feed, newest first. Cursors are record ids: the feed is append-only, so they never shift.</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, long? OlderThan, long? NewerThan)
{
    public static ActivityPage Empty { get; } = new([], null, null);
}

/// <summary>Which records: the whole organization, or what one member did and what was done to them.</summary>
public sealed record ActivityQuery(Guid? MemberAccountId = null);

/// <summary>Reads the activity feed with keyset paging on the record id (index seeks at any depth).</summary>
public sealed class ActivityFeedService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <param name="before">Return records older than this id (the next page down), or null for the newest.</param>
    /// <param name="after">Return records newer than this id (the page above), when <paramref name="before"/> is null.</param>
    public async Task<OperationResult<ActivityPage>> ListAsync(
        Actor actor, ActivityQuery query, long? before = null, long? after = null, int pageSize = 25, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return OperationResult<ActivityPage>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        var ownFeed = query.MemberAccountId == actor.AccountId;
        if (!ownFeed && !viewer.Has(PortalPermissions.ViewActivity))
        {
            return OperationResult<ActivityPage>.Fail(OperationResult.Forbidden($"You need the {PortalPermissions.ViewActivity} permission for this."));
        }

        if (query.MemberAccountId is { } member && !ownFeed
            && !await db.Memberships.AnyAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == member, ct)
            && !await db.Activity.AnyAsync(a => a.OrganizationId == actor.OrganizationId && a.TargetAccountId == member, ct))
        {
            return OperationResult<ActivityPage>.Fail(OperationResult.NotFound("No such member in this organization."));
        }

        var organizationId = actor.OrganizationId;
        var upward = before is null && after is not null;

        // One index range per branch ((Organization, Target, Id) and (Organization, Actor, Id)), merged here.
        List<ActivityRecord> rows;
        if (query.MemberAccountId is { } accountId)
        {
            var asTarget = await Page(db.Activity.Where(a => a.OrganizationId == organizationId && a.TargetAccountId == accountId), before, after, pageSize + 1).ToListAsync(ct);
            var asActor = await Page(db.Activity.Where(a => a.OrganizationId == organizationId && a.ActorAccountId == accountId), before, after, pageSize + 1).ToListAsync(ct);
            rows = asTarget.Concat(asActor).DistinctBy(a => a.Id)
                .OrderBy(a => upward ? a.Id : -a.Id)
                .Take(pageSize + 1)
                .ToList();
        }
        else
        {
            rows = await Page(db.Activity.Where(a => a.OrganizationId == organizationId), before, after, pageSize + 1).ToListAsync(ct);
        }

        var more = rows.Count > pageSize;
        var items = rows.Take(pageSize).OrderByDescending(a => a.Id).Select(ToItem).ToList();
        if (items.Count == 0)
        {
            return OperationResult<ActivityPage>.Ok(new ActivityPage([], upward ? after + 1 : null, upward ? null : before - 1));
        }

        // Going down, "more" means older records exist; going up it means newer ones do. The other direction
        // exists whenever we came from a cursor.
        long? older = upward || more ? items[^1].Id : null;
        long? newer = (upward && more) || (!upward && before is not null) ? items[0].Id : null;
        return OperationResult<ActivityPage>.Ok(new ActivityPage(items, older, newer));
    }

    private static IQueryable<ActivityRecord> Page(IQueryable<ActivityRecord> source, long? before, long? after, int take)
    {
        source = source.AsNoTracking();
        if (before is { } b)
        {
            return source.Where(a => a.Id < b).OrderByDescending(a => a.Id).Take(take);
        }

        return after is { } f
            ? source.Where(a => a.Id > f).OrderBy(a => a.Id).Take(take)
            : source.OrderByDescending(a => a.Id).Take(take);
    }

    private static ActivityItem ToItem(ActivityRecord a) => new(
        a.Id, a.OccurredAt, a.ActorName, a.ActorAccountId, a.Verb, a.Title, a.Category, a.TargetName, a.TargetAccountId, a.ClientAddress, ParseDiff(a.Diff));

    /// <summary>Reads the stored diff (field → {before, after}) into display text; a malformed one shows nothing rather than failing the feed.</summary>
    public static IReadOnlyList<ActivityChange> ParseDiff(string? diff)
    {
        if (string.IsNullOrEmpty(diff))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(diff);
            return document.RootElement.EnumerateObject()
                .Select(p => new ActivityChange(p.Name, Text(p.Value, "before"), Text(p.Value, "after")))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonElement change, string side) =>
        change.ValueKind == JsonValueKind.Object && change.TryGetProperty(side, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            }
            : null;
}
