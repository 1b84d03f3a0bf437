using Microsoft.Data.Sqlite;

namespace UserAdmin.Portal.Data;

/// <summary>
/// The database's own failures that say nothing about the request: a full disk, a read-only file, a lock held too
/// long. SQLite rolls the statement and its transaction back, so nothing was half-saved; the person or script is told
/// so, in words, with 503 (never a stack trace), and may try again once the operator has fixed the cause.
/// </summary>
public static class DatabaseFaults
{
    // SQLite's primary result codes (the low byte of an extended code).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Full = 13;

    public const string FullMessage = "The database is full (its disk has no space left), so nothing was saved. Ask the portal's operator to free space, then try again.";
    public const string ReadOnlyMessage = "The database is read-only at the moment, so nothing was saved. Ask the portal's operator to make it writable again, then try again.";
    public const string BusyMessage = "The database is busy, so nothing was saved. Try again in a moment.";
    public const string IoMessage = "The database could not be written (a disk error), so nothing was saved. Ask the portal's operator to check the server's disk.";

    /// <summary>What to tell the user when <paramref name="exception"/> (or what it wraps) is such a failure; otherwise null.</summary>
    public static string? Describe(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException sqlite)
            {
                return (sqlite.SqliteErrorCode & 0xff) switch
                {
                    Full => FullMessage,
                    ReadOnly => ReadOnlyMessage,
                    Busy or Locked => BusyMessage,
                    // A write the disk refuses (ENOSPC while growing the WAL, for one) is reported as an I/O error.
                    IoError => IoMessage,
                    _ => null,
                };
            }
        }

        return null;
    }
}
