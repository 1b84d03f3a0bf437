using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// Appends an operation's activity records with one prepared INSERT on the operation's own connection and
/// transaction. A bulk action writes hundreds per batch; EF's per-entity commands made that the slowest part.
/// The column values are the same EF would write (times as EF's UTC text, enums as integers).
/// </summary>
internal static class ActivityWriter
{
    private const string Sql =
        "INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, ClientAddress, OccurredAt)"
        + " VALUES ($org, $actor, $actorName, $verb, $target, $targetName, $title, $category, $diff, $client, $at) RETURNING Id;";

    public static async Task InsertAsync(PortalDbContext db, IReadOnlyList<ActivityRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Sql;
        var p = new Dictionary<string, DbParameter>();
        foreach (var name in new[] { "org", "actor", "actorName", "verb", "target", "targetName", "title", "category", "diff", "client", "at" })
        {
            p[name] = new SqliteParameter("$" + name, null);
            command.Parameters.Add(p[name]);
        }

        await command.PrepareAsync(ct);
        foreach (var r in records)
        {
            p["org"].Value = Guid(r.OrganizationId);
            p["actor"].Value = Guid(r.ActorAccountId);
            p["actorName"].Value = r.ActorName;
            p["verb"].Value = r.Verb;
            p["target"].Value = Guid(r.TargetAccountId);
            p["targetName"].Value = r.TargetName;
            p["title"].Value = r.Title;
            p["category"].Value = (int)r.Category;
            p["diff"].Value = (object?)r.Diff ?? DBNull.Value;
            p["client"].Value = (object?)r.ClientAddress ?? DBNull.Value;
            p["at"].Value = r.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            r.Id = (long)(await command.ExecuteScalarAsync(ct))!;
        }
    }

    // EF stores Guids as upper-case text on SQLite.
    private static object Guid(Guid? id) => id is { } value ? value.ToString().ToUpperInvariant() : DBNull.Value;
}
