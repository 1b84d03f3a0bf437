using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>
/// A SQLite database in a temporary file, configured as the app configures it (pragmas, warnings) and built
/// through the real migrations. A file rather than an in-memory connection: the app opens one connection per
/// DbContext, and WAL mode needs a file.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests");

    private TestDatabase()
    {
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, $"{Guid.NewGuid():N}.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();
    }

    public string FilePath { get; }
    public string ConnectionString { get; }

    /// <summary>An empty file: nothing is created until the caller migrates it (or lets the app do so).</summary>
    public static TestDatabase CreateEmpty() => new();

    public static async Task<TestDatabase> CreateMigratedAsync()
    {
        var database = new TestDatabase();
        await using var db = database.CreateContext();
        await DatabaseInitializer.MigrateAsync(db);
        return database;
    }

    /// <summary>A context over this database, configured the way the app configures its own.</summary>
    public PortalDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, ConnectionString);
        return new PortalDbContext(options.Options);
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting it.
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(FilePath + suffix);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless; never fail a test over it.
            }
        }
    }
}
