using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>The background checkpoint copies committed pages from the log into the database file, and survives a failure.</summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"uap-checkpoint-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task ACheckpointMovesCommittedPagesFromTheLogIntoTheFile()
    {
        var factory = Factory(_path);
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL; CREATE TABLE Filler (Text TEXT NOT NULL);");
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        var fileBefore = new FileInfo(_path).Length;

        // About 2 MB in 500 commits: far below the commit-time threshold, so only the log holds them.
        await using (var db = await factory.CreateDbContextAsync())
        {
            for (var i = 0; i < 500; i++)
            {
                await db.Database.ExecuteSqlRawAsync("INSERT INTO Filler (Text) VALUES (randomblob(4000));");
            }
        }

        Assert.True(new FileInfo(_path + "-wal").Length > 2_000_000);
        Assert.Equal(fileBefore, new FileInfo(_path).Length);

        await new WalCheckpointer(factory, TimeProvider.System, NullLogger<WalCheckpointer>.Instance).CheckpointAsync(default);

        Assert.True(new FileInfo(_path).Length >= fileBefore + 2_000_000, $"the file is {new FileInfo(_path).Length} bytes after the checkpoint");
        await using var check = await factory.CreateDbContextAsync();
        Assert.Equal(500, await check.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM Filler").SingleAsync());
    }

    [Fact]
    public async Task ACheckpointThatCannotOpenTheDatabaseIsLoggedOnceAndThrowsNothing()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"uap-missing-{Guid.NewGuid():N}", "portal.db");
        var logger = new CountingLogger();
        var checkpointer = new WalCheckpointer(Factory(missing, SqliteOpenMode.ReadWrite), TimeProvider.System, logger);

        await checkpointer.CheckpointAsync(default);
        await checkpointer.CheckpointAsync(default);

        Assert.Equal(1, logger.Warnings);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static PooledDbContextFactory<PortalDbContext> Factory(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, new SqliteConnectionStringBuilder { DataSource = path, Mode = mode }.ToString());
        return new PooledDbContextFactory<PortalDbContext>(options.Options);
    }

    private sealed class CountingLogger : ILogger<WalCheckpointer>
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}
