using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>
/// Two-character searches on the name sort, in name order without sorting the matches (MemberQueryService):
/// the first two letters of the username and of the email, then the display name. Expression indexes, so only
/// this migration can describe them (the model has no form for them). The expression leads,
/// so a query on the organization alone can never pick these indexes over a sort index.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122130000_MemberPrefixIndexes")]
public sealed class MemberPrefixIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE INDEX IX_MemberDirectory_Prefix_UserName ON MemberDirectory (lower(substr(UserName, 1, 2)), OrganizationId, DisplayName, MembershipId);");
        migrationBuilder.Sql("CREATE INDEX IX_MemberDirectory_Prefix_Email ON MemberDirectory (lower(substr(Email, 1, 2)), OrganizationId, DisplayName, MembershipId);");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP INDEX IX_MemberDirectory_Prefix_UserName;");
        migrationBuilder.Sql("DROP INDEX IX_MemberDirectory_Prefix_Email;");
    }
}
