using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>The per-connection settings are applied once per SQLite handle: they must hold on every open from the pool.</summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"uap-pragmas-{Guid.NewGuid():N}.db");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryOpenOfAContextsConnectionHasThePortalsSettings(bool pooling)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, new SqliteConnectionStringBuilder { DataSource = _path, Pooling = pooling }.ToString());

        for (var open = 0; open < 3; open++)
        {
            await using var db = new PortalDbContext(options.Options);
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();

            Assert.Equal(5000L, await PragmaAsync(connection, "busy_timeout"));
            Assert.Equal(1L, await PragmaAsync(connection, "synchronous"));
            Assert.Equal(1L, await PragmaAsync(connection, "foreign_keys"));
            Assert.Equal(0L, await PragmaAsync(connection, "mmap_size"));
            Assert.Equal(SqlitePragmas.AutoCheckpointPages, await PragmaAsync(connection, "wal_autocheckpoint"));
            Assert.Equal(64L * 1024 * 1024, await PragmaAsync(connection, "journal_size_limit"));
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task AScanMapsTheFileAndLeavesTheConnectionUnmappedAfterwards()
    {
        await using var connection = await SqlitePragmas.OpenAsync(new SqliteConnectionStringBuilder { DataSource = _path }.ToString(), default);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE Rows (Id INTEGER PRIMARY KEY); INSERT INTO Rows VALUES (1), (2);";
            await create.ExecuteNonQueryAsync();
        }

        await using (await SqlitePragmas.MapForScanAsync(connection, default))
        {
            Assert.Equal(SqlitePragmas.ScanMemoryMapBytes, await PragmaAsync(connection, "mmap_size"));
            Assert.Equal(2L, await ScalarAsync(connection, "SELECT count(*) FROM Rows"));
        }

        Assert.Equal(0L, await PragmaAsync(connection, "mmap_size"));
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT count(*) FROM Rows"));
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static async Task<long> PragmaAsync(DbConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
