using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>
/// The org-wide activity page: the feed's indexes end in (OccurredAt, Id), its order, so each filter alone or with a
/// time range reads one index range; <c>ActivitySearch</c> is an FTS5 trigram index over titles (external content:
/// the titles are not stored twice) that triggers keep in the writer's transaction; and records become append-only
/// in the database itself (an UPDATE is refused; only retention deletes). The search table and the
/// triggers are migration-only: the model does not describe them.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261130090000_ActivityFeedIndexes")]
public sealed class ActivityFeedIndexes : Migration
{
    private static readonly string[] OldIndexes =
    [
        "IX_Activity_OrganizationId_Id", "IX_Activity_OrganizationId_TargetAccountId_Id", "IX_Activity_OrganizationId_ActorAccountId_Id",
        "IX_Activity_OrganizationId_Verb_Id", "IX_Activity_OrganizationId_Category_Id",
    ];

    /// <summary>The search table and the triggers that keep it, also used by the benchmark to rebuild after a bulk load.</summary>
    public static IReadOnlyList<string> SearchTriggerSql { get; } =
    [
        "CREATE TRIGGER ActivitySearch_Inserted AFTER INSERT ON Activity BEGIN INSERT INTO ActivitySearch (rowid, Title) VALUES (NEW.Id, NEW.Title); END;",
        "CREATE TRIGGER ActivitySearch_Deleted AFTER DELETE ON Activity BEGIN INSERT INTO ActivitySearch (ActivitySearch, rowid, Title) VALUES ('delete', OLD.Id, OLD.Title); END;",
    ];

    public const string AppendOnlySql =
        "CREATE TRIGGER Activity_AppendOnly BEFORE UPDATE ON Activity BEGIN SELECT RAISE(ABORT, 'Activity records are append-only'); END;";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var index in OldIndexes)
        {
            migrationBuilder.DropIndex(index, "Activity");
        }

        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_OccurredAt_Id", "Activity", ["OrganizationId", "OccurredAt", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_TargetAccountId_OccurredAt_Id", "Activity", ["OrganizationId", "TargetAccountId", "OccurredAt", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_ActorAccountId_OccurredAt_Id", "Activity", ["OrganizationId", "ActorAccountId", "OccurredAt", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Verb_OccurredAt_Id", "Activity", ["OrganizationId", "Verb", "OccurredAt", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Category_OccurredAt_Id", "Activity", ["OrganizationId", "Category", "OccurredAt", "Id"]);

        migrationBuilder.Sql("CREATE VIRTUAL TABLE ActivitySearch USING fts5(Title, content = 'Activity', content_rowid = 'Id', tokenize = 'trigram');");
        migrationBuilder.Sql("INSERT INTO ActivitySearch (ActivitySearch) VALUES ('rebuild');");
        foreach (var sql in SearchTriggerSql)
        {
            migrationBuilder.Sql(sql);
        }

        migrationBuilder.Sql(AppendOnlySql);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER Activity_AppendOnly;");
        migrationBuilder.Sql("DROP TRIGGER ActivitySearch_Deleted;");
        migrationBuilder.Sql("DROP TRIGGER ActivitySearch_Inserted;");
        migrationBuilder.Sql("DROP TABLE ActivitySearch;");
        migrationBuilder.DropIndex("IX_Activity_OrganizationId_Category_OccurredAt_Id", "Activity");
        migrationBuilder.DropIndex("IX_Activity_OrganizationId_Verb_OccurredAt_Id", "Activity");
        migrationBuilder.DropIndex("IX_Activity_OrganizationId_ActorAccountId_OccurredAt_Id", "Activity");
        migrationBuilder.DropIndex("IX_Activity_OrganizationId_TargetAccountId_OccurredAt_Id", "Activity");
        migrationBuilder.DropIndex("IX_Activity_OrganizationId_OccurredAt_Id", "Activity");
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Id", "Activity", ["OrganizationId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_TargetAccountId_Id", "Activity", ["OrganizationId", "TargetAccountId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_ActorAccountId_Id", "Activity", ["OrganizationId", "ActorAccountId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Verb_Id", "Activity", ["OrganizationId", "Verb", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Category_Id", "Activity", ["OrganizationId", "Category", "Id"]);
    }
}
