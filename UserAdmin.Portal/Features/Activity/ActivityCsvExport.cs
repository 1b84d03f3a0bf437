using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users.Export;

namespace UserAdmin.Portal.Features.Activity;

/// <summary>
/// The activity page's filtered feed as CSV, newest first, through the grid export's <see cref="CsvWriter"/>
/// (formula cells neutralised, chunked asynchronous writes). Rows come from <see cref="ActivityFeedService.StreamAsync"/>
/// and leave as they are read: memory stays constant at any size. An export is a read: one log line, no record.
/// </summary>
public sealed class ActivityCsvExport(
    ActivityFeedService feed, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ILogger<ActivityCsvExport> logger)
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static IReadOnlyList<string> Columns { get; } =
        ["Time", "Actor", "Verb", "Target", "Title", "Category", "Client address", "Changes", "Id"];

    /// <summary>Checks the actor (view_activity, now) and names the file; nothing is read yet.</summary>
    public async Task<OperationResult<string>> PrepareAsync(Actor actor, ActivityQuery query, CancellationToken ct = default)
    {
        var check = await feed.CheckAsync(actor, query, ct);
        if (!check.Succeeded)
        {
            return OperationResult<string>.Fail(check);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == actor.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        var slug = new string(organization.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        slug = slug.Length == 0 ? "organization" : slug.Length > 60 ? slug[..60] : slug;
        return OperationResult<string>.Ok(string.Create(CultureInfo.InvariantCulture, $"activity-{slug}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmm}.csv"));
    }

    /// <summary>Writes the header and every match; returns the number of records written, or -1 when the client went away.</summary>
    public async Task<long> WriteAsync(Actor actor, ActivityQuery query, Stream output, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var csv = new CsvWriter(output);
        try
        {
            foreach (var column in Columns)
            {
                csv.Field(column);
            }

            await csv.EndRowAsync(ct);
            await csv.FlushAsync(ct);
            var count = 0L;
            await foreach (var item in feed.StreamAsync(actor.OrganizationId, query, ct))
            {
                csv.Field(item.OccurredAt);
                csv.Field(item.ActorName);
                csv.Field(item.Verb);
                csv.Field(item.TargetName);
                csv.Field(item.Title);
                csv.Field(item.Category.ToString());
                csv.Field(item.ClientAddress);
                csv.Field(Changes(item.Changes));
                csv.Field(item.Id.ToString(CultureInfo.InvariantCulture));
                await csv.EndRowAsync(ct);
                if (++count % 1_000 == 0)
                {
                    await csv.FlushAsync(ct);
                }
            }

            await csv.FlushAsync(ct);
            logger.LogInformation(
                "Exported {Count} activity records as CSV ({Bytes} bytes, filtered: {Filtered}) for account {AccountId} in organization {OrganizationId} in {Elapsed:0} ms",
                count, csv.BytesWritten, query.IsFiltered, actor.AccountId, actor.OrganizationId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return count;
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            return -1;
        }
    }

    /// <summary>"field: before → after; …", as the record stores them.</summary>
    internal static string Changes(IReadOnlyList<ActivityChange> changes)
    {
        var text = new StringBuilder();
        foreach (var change in changes)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(change.Field).Append(": ").Append(change.Before ?? "—").Append(" → ").Append(change.After ?? "—");
        }

        return text.ToString();
    }
}
