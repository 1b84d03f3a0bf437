using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Users.Export;

/// <summary>A checked, named export that has not been written yet. Only <see cref="MemberCsvExport"/> makes one.</summary>
public sealed class MemberCsvDownload
{
    internal MemberCsvDownload(Actor actor, MemberFilter filter, MemberSort sort, string fileName)
    {
        Actor = actor;
        Filter = filter;
        Sort = sort;
        FileName = fileName;
    }

    /// <summary><c>members-&lt;organization&gt;-&lt;yyyyMMdd-HHmm&gt;.csv</c>, UTC.</summary>
    public string FileName { get; }

    internal Actor Actor { get; }
    internal MemberFilter Filter { get; }
    internal MemberSort Sort { get; }
}

/// <summary>
/// The grid's current filter as CSV, in the grid's sort order, with the grid's visible columns. Rows come from
/// <see cref="MemberQueryService.StreamAsync"/> and go to the stream as they are read, so memory stays constant
/// at any size. An export is a read: no activity record, one log line without member data.
/// </summary>
public sealed class MemberCsvExport(
    MemberQueryService members, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ILogger<MemberCsvExport> logger)
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Rows between explicit flushes (a chunk of ~16k characters also leaves whenever it fills).</summary>
    internal const int FlushEveryRows = 1_000;

    public static IReadOnlyList<string> Columns { get; } =
    [
        "Name", "Username", "Email", "Email confirmed", "Rank", "Tag", "Status", "Must change password", "Groups", "Created", "Last sign-in",
    ];

    /// <summary>Checks that the actor may list members right now and names the file; nothing is read yet.</summary>
    public async Task<OperationResult<MemberCsvDownload>> PrepareAsync(
        Actor actor, MemberFilter filter, MemberSort sort, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (member is null)
        {
            return OperationResult<MemberCsvDownload>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        if (!member.Has(PortalPermissions.ViewUsers))
        {
            return OperationResult<MemberCsvDownload>.Fail(
                OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission to export members."));
        }

        var organization = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == actor.OrganizationId)
            .Select(o => o.Name)
            .SingleAsync(ct);
        return OperationResult<MemberCsvDownload>.Ok(new MemberCsvDownload(actor, filter, sort, FileNameFor(organization, clock.GetUtcNow())));
    }

    /// <summary>
    /// Writes the header and every match to <paramref name="output"/>; returns the number of members written.
    /// A cancelled token (the client went away) stops the read and the writing quietly.
    /// </summary>
    public async Task<long> WriteAsync(MemberCsvDownload download, Stream output, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var csv = new CsvWriter(output);
        var rows = members.StreamAsync(download.Actor.OrganizationId, download.Filter, download.Sort, ct);
        try
        {
            var count = await WriteCsvAsync(rows, csv, ct);
            logger.LogInformation(
                "Exported {Count} members as CSV ({Bytes} bytes, filtered: {Filtered}) for account {AccountId} in organization {OrganizationId} in {Elapsed:0} ms",
                count, csv.BytesWritten, !download.Filter.IsEmpty, download.Actor.AccountId, download.Actor.OrganizationId,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return count;
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            logger.LogInformation(
                "Member CSV export for account {AccountId} in organization {OrganizationId} stopped after {Bytes} bytes: the request was cancelled",
                download.Actor.AccountId, download.Actor.OrganizationId, csv.BytesWritten);
            return -1;
        }
    }

    /// <summary>The header, then one line per row, flushed as it goes. Shared with the benchmark's raw baseline.</summary>
    internal static async Task<long> WriteCsvAsync(IAsyncEnumerable<MemberRow> rows, CsvWriter csv, CancellationToken ct)
    {
        await WriteHeaderAsync(csv, ct);

        // The header leaves at once: the download starts before the first row is read.
        await csv.FlushAsync(ct);
        var count = 0L;
        await foreach (var row in rows.WithCancellation(ct))
        {
            WriteRow(csv, row);
            await csv.EndRowAsync(ct);
            if (++count % FlushEveryRows == 0)
            {
                await csv.FlushAsync(ct);
            }
        }

        await csv.FlushAsync(ct);
        return count;
    }

    internal static ValueTask WriteHeaderAsync(CsvWriter csv, CancellationToken ct)
    {
        foreach (var column in Columns)
        {
            csv.Field(column);
        }

        return csv.EndRowAsync(ct);
    }

    private static void WriteRow(CsvWriter csv, MemberRow row)
    {
        csv.Field(row.DisplayName);
        csv.Field(row.UserName);
        csv.Field(row.Email);
        csv.Field(row.EmailConfirmed);
        csv.Field(MemberLabels.Of(row.Rank));
        csv.Field(MemberLabels.Of(row.Tag));
        csv.Field(MemberLabels.Of(row.Status));
        csv.Field(row.MustChangePassword);
        csv.Field(row.GroupNames);
        csv.Field(row.CreatedAt);
        csv.Field(row.LastSignInAt);
    }

    internal static string FileNameFor(string organization, DateTimeOffset now)
    {
        // Organization names are slugs already; keep the header safe whatever they hold.
        var slug = new string(organization.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        if (slug.Length > 60)
        {
            slug = slug[..60];
        }

        return string.Create(CultureInfo.InvariantCulture, $"members-{(slug.Length == 0 ? "organization" : slug)}-{now.UtcDateTime:yyyyMMdd-HHmm}.csv");
    }
}
