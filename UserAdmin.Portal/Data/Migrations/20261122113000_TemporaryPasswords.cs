using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>When a help-desk temporary password stops working.</summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122113000_TemporaryPasswords")]
public sealed class TemporaryPasswords : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<DateTime>(name: "TemporaryPasswordExpiresAt", table: "AspNetUsers", type: "TEXT", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "TemporaryPasswordExpiresAt", table: "AspNetUsers");
}
