using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Tests.Faults;

/// <summary>
/// Turns the app's own database connections faulty on demand, at every open: <see cref="MaxPageCount"/> caps the file
/// (SQLite's <c>max_page_count</c>, so a write that needs a new page fails with SQLITE_FULL, as on a full disk), and
/// <see cref="ReadOnly"/> opens the file read-only (SQLITE_OPEN_READONLY, as on a read-only mount; tests run as root,
/// which file permissions do not stop). Registered after the app's own configuration, so the app's pragmas still apply.
/// </summary>
public sealed class DatabaseFaultInjector : DbConnectionInterceptor
{
    /// <summary>SQLite's largest page count: no cap.</summary>
    private const long NoCap = 4294967294;

    public long? MaxPageCount { get; set; }

    public bool ReadOnly { get; set; }

    public static Action<IServiceCollection> Register(DatabaseFaultInjector injector) =>
        services => services.ConfigureDbContext<PortalDbContext>((_, options) => options.AddInterceptors(injector), ServiceLifetime.Singleton);

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        SetMode(connection);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        SetMode(connection);
        return ValueTask.FromResult(result);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = PageCap();
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = PageCap();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The cap belongs to the pooled handle: set (or lift) it at every open.
    private string PageCap() => $"PRAGMA max_page_count = {MaxPageCount ?? NoCap};";

    private void SetMode(DbConnection connection)
    {
        var builder = new SqliteConnectionStringBuilder(connection.ConnectionString)
        {
            Mode = ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        };
        if (builder.ToString() != connection.ConnectionString)
        {
            connection.ConnectionString = builder.ToString();
        }
    }
}
