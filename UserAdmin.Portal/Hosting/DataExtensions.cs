using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Hosting;

internal static class DataExtensions
{
    public const string DefaultConnectionString = "Data Source=data/portal.db";

    public static void AddPortalData(this WebApplicationBuilder builder)
    {
        var connectionString = PrepareConnectionString(builder.Configuration.GetConnectionString("Portal") ?? DefaultConnectionString);
        builder.Services.AddDbContextFactory<PortalDbContext>(options => ConfigureSqlite(options, connectionString));
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options
            // A collection in a query (ids.Contains(x.Id)) goes to SQLite as one JSON parameter read by json_each, as a
            // join the planner drives from the list, instead of EF's default of one parameter per element.
            .UseSqlite(connectionString, sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
            .AddInterceptors(SqlitePragmas.Instance);

    /// <summary>Creates the database file's folder, so a fresh checkout starts without any setup.</summary>
    private static string PrepareConnectionString(string connectionString)
    {
        if (DatabaseFile(connectionString) is { } file && Path.GetDirectoryName(file) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return new SqliteConnectionStringBuilder(connectionString).ToString();
    }

    /// <summary>The full path of the database file a connection string names, or null for an in-memory database.</summary>
    public static string? DatabaseFile(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        return csb.DataSource is { Length: > 0 } file && file != ":memory:" && csb.Mode != SqliteOpenMode.Memory
            ? Path.GetFullPath(file)
            : null;
    }
}

/// <summary>
/// Per-connection settings: wait up to 5 s for a lock instead of failing, NORMAL sync (safe with WAL), enforce
/// foreign keys, read the file through a memory map (shared by all connections through the OS page cache) instead
/// of one read system call per page, and leave checkpoints to <see cref="WalCheckpointer"/> except for a log that
/// outgrows it. WAL itself is a property of the file, set once when the database is migrated.
/// The settings belong to the SQLite connection handle, which the pool keeps open: they are applied once per handle,
/// not at every open from the pool (EF opens and closes the connection around each query, so that was four extra
/// statements per query).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static SqlitePragmas Instance { get; } = new();

    /// <summary>
    /// The commit-time checkpoint's threshold: a backstop, since <see cref="WalCheckpointer"/> checkpoints every second
    /// off the request path. 16,000 pages of 4 KB: the log can reach ~64 MB during a long bulk action.
    /// </summary>
    public const int AutoCheckpointPages = 16_000;

    /// <summary>
    /// The memory map of a connection while it runs a long scan (<see cref="MapForScanAsync"/>): SQLite's own cap
    /// (SQLITE_MAX_MMAP_SIZE, 0x7fff0000), i.e. a file up to 2 GB is read without a read call per page. An export of
    /// 100,000 members takes half the time it takes with read calls.
    /// </summary>
    public const long ScanMemoryMapBytes = 0x7fff0000;

    /// <summary>
    /// Every other connection reads through read calls (<c>mmap_size = 0</c>). In WAL mode a connection that finds a
    /// commit newer than its last read drops its whole memory map and maps the file again; with a map on every pooled
    /// connection, every write under load made each of them unmap (page tables torn down, TLBs flushed on every core)
    /// and fault the pages back in. Under mixed API load, maps on every connection allow 410 answers per second at
    /// 4.1 ms of CPU each; without them, 1,735 at 1.0 ms.
    /// </summary>
    public static readonly string Sql =
        "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA mmap_size = 0;"
        + $" PRAGMA wal_autocheckpoint = {AutoCheckpointPages}; PRAGMA journal_size_limit = {64 * 1024 * 1024};";

    /// <summary>
    /// Maps the file for one long scan on this connection (an export, a bulk action's stream: one read transaction,
    /// so no commit makes it remap half-way); disposing it, after the scan's reader, turns the map off again so the
    /// connection goes back to its pool as it came.
    /// </summary>
    public static async Task<IAsyncDisposable> MapForScanAsync(DbConnection connection, CancellationToken ct)
    {
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"PRAGMA mmap_size = {ScanMemoryMapBytes};";
            await command.ExecuteNonQueryAsync(ct);
        }

        return new ScanMap(connection);
    }

    private sealed class ScanMap(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                return;
            }

            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA mmap_size = 0;";
                await command.ExecuteNonQueryAsync();
            }
            catch (DbException)
            {
                // The connection is failing anyway (its file gone, the disk full); its pool drops it.
            }
        }
    }

    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!IsConfigured(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.ExecuteNonQuery();
            MarkConfigured(connection);
        }
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ConfigureAsync(connection, cancellationToken);

    private static async Task ConfigureAsync(DbConnection connection, CancellationToken ct)
    {
        if (!IsConfigured(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(ct);
            MarkConfigured(connection);
        }
    }

    /// <summary>
    /// Opens a plain pooled connection with the same settings, for read paths that run their own SQL: an EF context
    /// lent only for its connection costs more than the query it carries (its services, then its disposal).
    /// </summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await ConfigureAsync(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static bool IsConfigured(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _);

    private static void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Configured.AddOrUpdate(handle, Marker);
        }
    }
}
