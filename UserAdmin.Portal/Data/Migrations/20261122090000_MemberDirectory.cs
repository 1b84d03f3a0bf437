using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace UserAdmin.Portal.Data.Migrations;

/// <summary>
/// The user grid's directory: <c>MemberDirectory</c> (one row per membership, indexed for every sort and filter)
/// and <c>MemberSearch</c> (an FTS5 trigram index over one combined text column: username, email, names and
/// computer usernames). Both are maintained by triggers, so every writer — EF, Identity, bulk SQL — keeps them
/// exact inside its own transaction.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122090000_MemberDirectory")]
public sealed class MemberDirectory : Migration
{
    // The text the search index holds for an account aliased "a".
    private const string SearchText =
        "COALESCE(a.UserName, '') || ' ' || COALESCE(a.Email, '') || ' ' || a.FirstName || ' ' || a.LastName || ' ' || a.DisplayName"
        + " || COALESCE((SELECT ' ' || group_concat(c.Name, ' ') FROM ComputerUsernames c WHERE c.AccountId = a.Id), '')";

    // The comma-separated, sorted names of the groups a membership (given as an SQL expression) is in.
    private static string GroupNamesOf(string membershipId) =>
        "COALESCE((SELECT group_concat(Name, ', ') FROM (SELECT g.Name AS Name FROM GroupMembers gm JOIN Groups g ON g.Id = gm.GroupId"
        + $" WHERE gm.MembershipId = {membershipId} ORDER BY g.Name COLLATE NOCASE)), '')";

    private const string DirectoryColumns =
        "MembershipId, OrganizationId, AccountId, UserName, Email, DisplayName, GroupNames, Rank, Tag, IsSuspended, IsActivated,"
        + " LockoutEnd, EmailConfirmed, MustChangePassword, DeviceStatus, CreatedAt, LastSignInAt";

    private static string DirectoryValues(string m) =>
        $"{m}.Id, {m}.OrganizationId, {m}.AccountId, COALESCE(a.UserName, ''), COALESCE(a.Email, ''), a.DisplayName, "
        + GroupNamesOf($"{m}.Id")
        + $", {m}.Rank, {m}.Tag, {m}.IsSuspended, a.IsActivated, COALESCE(a.LockoutEnd, ''), a.EmailConfirmed, a.MustChangePassword,"
        + " a.DeviceStatus, a.CreatedAt, COALESCE(a.LastSignInAt, '')";

    private static readonly (string Column, string Value)[] AccountColumns =
    [
        ("UserName", "COALESCE(NEW.UserName, '')"), ("Email", "COALESCE(NEW.Email, '')"), ("DisplayName", "NEW.DisplayName"),
        ("IsActivated", "NEW.IsActivated"), ("LockoutEnd", "COALESCE(NEW.LockoutEnd, '')"), ("EmailConfirmed", "NEW.EmailConfirmed"),
        ("MustChangePassword", "NEW.MustChangePassword"), ("DeviceStatus", "NEW.DeviceStatus"), ("CreatedAt", "NEW.CreatedAt"),
        ("LastSignInAt", "COALESCE(NEW.LastSignInAt, '')"),
    ];

