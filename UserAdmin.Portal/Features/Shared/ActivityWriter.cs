using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// Appends an operation's activity records on the operation's own connection and transaction, in one INSERT that
/// reads the rows from a single JSON parameter (<c>json_each</c>).
/// One statement matters: the title search index (FTS5) flushes its pending terms at every statement's savepoint,
/// so row-at-a-time inserts cost a new index segment each. One parameter matters too: SQLite finds a named
/// parameter by scanning the statement's parameter list, so binding n parameters one by one costs n² comparisons
/// (a 200-row VALUES list has 2,200 of them).
/// The column values are the same EF would write (times as EF's UTC text, Guids upper-case, enums as integers).
/// </summary>
internal static class ActivityWriter
{
    private const string Insert =
        "INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, ClientAddress, OccurredAt)"
        + " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10"
        + " FROM json_each($rows) ORDER BY key RETURNING Id;";

    public static async Task InsertAsync(PortalDbContext db, IReadOnlyList<ActivityRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Insert;
        command.Parameters.Add(new SqliteParameter("$rows", Rows(records)));

        // Rows of one INSERT get increasing rowids in the order they are selected; RETURNING's own order is not
        // promised, so the ids are sorted before they are handed back in that order.
        var ids = new List<long>(records.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        ids.Sort();
        for (var i = 0; i < records.Count; i++)
        {
            records[i].Id = ids[i];
        }
    }

    /// <summary>The records as a JSON array of arrays, in the column order of <see cref="Insert"/>.</summary>
    internal static string Rows(IReadOnlyList<ActivityRecord> records)
    {
        var buffer = new ArrayBufferWriter<byte>(records.Count * 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var r in records)
            {
                json.WriteStartArray();
                WriteGuid(json, r.OrganizationId);
                WriteGuid(json, r.ActorAccountId);
                json.WriteStringValue(r.ActorName);
                json.WriteStringValue(r.Verb);
                WriteGuid(json, r.TargetAccountId);
                json.WriteStringValue(r.TargetName);
                json.WriteStringValue(r.Title);
                json.WriteNumberValue((int)r.Category);
                WriteText(json, r.Diff);
                WriteText(json, r.ClientAddress);
                json.WriteStringValue(r.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // EF stores Guids as upper-case text on SQLite.
    private static void WriteGuid(Utf8JsonWriter json, Guid? id) => WriteText(json, id?.ToString().ToUpperInvariant());

    private static void WriteText(Utf8JsonWriter json, string? text)
    {
        if (text is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(text);
        }
    }
}
