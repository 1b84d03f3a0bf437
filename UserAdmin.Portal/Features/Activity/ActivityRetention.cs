using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Activity;

/// <summary>The <c>Portal:Activity</c> configuration section.</summary>
public sealed class ActivityOptions
{
    public const string Section = "Portal:Activity";

    /// <summary>Records older than this many days are deleted; null (the default) keeps them forever.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>How often the retention pass runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Deletes activity records older than <see cref="ActivityOptions.RetentionDays"/>, in batches of
/// <see cref="BatchSize"/> (one short transaction each, so writers are never held up), at start and then every
/// <see cref="ActivityOptions.RetentionInterval"/>. The only code that deletes records; nothing edits them (the
/// database refuses an UPDATE). The title search index follows through its delete trigger.
/// </summary>
public sealed class ActivityRetention(
    IDbContextFactory<PortalDbContext> dbFactory, IOptionsMonitor<ActivityOptions> options, TimeProvider clock, ILogger<ActivityRetention> logger)
    : BackgroundService
{
    internal const int BatchSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Activity retention pass failed; it runs again at the next interval");
            }

            try
            {
                await Task.Delay(options.CurrentValue.RetentionInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping: a normal end, not a failure that should stop the host.
                return;
            }
        }
    }

    /// <summary>One retention pass; returns the number of records deleted (0 when retention is off).</summary>
    public async Task<long> PurgeAsync(CancellationToken ct = default)
    {
        if (options.CurrentValue.RetentionDays is not { } days || days <= 0)
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-days);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = (SqliteConnection)db.Database.GetDbConnection();

        // Walk the primary key from the oldest record, a batch at a time: ids follow time closely, so the pass stops at
        // the first batch with nothing to delete instead of searching the whole table for old rows.
        var deleted = 0L;
        var from = 0L;
        while (true)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var window = connection.CreateCommand();
            window.Transaction = transaction;
            window.CommandText = $"SELECT COUNT(*), MAX(Id) FROM (SELECT Id FROM Activity WHERE Id > @from ORDER BY Id LIMIT {BatchSize})";
            window.Parameters.AddWithValue("@from", from);
            long scanned;
            long last;
            await using (var reader = await window.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                scanned = reader.GetInt64(0);
                last = scanned == 0 ? from : reader.GetInt64(1);
            }

            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM Activity WHERE Id > @from AND Id <= @last AND OccurredAt < @cutoff";
            delete.Parameters.AddWithValue("@from", from);
            delete.Parameters.AddWithValue("@last", last);
            delete.Parameters.AddWithValue("@cutoff", ActivitySql.Time(cutoff));
            var batch = await delete.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            deleted += batch;
            if (batch == 0 || scanned < BatchSize)
            {
                break;
            }

            from = last;
        }

        if (deleted > 0)
        {
            logger.LogInformation("Activity retention deleted {Count} records older than {Cutoff:u} ({Days} days)",
                deleted, cutoff, days.ToString(CultureInfo.InvariantCulture));
        }

        return deleted;
    }
}
