using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>
/// The schema's first part, written by hand in the shape `dotnet ef migrations add` produces; the migrations up to
/// <c>Baseline</c> are all hand-written, every later one is generated (docs/decisions/0002-generated-migrations.md).
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122080000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Activity",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                ActorAccountId = table.Column<Guid>(type: "TEXT", nullable: true),
                ActorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Verb = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                TargetAccountId = table.Column<Guid>(type: "TEXT", nullable: true),
                TargetName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Title = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                Category = table.Column<int>(type: "INTEGER", nullable: false),
                Diff = table.Column<string>(type: "TEXT", nullable: true),
                ClientAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Activity", x => x.Id));

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                FirstName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                LastName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                MustChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                LastPasswordChangeAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                IsActivated = table.Column<bool>(type: "INTEGER", nullable: false),
                ActivatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                EmailConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastSignInAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DeviceStatus = table.Column<int>(type: "INTEGER", nullable: false),
                DeviceAddedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                SecurityStamp = table.Column<string>(type: "TEXT", nullable: true),
                ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true),
                PhoneNumber = table.Column<string>(type: "TEXT", nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                TwoFactorEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                LockoutEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                AccessFailedCount = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AspNetUsers", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Organizations",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                MemberCount = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Organizations", x => x.Id));

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                ClaimValue = table.Column<string>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey("FK_AspNetUserClaims_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                ProviderKey = table.Column<string>(type: "TEXT", nullable: false),
                ProviderDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                UserId = table.Column<Guid>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey("FK_AspNetUserLogins_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", nullable: false),
                Value = table.Column<string>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey("FK_AspNetUserTokens_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ComputerUsernames",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ComputerUsernames", x => x.Id);
                table.ForeignKey("FK_ComputerUsernames_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CustomProperties",
            columns: table => new
            {
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CustomProperties", x => new { x.AccountId, x.Key });
                table.ForeignKey("FK_CustomProperties_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Smartcards",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Smartcards", x => x.Id);
                table.ForeignKey("FK_Smartcards_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ApiKeys",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Prefix = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                SecretHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                Scope = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiKeys", x => x.Id);
                table.ForeignKey("FK_ApiKeys_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_ApiKeys_Organizations_OrganizationId", x => x.OrganizationId, "Organizations", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ApplicationPermissions",
            columns: table => new
            {
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApplicationPermissions", x => new { x.OrganizationId, x.Key });
                table.ForeignKey("FK_ApplicationPermissions_Organizations_OrganizationId", x => x.OrganizationId, "Organizations", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Groups",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Groups", x => x.Id);
                table.ForeignKey("FK_Groups_Organizations_OrganizationId", x => x.OrganizationId, "Organizations", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Policies",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "TEXT", nullable: false),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Policies", x => x.Id);
                table.ForeignKey("FK_Policies_Organizations_OrganizationId", x => x.OrganizationId, "Organizations", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "GroupPermissions",
            columns: table => new
            {
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                Permission = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupPermissions", x => new { x.GroupId, x.Permission });
                table.ForeignKey("FK_GroupPermissions_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Memberships",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                Rank = table.Column<int>(type: "INTEGER", nullable: false),
                Tag = table.Column<int>(type: "INTEGER", nullable: false),
                IsSuspended = table.Column<bool>(type: "INTEGER", nullable: false),
                SuspendedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                PrimaryGroupId = table.Column<Guid>(type: "TEXT", nullable: true),
                Version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Memberships", x => x.Id);
                table.ForeignKey("FK_Memberships_AspNetUsers_AccountId", x => x.AccountId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Memberships_Groups_PrimaryGroupId", x => x.PrimaryGroupId, "Groups", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Memberships_Organizations_OrganizationId", x => x.OrganizationId, "Organizations", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "PolicyGroups",
            columns: table => new
            {
                PolicyId = table.Column<Guid>(type: "TEXT", nullable: false),
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PolicyGroups", x => new { x.PolicyId, x.GroupId });
                table.ForeignKey("FK_PolicyGroups_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_PolicyGroups_Policies_PolicyId", x => x.PolicyId, "Policies", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "GroupMembers",
            columns: table => new
            {
                GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                MembershipId = table.Column<long>(type: "INTEGER", nullable: false),
                AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupMembers", x => new { x.GroupId, x.MembershipId });
                table.ForeignKey("FK_GroupMembers_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_GroupMembers_Memberships_MembershipId", x => x.MembershipId, "Memberships", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "PolicyMembers",
            columns: table => new
            {
                PolicyId = table.Column<Guid>(type: "TEXT", nullable: false),
                MembershipId = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PolicyMembers", x => new { x.PolicyId, x.MembershipId });
                table.ForeignKey("FK_PolicyMembers_Memberships_MembershipId", x => x.MembershipId, "Memberships", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_PolicyMembers_Policies_PolicyId", x => x.PolicyId, "Policies", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_ActorAccountId_Id", "Activity", ["OrganizationId", "ActorAccountId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Category_Id", "Activity", ["OrganizationId", "Category", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Id", "Activity", ["OrganizationId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_TargetAccountId_Id", "Activity", ["OrganizationId", "TargetAccountId", "Id"]);
        migrationBuilder.CreateIndex("IX_Activity_OrganizationId_Verb_Id", "Activity", ["OrganizationId", "Verb", "Id"]);
        migrationBuilder.CreateIndex("IX_ApiKeys_AccountId", "ApiKeys", "AccountId");
        migrationBuilder.CreateIndex("IX_ApiKeys_OrganizationId", "ApiKeys", "OrganizationId");
        migrationBuilder.CreateIndex("IX_ApiKeys_Prefix", "ApiKeys", "Prefix", unique: true);
        migrationBuilder.CreateIndex("IX_AspNetUserClaims_UserId", "AspNetUserClaims", "UserId");
        migrationBuilder.CreateIndex("IX_AspNetUserLogins_UserId", "AspNetUserLogins", "UserId");
        migrationBuilder.CreateIndex("EmailIndex", "AspNetUsers", "NormalizedEmail");
        migrationBuilder.CreateIndex("IX_AspNetUsers_CreatedAt", "AspNetUsers", "CreatedAt");
        migrationBuilder.CreateIndex("IX_AspNetUsers_DisplayName", "AspNetUsers", "DisplayName");
        migrationBuilder.CreateIndex("IX_AspNetUsers_LastSignInAt", "AspNetUsers", "LastSignInAt");
        migrationBuilder.CreateIndex("UserNameIndex", "AspNetUsers", "NormalizedUserName", unique: true);
        migrationBuilder.CreateIndex("IX_ComputerUsernames_AccountId_Name", "ComputerUsernames", ["AccountId", "Name"], unique: true);
        migrationBuilder.CreateIndex("IX_ComputerUsernames_Name", "ComputerUsernames", "Name");
        migrationBuilder.CreateIndex("IX_GroupMembers_MembershipId", "GroupMembers", "MembershipId");
        migrationBuilder.CreateIndex("IX_Groups_OrganizationId_Name", "Groups", ["OrganizationId", "Name"], unique: true);
        migrationBuilder.CreateIndex("IX_Memberships_AccountId", "Memberships", "AccountId");
        migrationBuilder.CreateIndex("IX_Memberships_OrganizationId_AccountId", "Memberships", ["OrganizationId", "AccountId"], unique: true);
        migrationBuilder.CreateIndex("IX_Memberships_OrganizationId_IsSuspended", "Memberships", ["OrganizationId", "IsSuspended"]);
        migrationBuilder.CreateIndex("IX_Memberships_OrganizationId_JoinedAt", "Memberships", ["OrganizationId", "JoinedAt"]);
        migrationBuilder.CreateIndex("IX_Memberships_OrganizationId_Rank", "Memberships", ["OrganizationId", "Rank"]);
        migrationBuilder.CreateIndex("IX_Memberships_OrganizationId_Tag", "Memberships", ["OrganizationId", "Tag"]);
        migrationBuilder.CreateIndex("IX_Memberships_PrimaryGroupId", "Memberships", "PrimaryGroupId");
        migrationBuilder.CreateIndex("IX_Organizations_Name", "Organizations", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_Policies_OrganizationId_Name", "Policies", ["OrganizationId", "Name"], unique: true);
        migrationBuilder.CreateIndex("IX_PolicyGroups_GroupId", "PolicyGroups", "GroupId");
        migrationBuilder.CreateIndex("IX_PolicyMembers_MembershipId", "PolicyMembers", "MembershipId");
        migrationBuilder.CreateIndex("IX_Smartcards_AccountId", "Smartcards", "AccountId");
        migrationBuilder.CreateIndex("IX_Smartcards_Number", "Smartcards", "Number");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[]
        {
            "Activity", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens", "ApiKeys", "ApplicationPermissions",
            "ComputerUsernames", "CustomProperties", "GroupMembers", "GroupPermissions", "PolicyGroups", "PolicyMembers",
            "Smartcards", "Memberships", "Policies", "Groups", "AspNetUsers", "Organizations",
        })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
