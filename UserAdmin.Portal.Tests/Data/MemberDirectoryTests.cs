using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Data;

/// <summary>
/// MemberDirectory and MemberSearch are written only by SQLite triggers. After every kind of change to the tables
/// they mirror, both must equal what the source tables say — checked over the whole database, not just the row
/// the test touched, so a trigger that writes too much is caught as well as one that writes too little.
/// </summary>
public sealed class MemberDirectoryTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;

    [Fact]
    public async Task ANewMembershipAppearsInTheDirectoryAndTheSearchIndex()
    {
        var organization = await Database.AddOrganizationAsync();

        var member = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a =>
        {
            a.FirstName = "Philippa";
            a.LastName = "Quarrington";
            a.DisplayName = "Pippa Q";
            a.EmailConfirmed = false;
            a.MustChangePassword = true;
            a.DeviceStatus = DeviceStatus.Pending;
            a.LastSignInAt = new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);
        });

        var entry = await EntryAsync(member.MembershipId);
        Assert.Equal((organization.Id, member.AccountId, member.UserName, "Pippa Q", MemberRank.Admin), (entry.OrganizationId, entry.AccountId, entry.UserName, entry.DisplayName, entry.Rank));
        Assert.Equal((false, true, DeviceStatus.Pending), (entry.EmailConfirmed, entry.MustChangePassword, entry.DeviceStatus));
        Assert.Equal([member.MembershipId], await SearchAsync("quarring"));
        Assert.Equal([member.MembershipId], await SearchAsync("PHILIPPA"));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task AChangedUsernameEmailOrNameShowsAndTheOldOnesAreNoLongerFound()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, configure: a => (a.FirstName, a.LastName) = ("Oldfirst", "Oldlast"));
        var newUserName = TestData.UniqueName("renamed");

        await UpdateAccountAsync(member, a =>
        {
            a.UserName = newUserName;
            a.NormalizedUserName = newUserName.ToUpperInvariant();
            a.Email = $"{newUserName}@elsewhere.test";
            a.NormalizedEmail = a.Email.ToUpperInvariant();
            a.FirstName = "Newfirst";
            a.LastName = "Newlast";
            a.DisplayName = "Brand New Display";
        });

        var entry = await EntryAsync(member.MembershipId);
        Assert.Equal((newUserName, $"{newUserName}@elsewhere.test", "Brand New Display"), (entry.UserName, entry.Email, entry.DisplayName));
        Assert.Equal([member.MembershipId], await SearchAsync("elsewhere.test"));
        Assert.Equal([member.MembershipId], await SearchAsync("Newfirst"));
        Assert.Equal([member.MembershipId], await SearchAsync("Newlast"));
        Assert.Equal([member.MembershipId], await SearchAsync("Brand New"));
        Assert.Empty(await SearchAsync(member.UserName));
        Assert.Empty(await SearchAsync("Oldfirst"));
        Assert.Empty(await SearchAsync("Oldlast"));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task ChangesToLockoutActivationPasswordDeviceAndSignInShow()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        var lockoutEnd = new DateTimeOffset(2031, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);
        var signedIn = new DateTime(2026, 11, 1, 12, 30, 0, DateTimeKind.Utc).AddTicks(42);

        await UpdateAccountAsync(member, a =>
        {
            a.LockoutEnd = lockoutEnd;
            a.IsActivated = false;
            a.MustChangePassword = true;
            a.EmailConfirmed = false;
            a.DeviceStatus = DeviceStatus.Registered;
            a.LastSignInAt = signedIn;
        });

        var entry = await EntryAsync(member.MembershipId);
        Assert.Equal(lockoutEnd, DateTimeOffset.Parse(entry.LockoutEnd, CultureInfo.InvariantCulture));
        Assert.Equal(signedIn, Utc(entry.LastSignInAt));
        Assert.Equal((false, true, false, DeviceStatus.Registered), (entry.IsActivated, entry.MustChangePassword, entry.EmailConfirmed, entry.DeviceStatus));
        await AssertDirectoryIsExactAsync();

        // Unlocking and forgetting the sign-in go back to the empty text that keyset paging relies on.
        await UpdateAccountAsync(member, a => (a.LockoutEnd, a.LastSignInAt) = (null, null));

        entry = await EntryAsync(member.MembershipId);
        Assert.Equal(("", ""), (entry.LockoutEnd, entry.LastSignInAt));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task RankTagAndSuspensionChangesShow()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);

        await Database.ExecuteAsync(async db =>
        {
            var membership = await db.Memberships.SingleAsync(m => m.Id == member.MembershipId);
            (membership.Rank, membership.Tag, membership.IsSuspended, membership.SuspendedAt) = (MemberRank.Super, MemberTag.Guest, true, DateTime.UtcNow);
        });

        var entry = await EntryAsync(member.MembershipId);
        Assert.Equal((MemberRank.Super, MemberTag.Guest, true), (entry.Rank, entry.Tag, entry.IsSuspended));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task AnAccountChangeShowsInEveryOrganizationTheAccountBelongsTo()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(first.Id);
        var other = await Database.AddMembershipAsync(second.Id, member.AccountId, MemberRank.Admin);

        await UpdateAccountAsync(member, a => (a.DisplayName, a.LastName) = ("Shared Person", "Multiorg"));

        Assert.Equal("Shared Person", (await EntryAsync(member.MembershipId)).DisplayName);
        Assert.Equal("Shared Person", (await EntryAsync(other.MembershipId)).DisplayName);
        Assert.Equal([member.MembershipId, other.MembershipId], await SearchAsync("Multiorg"));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task JoiningAndLeavingGroupsKeepsTheGroupNamesSortedIgnoringCase()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        var gamma = await AddGroupAsync(organization.Id, "gamma");
        var alpha = await AddGroupAsync(organization.Id, "Alpha");
        var beta = await AddGroupAsync(organization.Id, "beta");

        await JoinAsync(member, gamma);
        Assert.Equal("gamma", (await EntryAsync(member.MembershipId)).GroupNames);
        await JoinAsync(member, alpha);
        await JoinAsync(member, beta);
        Assert.Equal("Alpha, beta, gamma", (await EntryAsync(member.MembershipId)).GroupNames);
        await AssertDirectoryIsExactAsync();

        await Database.ExecuteAsync(db => db.GroupMembers.Where(g => g.GroupId == beta && g.MembershipId == member.MembershipId).ExecuteDeleteAsync());
        Assert.Equal("Alpha, gamma", (await EntryAsync(member.MembershipId)).GroupNames);

        await Database.ExecuteAsync(async db => db.GroupMembers.RemoveRange(await db.GroupMembers.Where(g => g.MembershipId == member.MembershipId).ToListAsync()));
        Assert.Equal("", (await EntryAsync(member.MembershipId)).GroupNames);
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task RenamingAGroupUpdatesEveryMemberInItAndOnlyThem()
    {
        var organization = await Database.AddOrganizationAsync();
        var inGroup = await Database.AddMemberAsync(organization.Id);
        var alsoInGroup = await Database.AddMemberAsync(organization.Id);
        var outside = await Database.AddMemberAsync(organization.Id);
        var renamed = await AddGroupAsync(organization.Id, "Aardvarks");
        var kept = await AddGroupAsync(organization.Id, "Middle");
        await JoinAsync(inGroup, renamed);
        await JoinAsync(inGroup, kept);
        await JoinAsync(alsoInGroup, renamed);
        await JoinAsync(outside, kept);

        await Database.ExecuteAsync(async db => (await db.Groups.SingleAsync(g => g.Id == renamed)).Name = "Zebras");

        Assert.Equal("Middle, Zebras", (await EntryAsync(inGroup.MembershipId)).GroupNames);
        Assert.Equal("Zebras", (await EntryAsync(alsoInGroup.MembershipId)).GroupNames);
        Assert.Equal("Middle", (await EntryAsync(outside.MembershipId)).GroupNames);
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task DeletingAGroupRemovesItFromItsMembersGroupNames()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        var doomed = await AddGroupAsync(organization.Id, "Doomed");
        var kept = await AddGroupAsync(organization.Id, "Kept");
        await JoinAsync(member, doomed);
        await JoinAsync(member, kept);

        // The database cascades the group's memberships; their delete trigger must not see the group any more.
        await Database.ExecuteAsync(db => db.Groups.Where(g => g.Id == doomed).ExecuteDeleteAsync());

        Assert.Equal("Kept", (await EntryAsync(member.MembershipId)).GroupNames);
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task AComputerUsernameBecomesSearchableFollowsARenameAndGoesWhenRemoved()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id);
        var name = "WKS-" + Guid.NewGuid().ToString("N")[..8];

        await Database.ExecuteAsync(db => Task.FromResult(db.ComputerUsernames.Add(new ComputerUsername { AccountId = member.AccountId, Name = name })));
        Assert.Equal([member.MembershipId], await SearchAsync(name));
        await AssertDirectoryIsExactAsync();

        await Database.ExecuteAsync(async db => (await db.ComputerUsernames.SingleAsync(c => c.Name == name)).Name = name + "-renamed");
        Assert.Equal([member.MembershipId], await SearchAsync(name + "-renamed"));
        await AssertDirectoryIsExactAsync();

        await Database.ExecuteAsync(db => db.ComputerUsernames.Where(c => c.AccountId == member.AccountId).ExecuteDeleteAsync());
        Assert.Empty(await SearchAsync(name));
        await AssertDirectoryIsExactAsync();
    }

    // Known gap, reported: MemberSearch_ComputerUsernameUPDATE refreshes only NEW.AccountId's search text, so the old
    // owner keeps the moved name. Nothing in the app moves a computer username yet; bulk SQL could.
    [Fact]
    public async Task AComputerUsernameMovedToAnotherAccountIsFoundOnlyUnderItsNewOwner()
    {
        var organization = await Database.AddOrganizationAsync();
        var previous = await Database.AddMemberAsync(organization.Id);
        var next = await Database.AddMemberAsync(organization.Id);
        var name = "MOVED-" + Guid.NewGuid().ToString("N")[..8];
        await Database.ExecuteAsync(db => Task.FromResult(db.ComputerUsernames.Add(new ComputerUsername { AccountId = previous.AccountId, Name = name })));

        await Database.ExecuteAsync(async db => (await db.ComputerUsernames.SingleAsync(c => c.Name == name)).AccountId = next.AccountId);

        Assert.Equal([next.MembershipId], await SearchAsync(name));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task RemovingAMembershipRemovesItsRowsButNotTheAccountsOtherMembership()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(first.Id, configure: a => a.LastName = "Twoplaces");
        var other = await Database.AddMembershipAsync(second.Id, member.AccountId);
        var group = await AddGroupAsync(first.Id, "Leavers");
        await JoinAsync(member, group);

        await Database.ExecuteAsync(async db => db.Memberships.Remove(await db.Memberships.SingleAsync(m => m.Id == member.MembershipId)));

        Assert.Null(await Database.QueryAsync(db => db.MemberDirectory.AsNoTracking().SingleOrDefaultAsync(d => d.MembershipId == member.MembershipId)));
        Assert.Equal([other.MembershipId], await SearchAsync("Twoplaces"));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task DeletingAnAccountRemovesTheRowsOfAllItsMemberships()
    {
        var first = await Database.AddOrganizationAsync();
        var second = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberAsync(first.Id, configure: a => a.LastName = "Goneforgood");
        await Database.AddMembershipAsync(second.Id, member.AccountId);
        await JoinAsync(member, await AddGroupAsync(first.Id, "Group"));
        await Database.ExecuteAsync(db => Task.FromResult(db.ComputerUsernames.Add(new ComputerUsername { AccountId = member.AccountId, Name = "gone-pc" })));

        // As a bulk statement would: the database cascades to memberships, group memberships and computer usernames.
        await Database.ExecuteAsync(db => db.Users.Where(a => a.Id == member.AccountId).ExecuteDeleteAsync());

        Assert.Empty(await Database.QueryAsync(db => db.MemberDirectory.Where(d => d.AccountId == member.AccountId).ToListAsync()));
        Assert.Empty(await SearchAsync("Goneforgood"));
        await AssertDirectoryIsExactAsync();
    }

    [Fact]
    public async Task TheMigrationBackfillsMembersThatExistedBeforeIt()
    {
        using var database = TestDatabase.CreateEmpty();
        await using (var db = database.CreateContext())
        {
            await db.GetService<IMigrator>().MigrateAsync("20261122080000_Initial");
        }

        // The seeding below writes through today's model: give the old tables the columns later migrations add, for now.
        var later = await AddLaterColumnsAsync(database);
        var organization = await database.AddOrganizationAsync();
        var admin = await database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a => (a.FirstName, a.LastName) = ("Early", "Bird"));
        var suspended = await database.AddMemberAsync(organization.Id, suspended: true, configure: a =>
        {
            a.LockoutEnd = DateTimeOffset.UtcNow.AddHours(1);
            a.LastSignInAt = DateTime.UtcNow.AddDays(-3);
        });
        await database.AddMembershipAsync((await database.AddOrganizationAsync()).Id, suspended.AccountId, MemberRank.Super);
        var group = await AddGroupAsync(database, organization.Id, "Founders");
        await JoinAsync(database, admin, group);
        await JoinAsync(database, suspended, await AddGroupAsync(database, organization.Id, "alumni"));
        await JoinAsync(database, suspended, group);
        await database.ExecuteAsync(db => Task.FromResult(db.ComputerUsernames.Add(new ComputerUsername { AccountId = admin.AccountId, Name = "EARLY-PC01" })));
        Assert.False(await TableExistsAsync(database, "MemberDirectory"));
        await DropColumnsAsync(database, later);

        await using (var db = database.CreateContext())
        {
            await DatabaseInitializer.MigrateAsync(db);
        }

        Assert.Equal(3, await database.QueryAsync(db => db.MemberDirectory.CountAsync()));
        Assert.Equal("alumni, Founders", (await EntryAsync(database, suspended.MembershipId)).GroupNames);
        Assert.Equal([admin.MembershipId], await SearchAsync(database, "early-pc"));
        Assert.Equal([admin.MembershipId], await SearchAsync(database, "Bird"));
        await AssertDirectoryIsExactAsync(database);
    }

    // ---- helpers ----

    private Task<MemberDirectoryEntry> EntryAsync(long membershipId) => EntryAsync(Database, membershipId);

    private static Task<MemberDirectoryEntry> EntryAsync(TestDatabase database, long membershipId) =>
        database.QueryAsync(db => db.MemberDirectory.AsNoTracking().SingleAsync(d => d.MembershipId == membershipId));

    private Task<List<long>> SearchAsync(string text) => SearchAsync(Database, text);

    /// <summary>The memberships whose search text contains <paramref name="text"/> (one quoted FTS5 phrase), in id order.</summary>
    private static async Task<List<long>> SearchAsync(TestDatabase database, string text)
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT rowid FROM MemberSearch WHERE MemberSearch MATCH @q ORDER BY rowid";
        command.Parameters.Add(new SqliteParameter("@q", "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private Task UpdateAccountAsync(TestMember member, Action<Account> change) =>
        Database.ExecuteAsync(async db => change(await db.Users.SingleAsync(a => a.Id == member.AccountId)));

    private Task<Guid> AddGroupAsync(Guid organizationId, string name) => AddGroupAsync(Database, organizationId, name);

    private static async Task<Guid> AddGroupAsync(TestDatabase database, Guid organizationId, string name)
    {
        var group = new Group { Id = Guid.NewGuid(), OrganizationId = organizationId, Name = name, CreatedAt = DateTime.UtcNow };
        await database.ExecuteAsync(db => Task.FromResult(db.Groups.Add(group)));
        return group.Id;
    }

    private Task JoinAsync(TestMember member, Guid groupId) => JoinAsync(Database, member, groupId);

    private static Task JoinAsync(TestDatabase database, TestMember member, Guid groupId) =>
        database.ExecuteAsync(db => Task.FromResult(db.GroupMembers.Add(new GroupMember { GroupId = groupId, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow })));

    /// <summary>Adds every column the model has and the database's existing tables lack; returns them as (table, column).</summary>
    private static async Task<List<(string Table, string Column)>> AddLaterColumnsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var added = new List<(string, string)>();
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.GetViewName() is null))
        {
            var table = entity.GetTableName()!;
            var existing = await db.Database.SqlQuery<string>($"SELECT name AS Value FROM pragma_table_info({table})").ToListAsync();
            if (existing.Count == 0)
            {
                continue;
            }

            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, null);
            foreach (var column in entity.GetProperties().Select(p => p.GetColumnName(store)).OfType<string>().Except(existing))
            {
                // Names from the model, not from input: DDL takes no parameters.
                var sql = "ALTER TABLE \"" + table + "\" ADD COLUMN \"" + column + "\" TEXT NULL";
                await db.Database.ExecuteSqlRawAsync(sql);
                added.Add((table, column));
            }
        }

        return added;
    }

    private static async Task DropColumnsAsync(TestDatabase database, List<(string Table, string Column)> columns)
    {
        await using var db = database.CreateContext();
        foreach (var (table, column) in columns)
        {
            var sql = "ALTER TABLE \"" + table + "\" DROP COLUMN \"" + column + "\"";
            await db.Database.ExecuteSqlRawAsync(sql);
        }
    }

    private static async Task<bool> TableExistsAsync(TestDatabase database, string name) =>
        await database.QueryAsync(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM sqlite_master WHERE name = {name}").SingleAsync()) > 0;

    private Task AssertDirectoryIsExactAsync() => AssertDirectoryIsExactAsync(Database);

    /// <summary>Every directory row and every search text, for the whole database, as the source tables say they should be.</summary>
    private static async Task AssertDirectoryIsExactAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var memberships = await db.Memberships.AsNoTracking()
            .Include(m => m.Account!).ThenInclude(a => a.ComputerUsernames)
            .Include(m => m.Groups).ThenInclude(g => g.Group)
            .OrderBy(m => m.Id)
            .ToListAsync();

        var expected = memberships.Select(m => new DirectoryRow(
            m.Id, m.OrganizationId, m.AccountId, m.Account!.UserName ?? "", m.Account.Email ?? "", m.Account.DisplayName,
            string.Join(", ", m.Groups.Select(g => g.Group!.Name).Order(SqliteNoCase.Instance)),
            m.Rank, m.Tag, m.IsSuspended, m.Account.IsActivated, m.Account.LockoutEnd, m.Account.EmailConfirmed, m.Account.MustChangePassword,
            m.Account.DeviceStatus, m.Account.CreatedAt, m.Account.LastSignInAt)).ToList();

        var actual = (await db.MemberDirectory.AsNoTracking().OrderBy(d => d.MembershipId).ToListAsync()).Select(d => new DirectoryRow(
            d.MembershipId, d.OrganizationId, d.AccountId, d.UserName, d.Email, d.DisplayName, d.GroupNames, d.Rank, d.Tag, d.IsSuspended,
            d.IsActivated, d.LockoutEnd.Length == 0 ? null : DateTimeOffset.Parse(d.LockoutEnd, CultureInfo.InvariantCulture),
            d.EmailConfirmed, d.MustChangePassword, d.DeviceStatus, Utc(d.CreatedAt)!.Value, Utc(d.LastSignInAt))).ToList();

        Assert.Equal(expected, actual);

        var texts = await ReadSearchTextsAsync(db);
        Assert.Equal(memberships.Select(m => m.Id), texts.Keys);
        foreach (var m in memberships)
        {
            var a = m.Account!;
            var fixedPart = $"{a.UserName} {a.Email} {a.FirstName} {a.LastName} {a.DisplayName}";
            var text = texts[m.Id];
            Assert.StartsWith(fixedPart, text, StringComparison.Ordinal);
            Assert.Equal(
                a.ComputerUsernames.Select(c => c.Name).Order(StringComparer.Ordinal),
                text[fixedPart.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        }

        // The kept filter totals (MemberCounts) equal the directory grouped by the same values; empty groups may stay at 0.
        const string dimensions = "OrganizationId, IsSuspended, IsActivated, Rank, Tag, EmailConfirmed, MustChangePassword, DeviceStatus";
        Assert.Equal(
            await RowsAsync(db, $"SELECT {dimensions}, COUNT(*) FROM MemberDirectory GROUP BY {dimensions} ORDER BY {dimensions}"),
            await RowsAsync(db, $"SELECT {dimensions}, Count FROM MemberCounts WHERE Count <> 0 ORDER BY {dimensions}"));
    }

    private static async Task<List<string>> RowsAsync(PortalDbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task<SortedDictionary<long, string>> ReadSearchTextsAsync(PortalDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT rowid, Text FROM MemberSearch";
        var texts = new SortedDictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetInt64(0), reader.IsDBNull(1) ? "<null>" : reader.GetString(1));
        }

        return texts;
    }

    private static DateTime? Utc(string text) => text.Length == 0
        ? null
        : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private sealed record DirectoryRow(
        long MembershipId, Guid OrganizationId, Guid AccountId, string UserName, string Email, string DisplayName, string GroupNames,
        MemberRank Rank, MemberTag Tag, bool IsSuspended, bool IsActivated, DateTimeOffset? LockoutEnd, bool EmailConfirmed,
        bool MustChangePassword, DeviceStatus DeviceStatus, DateTime CreatedAt, DateTime? LastSignInAt);
}
