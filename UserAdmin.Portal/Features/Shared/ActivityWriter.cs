using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// Appends an operation's activity records on the operation's own connection and transaction, as multi-row INSERTs
/// of up to <see cref="RowsPerStatement"/> records. One statement per chunk matters: the title search index (FTS5)
/// flushes its pending terms at every statement's savepoint, so row-at-a-time inserts cost a new index segment each.
/// The column values are the same EF would write (times as EF's UTC text, enums as integers).
/// </summary>
internal static class ActivityWriter
{
    public const int RowsPerStatement = 200;

    private const string Columns = "OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, ClientAddress, OccurredAt";

    public static async Task InsertAsync(PortalDbContext db, IReadOnlyList<ActivityRecord> records, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var chunk in records.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new System.Text.StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                values.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"($o{i}, $a{i}, $an{i}, $v{i}, $t{i}, $tn{i}, $ti{i}, $c{i}, $d{i}, $cl{i}, $at{i})");
                Add(command, $"$o{i}", Guid(r.OrganizationId));
                Add(command, $"$a{i}", Guid(r.ActorAccountId));
                Add(command, $"$an{i}", r.ActorName);
                Add(command, $"$v{i}", r.Verb);
                Add(command, $"$t{i}", Guid(r.TargetAccountId));
                Add(command, $"$tn{i}", r.TargetName);
                Add(command, $"$ti{i}", r.Title);
                Add(command, $"$c{i}", (int)r.Category);
                Add(command, $"$d{i}", (object?)r.Diff ?? DBNull.Value);
                Add(command, $"$cl{i}", (object?)r.ClientAddress ?? DBNull.Value);
                Add(command, $"$at{i}", r.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));
            }

            command.CommandText = $"INSERT INTO Activity ({Columns}) VALUES {values} RETURNING Id;";

            // Rows of one INSERT get increasing rowids in the order of VALUES; RETURNING's own order is not promised,
            // so the ids are sorted before they are handed back in that order.
            var ids = new List<long>(chunk.Length);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            ids.Sort();
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].Id = ids[i];
            }
        }
    }

    private static void Add(DbCommand command, string name, object value) => command.Parameters.Add(new SqliteParameter(name, value));

    // EF stores Guids as upper-case text on SQLite.
    private static object Guid(Guid? id) => id is { } value ? value.ToString().ToUpperInvariant() : DBNull.Value;
}
