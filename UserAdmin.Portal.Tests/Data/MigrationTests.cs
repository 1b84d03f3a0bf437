using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Data;

/// <summary>
/// The migrations are written by hand (no model snapshot, no `dotnet ef`), so this is what notices a property,
/// index or relationship added to the model without a migration: the schema the migrations build must be the
/// schema EnsureCreated builds from the model.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsMatchTheModel()
    {
        await using var migrated = await PortalServices.CreateAsync(migrate: true);
        await using var created = await CreatedFromTheModelAsync();

        var fromMigrations = await SqliteSchema.ReadAsync(migrated.Database);
        var fromModel = await SqliteSchema.ReadAsync(created.Database);

        Assert.NotEmpty(fromModel);
        Assert.Equal(fromModel, fromMigrations);
    }

    [Fact]
    public async Task TheMigrationsCreateEveryTableTheModelMaps()
    {
        await using var migrated = await PortalServices.CreateAsync(migrate: true);
        await using var db = migrated.CreateAppContext();
        var mapped = db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct().Order(StringComparer.Ordinal).ToList();

        var schema = await SqliteSchema.ReadAsync(migrated.Database);
        var tables = schema
            .Where(line => line.StartsWith("table ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[1])
            .Where(t => t != "sqlite_sequence")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(mapped, tables);
    }

    [Fact]
    public async Task TheComparisonNoticesAColumnOrIndexThatOnlyTheModelHas()
    {
        await using var migrated = await PortalServices.CreateAsync(migrate: true);
        await using var created = await CreatedFromTheModelAsync();
        var before = await SqliteSchema.ReadAsync(migrated.Database);

        // What the model would have if someone added a property and an index without a migration.
        await using (var db = created.CreateAppContext())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"Organizations\" ADD COLUMN \"Logo\" TEXT NULL;");
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX \"IX_Organizations_DisplayName\" ON \"Organizations\" (\"DisplayName\");");
        }

        var drifted = await SqliteSchema.ReadAsync(created.Database);

        var onlyInModel = drifted.Except(before).ToList();
        Assert.Contains(onlyInModel, line => line.StartsWith("column Organizations.Logo ", StringComparison.Ordinal));
        Assert.Contains(onlyInModel, line => line.StartsWith("index Organizations.IX_Organizations_DisplayName ", StringComparison.Ordinal));
        Assert.Contains(onlyInModel, line => line.StartsWith("index-column Organizations.IX_Organizations_DisplayName ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MigratingTwiceIsHarmlessAndLeavesTheDatabaseInWalMode()
    {
        using var database = await TestDatabase.CreateMigratedAsync();
        await using var db = database.CreateContext();

        await DatabaseInitializer.MigrateAsync(db);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal("wal", await SqliteSchema.ScalarAsync(database, "PRAGMA journal_mode;"));
    }

    /// <summary>A database built by EnsureCreated from the model the app's own DbContext factory produces.</summary>
    private static async Task<PortalServices> CreatedFromTheModelAsync()
    {
        var services = await PortalServices.CreateAsync(migrate: false);
        await using var db = services.CreateAppContext();
        Assert.True(await db.Database.EnsureCreatedAsync());
        return services;
    }

    /// <summary>A SQLite schema as sorted lines, one fact per line, so a failing comparison shows exactly what differs.</summary>
    private static class SqliteSchema
    {
        // The member search index is an FTS5 virtual table (and its shadow tables) that only SQL in the
        // MemberDirectory migration creates; the model cannot describe it. MemberDirectoryTests cover it.
        public const string MigrationOnlyPrefix = "MemberSearch";

        // Expression indexes for short name searches (20261122130000_MemberPrefixIndexes): the model has no form for them.
        public const string MigrationOnlyIndexPrefix = "IX_MemberDirectory_Prefix_";

        // Trigger-kept filter totals (20261122140000_MemberCounts), a table the model does not map.
        public const string MigrationOnlyCounts = "MemberCounts";

        // The activity title search (20261130090000_ActivityFeedIndexes), an FTS5 table like MemberSearch.
        public const string MigrationOnlyActivitySearch = "ActivitySearch";

        public static async Task<List<string>> ReadAsync(TestDatabase database)
        {
            await using var db = database.CreateContext();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();

            var lines = new List<string>();
            var tables = await RowsAsync(connection,
                // sqlite_stat*: the planner's statistics, which the app gathers at start (PRAGMA optimize), not schema.
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT IN ('__EFMigrationsHistory', '__EFMigrationsLock') AND name NOT LIKE 'sqlite_stat%' " +
                $"AND name NOT LIKE '{MigrationOnlyPrefix}%' AND name NOT LIKE '{MigrationOnlyCounts}%' AND name NOT LIKE '{MigrationOnlyActivitySearch}%' ORDER BY name;");
            foreach (var table in tables)
            {
                var name = Text(table["name"]);
                var autoincrement = Text(table["sql"]).Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase);
                lines.Add($"table {name} autoincrement={autoincrement}");

                foreach (var column in await RowsAsync(connection, $"PRAGMA table_info(\"{name}\");"))
                {
                    lines.Add($"column {name}.{Text(column["name"])} type={Text(column["type"])} notnull={Text(column["notnull"])} " +
                        $"default={Text(column["dflt_value"])} pk={Text(column["pk"])}");
                }

                foreach (var index in await RowsAsync(connection, $"PRAGMA index_list(\"{name}\");"))
                {
                    var indexName = Text(index["name"]);
                    if (indexName.StartsWith(MigrationOnlyIndexPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // SQLite names the indexes behind primary keys and UNIQUE constraints itself (sqlite_autoindex_T_1).
                    var shownName = indexName.StartsWith("sqlite_autoindex_", StringComparison.Ordinal) ? $"<auto {Text(index["origin"])}>" : indexName;
                    lines.Add($"index {name}.{shownName} unique={Text(index["unique"])} origin={Text(index["origin"])} partial={Text(index["partial"])}");
                    foreach (var column in await RowsAsync(connection, $"PRAGMA index_info(\"{indexName}\");"))
                    {
                        lines.Add($"index-column {name}.{shownName} #{Text(column["seqno"])}={Text(column["name"])}");
                    }
                }

                foreach (var key in await RowsAsync(connection, $"PRAGMA foreign_key_list(\"{name}\");"))
                {
                    lines.Add($"foreign-key {name}.{Text(key["from"])} -> {Text(key["table"])}.{Text(key["to"])} " +
                        $"on_update={Text(key["on_update"])} on_delete={Text(key["on_delete"])} seq={Text(key["seq"])}");
                }
            }

            lines.Sort(StringComparer.Ordinal);
            return lines;
        }

        public static async Task<string> ScalarAsync(TestDatabase database, string sql)
        {
            await using var db = database.CreateContext();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Text(await command.ExecuteScalarAsync());
        }

        private static async Task<List<Dictionary<string, object?>>> RowsAsync(DbConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<Dictionary<string, object?>>();
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }

        private static string Text(object? value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    }
}