    public static IReadOnlyList<string> TriggerAndSearchSql { get; } =
    [
        "CREATE VIRTUAL TABLE MemberSearch USING fts5(Text, tokenize = 'trigram');",

        $"""
        CREATE TRIGGER MemberDirectory_MembershipInserted AFTER INSERT ON Memberships BEGIN
            INSERT INTO MemberDirectory ({DirectoryColumns}) SELECT {DirectoryValues("NEW")} FROM AspNetUsers a WHERE a.Id = NEW.AccountId;
            INSERT INTO MemberSearch (rowid, Text) SELECT NEW.Id, {SearchText} FROM AspNetUsers a WHERE a.Id = NEW.AccountId;
        END;
        """,

        """
        CREATE TRIGGER MemberDirectory_MembershipUpdated AFTER UPDATE OF Rank, Tag, IsSuspended ON Memberships BEGIN
            UPDATE MemberDirectory SET Rank = NEW.Rank, Tag = NEW.Tag, IsSuspended = NEW.IsSuspended WHERE MembershipId = NEW.Id;
        END;
        """,

        """
        CREATE TRIGGER MemberDirectory_MembershipDeleted AFTER DELETE ON Memberships BEGIN
            DELETE FROM MemberDirectory WHERE MembershipId = OLD.Id;
            DELETE FROM MemberSearch WHERE rowid = OLD.Id;
        END;
        """,

        // One trigger per mirrored column: SQLite rewrites only the indexes holding the columns an UPDATE sets, so a
        // sign-in (LastSignInAt) or a forced password change touches a few index entries instead of all of them.
        .. AccountColumns.Select(c => $"""
            CREATE TRIGGER MemberDirectory_Account{c.Column} AFTER UPDATE OF {c.Column} ON AspNetUsers BEGIN
                UPDATE MemberDirectory SET {c.Column} = {c.Value} WHERE AccountId = NEW.Id;
            END;
            """),

        $"""
        CREATE TRIGGER MemberSearch_AccountUpdated AFTER UPDATE OF UserName, Email, FirstName, LastName, DisplayName ON AspNetUsers BEGIN
            UPDATE MemberSearch SET Text = (SELECT {SearchText} FROM AspNetUsers a WHERE a.Id = NEW.Id)
            WHERE rowid IN (SELECT Id FROM Memberships WHERE AccountId = NEW.Id);
        END;
        """,

        // An UPDATE may move a computer username to another account: both accounts' text is rebuilt.
        .. new[] { ("INSERT", "NEW.AccountId"), ("DELETE", "OLD.AccountId"), ("UPDATE", "OLD.AccountId, NEW.AccountId") }.Select(t => $"""
            CREATE TRIGGER MemberSearch_ComputerUsername{t.Item1} AFTER {t.Item1} ON ComputerUsernames BEGIN
                UPDATE MemberSearch SET Text = (SELECT {SearchText} FROM AspNetUsers a WHERE a.Id = (SELECT m.AccountId FROM Memberships m WHERE m.Id = MemberSearch.rowid))
                WHERE rowid IN (SELECT Id FROM Memberships WHERE AccountId IN ({t.Item2}));
            END;
            """),

        .. new[] { "INSERT", "DELETE" }.Select(evt => $"""
            CREATE TRIGGER MemberDirectory_GroupMember{evt} AFTER {evt} ON GroupMembers BEGIN
                UPDATE MemberDirectory SET GroupNames = {GroupNamesOf((evt == "DELETE" ? "OLD" : "NEW") + ".MembershipId")}
                WHERE MembershipId = {(evt == "DELETE" ? "OLD" : "NEW")}.MembershipId;
            END;
            """),

        $"""
        CREATE TRIGGER MemberDirectory_GroupRenamed AFTER UPDATE OF Name ON Groups BEGIN
            UPDATE MemberDirectory SET GroupNames = {GroupNamesOf("MemberDirectory.MembershipId")}
            WHERE MembershipId IN (SELECT MembershipId FROM GroupMembers WHERE GroupId = NEW.Id);
        END;
        """,
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "MemberDirectory",
            columns: table => new
            {
                MembershipId = table.Column<long>(type: "INTEGER", nullable: false),
                OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                UserName = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                Email = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                DisplayName = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                GroupNames = table.Column<string>(type: "TEXT", nullable: false, collation: "NOCASE"),
                Rank = table.Column<int>(type: "INTEGER", nullable: false),
                Tag = table.Column<int>(type: "INTEGER", nullable: false),
                IsSuspended = table.Column<bool>(type: "INTEGER", nullable: false),
                IsActivated = table.Column<bool>(type: "INTEGER", nullable: false),
                LockoutEnd = table.Column<string>(type: "TEXT", nullable: false),
                EmailConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                MustChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                DeviceStatus = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<string>(type: "TEXT", nullable: false),
                LastSignInAt = table.Column<string>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MemberDirectory", x => x.MembershipId));

        migrationBuilder.CreateIndex("IX_MemberDirectory_AccountId", "MemberDirectory", "AccountId");
        foreach (var sort in MemberDirectoryConfiguration.MemberDirectorySorts)
        {
            migrationBuilder.CreateIndex(
                MemberDirectoryConfiguration.IndexName(sort),
                "MemberDirectory",
                ["OrganizationId", .. sort, "MembershipId", .. MemberDirectoryConfiguration.FilterColumns.Except(sort)]);
        }

        foreach (var sql in TriggerAndSearchSql)
        {
            migrationBuilder.Sql(sql);
        }

        // Backfill what exists already.
        migrationBuilder.Sql($"INSERT INTO MemberDirectory ({DirectoryColumns}) SELECT {DirectoryValues("m")} FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId;");
        migrationBuilder.Sql(SearchBackfillSql);
    }

    /// <summary>Fills the search index from every membership there is: this migration's backfill, and the benchmark builder's.</summary>
    public static string SearchBackfillSql =>
        $"INSERT INTO MemberSearch (rowid, Text) SELECT m.Id, {SearchText} FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId;";

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        string[] triggers =
        [
            "MemberDirectory_MembershipInserted", "MemberDirectory_MembershipUpdated", "MemberDirectory_MembershipDeleted",
            .. AccountColumns.Select(c => "MemberDirectory_Account" + c.Column), "MemberSearch_AccountUpdated", "MemberSearch_ComputerUsernameINSERT",
            "MemberSearch_ComputerUsernameDELETE", "MemberSearch_ComputerUsernameUPDATE", "MemberDirectory_GroupMemberINSERT",
            "MemberDirectory_GroupMemberDELETE", "MemberDirectory_GroupRenamed",
        ];
        foreach (var trigger in triggers)
        {
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {trigger};");
        }

        migrationBuilder.Sql("DROP TABLE IF EXISTS MemberSearch;");
        migrationBuilder.DropTable("MemberDirectory");
    }
}
