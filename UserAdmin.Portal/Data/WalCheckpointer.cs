using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace UserAdmin.Portal.Data;

/// <summary>
/// Copies the write-ahead log back into the database file off the request path. SQLite otherwise does it inside the
/// commit that pushes the log past <c>wal_autocheckpoint</c> pages (1,000 by default), so every few hundred writes one
/// caller's commit also rewrites and syncs the pages of all the commits before it: a bulk action paid for a checkpoint
/// in almost every batch. Here a PASSIVE checkpoint (it never waits for readers or writers, it copies what it can)
/// runs every <see cref="Interval"/> on its own connection; the commit-time checkpoint stays as a backstop at
/// <see cref="Hosting.SqlitePragmas.AutoCheckpointPages"/> pages for a log that grows faster than this keeps up with.
/// A page rewritten by many commits in between (counters, index tails) is copied once instead of once per commit.
/// </summary>
internal sealed class WalCheckpointer(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await CheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping; SQLite checkpoints the log itself when the last connection closes.
                return;
            }
        }
    }

    /// <summary>One passive checkpoint. A failure (a read-only or full disk) is logged once until one succeeds again.</summary>
    internal async Task CheckpointAsync(CancellationToken ct)
    {
        try
        {
            // Its own connection, never pooled: a pooled one would outlive a database file that is replaced (a restore)
            // and hand requests the old file.
            await using var connection = new SqliteConnection(
                new SqliteConnectionStringBuilder(PortalConnectionStrings.Of(dbFactory)) { Pooling = false }.ToString());
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await command.ExecuteNonQueryAsync(ct);
            if (_failing)
            {
                logger.LogInformation("Checkpointing the database log works again");
                _failing = false;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_failing)
            {
                logger.LogWarning(ex, "Checkpointing the database log failed; SQLite still checkpoints at commit time. Retrying every {Seconds} s", Interval.TotalSeconds);
                _failing = true;
            }
        }
    }
}
