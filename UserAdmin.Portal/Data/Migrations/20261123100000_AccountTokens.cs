using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>Hashed single-use tokens for emailed links (activation now, password reset later).</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261123100000_AccountTokens")]
public sealed class AccountTokens : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AccountTokens",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                Purpose = table.Column<int>(type: "INTEGER", nullable: false),
                TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AccountTokens", x => x.Id);
                table.ForeignKey("FK_AccountTokens_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_AccountTokens_AccountId_Purpose", "AccountTokens", ["AccountId", "Purpose"]);
        migrationBuilder.CreateIndex("IX_AccountTokens_TokenHash", "AccountTokens", "TokenHash", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("AccountTokens");
}
