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

/// <summary>
/// Reads the activity feed, newest first (by time, then id), with keyset paging: each page is an index seek at any
/// depth, and every filter has an index ending in that order. The member page's Activity tab and the organization's
/// activity page use this one query path (and <see cref="StreamAsync"/> for the CSV export). Records are never edited
/// or deleted here: the feed is append-only, only <see cref="ActivityRetention"/> removes old records.
/// </summary>
public sealed class ActivityFeedService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    /// <param name="before">Return records older than this id (the next page down), or null for the newest.</param>
    /// <param name="after">Return records newer than this id (the page above), when <paramref name="before"/> is null.</param>
    public async Task<OperationResult<ActivityPage>> ListAsync(
        Actor actor, ActivityQuery query, long? before = null, long? after = null, int pageSize = 25, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var upward = before is null && after is not null;
        ActivityKey? key = null;
        if ((before ?? after) is { } cursor)
        {
            key = await ActivitySql.KeyAsync(connection, actor.OrganizationId, cursor, ct);
            if (key is null)
            {
                // The record the page started from is gone (retention) or never was this organization's.
                return await AuthorizeAsync(db, actor, query, ct) is { } refused
                    ? OperationResult<ActivityPage>.Fail(refused)
                    : OperationResult<ActivityPage>.Ok(ActivityPage.Empty);
            }
        }

        var sql = await ActivitySql.ResolveAsync(db, actor.OrganizationId, query, ct);
        sql = sql with { Viewer = actor.AccountId, ViewerNow = clock.GetUtcNow() };
        await using var command = connection.CreateCommand();
        sql.Build(command, key, upward, pageSize + 1);
        var rows = new List<ActivityItem>(pageSize + 1);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(ActivitySql.Read(reader));
            }
        }

        // The statement admitted the viewer itself; an empty page may also mean a refusal, which the full check names.
        if (rows.Count == 0 && await AuthorizeAsync(db, actor, query, ct) is { } refusal)
        {
            return OperationResult<ActivityPage>.Fail(refusal);
        }

        var more = rows.Count > pageSize;
        var items = rows.Take(pageSize).ToList();
        if (upward)
        {
            items.Reverse();
        }

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

    /// <summary>Checks, without reading any record, that the actor may read this feed now (the CSV export's first step).</summary>
    public async Task<OperationResult> CheckAsync(Actor actor, ActivityQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AuthorizeAsync(db, actor, query, ct) ?? OperationResult.Ok();
    }

    /// <summary>
    /// Every matching record, newest first, read as it is written out: constant memory at any size. The caller has
    /// checked the actor with <see cref="CheckAsync"/>.
    /// </summary>
    internal async IAsyncEnumerable<ActivityItem> StreamAsync(
        Guid organizationId, ActivityQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var sql = await ActivitySql.ResolveAsync(db, organizationId, query, ct);
        await using var map = await Hosting.SqlitePragmas.MapForScanAsync(db.Database.GetDbConnection(), ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        sql.Build(command, key: null, upward: false, limit: null);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return ActivitySql.Read(reader);
        }
    }

    private static async Task<OperationResult?> AuthorizeAsync(PortalDbContext db, Actor actor, ActivityQuery query, CancellationToken ct)
    {
        var viewer = await ActingMemberLoader.LoadForReadingAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return OperationResult.Forbidden("You are not an active member of this organization.");
        }

        var ownFeed = query.MemberAccountId == actor.AccountId;
        if (!ownFeed && !viewer.Has(PortalPermissions.ViewActivity))
        {
            return OperationResult.Forbidden($"You need the {PortalPermissions.ViewActivity} permission for this.");
        }

        if (query.MemberAccountId is { } member && !ownFeed
            && !await db.Memberships.AnyAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == member, ct)
            && !await db.Activity.AnyAsync(a => a.OrganizationId == actor.OrganizationId && a.TargetAccountId == member, ct))
        {
            return OperationResult.NotFound("No such member in this organization.");
        }

        return null;
    }

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
