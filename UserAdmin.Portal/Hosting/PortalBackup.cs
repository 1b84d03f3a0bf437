using System.Globalization;
using Microsoft.Data.Sqlite;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// Online backup and restore of the portal's SQLite database. A backup is taken with <c>VACUUM INTO</c> inside one read
/// transaction: a consistent snapshot while the portal keeps serving (WAL lets writers go on), written compacted to a
/// new file and checked before it is reported. A restore copies a checked backup into the database through SQLite's
/// backup API, page by page under SQLite's own locks, so the file and its WAL stay coherent.
/// </summary>
public static class PortalBackup
{
    public sealed record Summary(string File, long Members, long ActivityRecords, long Bytes);

    /// <summary><c>backup &lt;file&gt;</c> and <c>restore &lt;file&gt;</c>, against the database the portal's configuration names.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (args is not [var verb, var file, ..] || verb is not ("backup" or "restore"))
        {
            await Console.Error.WriteLineAsync("usage: backup <file> | restore <file>");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(args[2..]);
        builder.AddPortalConfiguration(args[2..]);
        var connectionString = builder.Configuration.GetConnectionString("Portal") ?? DataExtensions.DefaultConnectionString;
        try
        {
            var summary = verb == "backup"
                ? await BackupAsync(connectionString, file)
                : await RestoreAsync(file, connectionString);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(verb == "backup" ? "backed up to" : "restored from")} {summary.File}: {summary.Members:N0} members, {summary.ActivityRecords:N0} activity records, {summary.Bytes / 1048576.0:0.0} MB"));
            return 0;
        }
        catch (BackupException ex)
        {
            await Console.Error.WriteLineAsync($"{verb} failed: {ex.Message}");
            return 1;
        }
    }

    public static async Task<Summary> BackupAsync(string connectionString, string target, CancellationToken ct = default)
    {
        target = Path.GetFullPath(target);
        if (File.Exists(target))
        {
            throw new BackupException($"{target} exists; a backup never overwrites a file.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using (var source = await OpenAsync(connectionString, SqliteOpenMode.ReadOnly, ct))
        {
            await using var command = source.CreateCommand();
            command.CommandText = "VACUUM INTO $target";
            command.Parameters.AddWithValue("$target", target);
            await command.ExecuteNonQueryAsync(ct);
        }

        try
        {
            return await CheckAsync(target, ct);
        }
        catch (BackupException)
        {
            // A file that failed its check must not be taken for a backup later.
            File.Delete(target);
            throw;
        }
    }

    /// <summary>Replaces the database's content with the backup's. Stop the portal first: its circuits hold what they read.</summary>
    public static async Task<Summary> RestoreAsync(string backup, string connectionString, CancellationToken ct = default)
    {
        backup = Path.GetFullPath(backup);
        if (!File.Exists(backup))
        {
            throw new BackupException($"{backup} does not exist.");
        }

        var summary = await CheckAsync(backup, ct);
        if (DataExtensions.DatabaseFile(connectionString) is { } target && Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var source = await OpenAsync(new SqliteConnectionStringBuilder { DataSource = backup, Pooling = false }.ToString(), SqliteOpenMode.ReadOnly, ct);
        await using var destination = await OpenAsync(connectionString, SqliteOpenMode.ReadWriteCreate, ct);
        source.BackupDatabase(destination);
        return summary with { File = backup };
    }

    /// <summary>The file passes SQLite's integrity check and holds a portal database; what it holds, counted.</summary>
    private static async Task<Summary> CheckAsync(string file, CancellationToken ct)
    {
        await using var connection = await OpenAsync(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString(), SqliteOpenMode.ReadOnly, ct);
        var integrity = (string?)await ScalarAsync(connection, "PRAGMA integrity_check", ct);
        if (integrity != "ok")
        {
            throw new BackupException($"{file} fails SQLite's integrity check: {integrity}");
        }

        try
        {
            var members = (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM Memberships", ct))!;
            var activity = (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM Activity", ct))!;
            return new Summary(file, members, activity, new FileInfo(file).Length);
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"{file} is not a UserAdmin Portal database ({ex.Message}).");
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string connectionString, SqliteOpenMode mode, CancellationToken ct)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString) { Mode = mode, Pooling = false };
        var connection = new SqliteConnection(csb.ToString());
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}

public sealed class BackupException(string message) : Exception(message);
