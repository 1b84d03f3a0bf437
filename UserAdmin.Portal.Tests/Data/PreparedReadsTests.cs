using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Data;

/// <summary>
/// Kept-open read connections with kept statements: they must read every commit, hold nothing that delays a
/// checkpoint, stay within their bounds, and close when the app stops.
/// </summary>
public sealed class PreparedReadsTests : IDisposable
{
    private const string CountSql = "SELECT count(*) FROM Notes WHERE Topic = @topic";

    private readonly TestDatabase _database = TestDatabase.CreateEmpty();
    private readonly PreparedReads _reads;

    public PreparedReadsTests()
    {
        Execute("PRAGMA journal_mode = WAL; CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Topic TEXT NOT NULL);");
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, _database.ConnectionString);
        _reads = new PreparedReads(new PooledDbContextFactory<PortalDbContext>(options.Options));
    }

    [Fact]
    public async Task AReadOnAKeptConnectionSeesEveryCommitBeforeIt()
    {
        Assert.Equal(0, await CountAsync("a"));
        for (var i = 1; i <= 3; i++)
        {
            Execute("INSERT INTO Notes (Topic) VALUES ('a')");
            Assert.Equal(i, await CountAsync("a"));
        }

        Assert.Equal(1, _reads.IdleCount);
    }

    [Fact]
    public async Task ACommandIsPreparedOnceAndHandedOutWithoutTheLastRunsParameters()
    {
        using var lease = await _reads.RentAsync();
        var first = lease.Command(CountSql);
        first.Parameters.AddWithValue("@topic", "a");
        Assert.Equal(0L, await first.ExecuteScalarAsync());

        var again = lease.Command(CountSql);

        Assert.Same(first, again);
        Assert.Empty(again.Parameters);
    }

    [Fact]
    public async Task AConnectionBackFromAReadDoesNotHoldBackACheckpoint()
    {
        Execute("INSERT INTO Notes (Topic) VALUES ('a')");
        using var lease = await _reads.RentAsync();
        var command = lease.Command(CountSql);
        command.Parameters.AddWithValue("@topic", "a");
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());

            // The control: a reader still open holds its snapshot, and a full checkpoint cannot finish past it.
            Execute("INSERT INTO Notes (Topic) VALUES ('b')");
            Assert.Equal(1L, TruncatingCheckpoint());
        }

        // The same connection, still rented, with its statement kept: nothing is held any more.
        Execute("INSERT INTO Notes (Topic) VALUES ('c')");
        Assert.Equal(0L, TruncatingCheckpoint());
        Assert.Equal(0L, new FileInfo(_database.FilePath + "-wal").Length);
    }

    [Fact]
    public async Task AtMostMaxIdleConnectionsWaitAfterABurst()
    {
        var leases = new List<PreparedReads.Lease>();
        for (var i = 0; i < PreparedReads.MaxIdle + 3; i++)
        {
            leases.Add(await _reads.RentAsync());
        }

        var connections = leases.Select(l => l.Connection).ToList();
        leases.ForEach(l => l.Dispose());

        Assert.Equal(PreparedReads.MaxIdle, _reads.IdleCount);
        Assert.Equal(3, connections.Count(c => c.State == System.Data.ConnectionState.Closed));
    }

    [Fact]
    public async Task DisposingClosesEveryConnectionAndRefusesNewLeases()
    {
        var idle = await _reads.RentAsync();
        var busy = await _reads.RentAsync();
        idle.Dispose();

        _reads.Dispose();
        busy.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, idle.Connection.State);
        Assert.Equal(System.Data.ConnectionState.Closed, busy.Connection.State);
        Assert.Equal(0, _reads.IdleCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await _reads.RentAsync());
    }

    [Fact]
    public async Task TheAppsInstanceClosesItsConnectionsWhenTheAppStops()
    {
        var portal = await PortalServices.CreateAsync();
        var reads = portal.Get<PreparedReads>();
        Assert.Same(reads, portal.Get<PreparedReads>());
        SqliteConnection connection;
        using (var lease = await reads.RentAsync())
        {
            connection = lease.Connection;
        }

        await portal.DisposeAsync();

        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    public void Dispose()
    {
        _reads.Dispose();
        _database.Dispose();
    }

    private async Task<long> CountAsync(string topic)
    {
        using var lease = await _reads.RentAsync();
        var command = lease.Command(CountSql);
        command.Parameters.AddWithValue("@topic", topic);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>1 when a reader kept the checkpoint from finishing (no waiting: the busy timeout is zero).</summary>
    private long TruncatingCheckpoint()
    {
        using var connection = new SqliteConnection(_database.ConnectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        reader.NextResult();
        reader.Read();
        return reader.GetInt64(0);
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
