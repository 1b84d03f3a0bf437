using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>
/// <c>MemberCounts</c>: how many members of an organization have each combination of the grid's filter values
/// (suspended, activated, rank, tag, email confirmed, must change password, device status). Triggers on
/// MemberDirectory keep it exact in the writer's transaction, so a filtered total without a search or group is a
/// sum over at most a few hundred rows instead of a count over a million (MemberQueryService.CountAsync). Lockout
/// depends on the clock, so those few members are counted from the index when a status filter needs them.
/// Migration-only: the model does not map MemberCounts.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122140000_MemberCounts")]
public sealed class MemberCounts : Migration
{
    private const string Dimensions = "OrganizationId, IsSuspended, IsActivated, Rank, Tag, EmailConfirmed, MustChangePassword, DeviceStatus";

    private static string Values(string row) =>
        $"{row}.OrganizationId, {row}.IsSuspended, {row}.IsActivated, {row}.Rank, {row}.Tag, {row}.EmailConfirmed, {row}.MustChangePassword, {row}.DeviceStatus";

    private static string Matches(string row) =>
        string.Join(" AND ", Dimensions.Split(", ").Select(d => $"{d} = {row}.{d}"));

    private static string Add(string row) =>
        $"INSERT INTO MemberCounts ({Dimensions}, Count) VALUES ({Values(row)}, 1) ON CONFLICT ({Dimensions}) DO UPDATE SET Count = Count + 1;";

    private static string Remove(string row) =>
        $"UPDATE MemberCounts SET Count = Count - 1 WHERE {Matches(row)};";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            CREATE TABLE MemberCounts (
                OrganizationId TEXT NOT NULL, IsSuspended INTEGER NOT NULL, IsActivated INTEGER NOT NULL, Rank INTEGER NOT NULL,
                Tag INTEGER NOT NULL, EmailConfirmed INTEGER NOT NULL, MustChangePassword INTEGER NOT NULL, DeviceStatus INTEGER NOT NULL,
                Count INTEGER NOT NULL,
                PRIMARY KEY ({Dimensions})
            ) WITHOUT ROWID;
            """);
        migrationBuilder.Sql($"INSERT INTO MemberCounts ({Dimensions}, Count) SELECT {Dimensions}, COUNT(*) FROM MemberDirectory GROUP BY {Dimensions};");
        migrationBuilder.Sql($"CREATE TRIGGER MemberCounts_Inserted AFTER INSERT ON MemberDirectory BEGIN {Add("NEW")} END;");
        migrationBuilder.Sql($"CREATE TRIGGER MemberCounts_Deleted AFTER DELETE ON MemberDirectory BEGIN {Remove("OLD")} END;");
        migrationBuilder.Sql($"""
            CREATE TRIGGER MemberCounts_Updated AFTER UPDATE OF {Dimensions} ON MemberDirectory
            WHEN {string.Join(" OR ", Dimensions.Split(", ").Select(d => $"OLD.{d} IS NOT NEW.{d}"))}
            BEGIN {Remove("OLD")} {Add("NEW")} END;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TRIGGER MemberCounts_Updated;");
        migrationBuilder.Sql("DROP TRIGGER MemberCounts_Deleted;");
        migrationBuilder.Sql("DROP TRIGGER MemberCounts_Inserted;");
        migrationBuilder.Sql("DROP TABLE MemberCounts;");
    }
}
