using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users;

/// <summary>
/// One organization seeded once with ~50 members that cover every status, rank, tag, email and device state,
/// ties in every sort column, unicode names and names full of characters that mean something to SQL, LIKE and
/// FTS5 — plus a second organization with look-alike members that must never show up in the first one's grid.
/// Tests read it and never change it; <see cref="ExpectedAsync"/> computes from the source tables, in C#, what
/// the grid should show.
/// </summary>
public sealed class MemberGridData : IAsyncLifetime
{
    /// <summary>First, last, display name, username stem, computer username.</summary>
    private static readonly (string First, string Last, string Display, string Stem, string? Computer)[] People =
    [
        ("Zoë", "Ångström", "Zoë Ångström", "zoe.angstrom", "WKS-ZOE01"),
        ("Łukasz", "Żółć", "Łukasz Żółć", "lukasz", null),
        ("Party", "Person", "🎉Confetti Fan", "pp", null),
        ("Triple", "Emoji", "Triple 🎉🎉🎉 Fan", "triple", null),
        ("מרים", "כהן", "מרים כהן", "miriam", null),
        ("Lorenzo", "Bianchi", "Lorenzo Bianchi", "lorenzo", "LAPTOP-LB"),
        ("Percy", "Cent", "Percy 50%Off", "per%cy", null),
        ("Una", "Score", "Una Under_Score", "una_score", null),
        ("Miles", "O'Brien", "Miles O'Brien", "miles.o'brien", null),
        ("Quinn", "Quote", "The \"Quoted\" One", "quinn", null),
        ("Stella", "Gazer", "Stella Star*Gazer", "stella", null),
        ("Anne-Marie", "Dash-Wood", "Anne-Marie Dash-Wood", "anne-marie", null),
        ("Paul", "(Smith)", "Paul (Smith)", "paul", null),
        ("Nearly", "Nearby", "Nearly NEAR Nearby", "nearly", null),
        ("Orla", "Oracle", "Orla OR Oracle", "orla", null),
        ("Alice", "Able", "Alice Able", "alice", null),
        ("alice", "able", "alice able", "ALICE2", null),
        ("Bob", "Baker", "Bob Baker", "bob", "PC-BOB"),
        ("Chloé", "Dubois", "Chloé Dubois", "chloe", null),
        ("Dmitri", "Ivanov", "Дмитрий Иванов", "dmitri", null),
        ("Eve", "Evans", "eve evans", "eve", null),
        ("Zed", "Zulu", "Zed Zulu", "zed", null),
        ("Kenji", "Ota", "太田 健二", "kenji", null),
        ("Mark", "Smith", "Mark Smith", "msmith", null),
    ];

    private static readonly string[] Domains = ["example.org", "mail.test", "corp.example"];
    private static readonly DateTime Epoch = new(2025, 1, 1, 8, 0, 0, DateTimeKind.Utc);

    public PortalServices Portal { get; private set; } = null!;
    public TestDatabase Database => Portal.Database;
    public MemberQueryService Service => Portal.Get<MemberQueryService>();

    public TestOrganization Organization { get; private set; } = null!;
    public TestOrganization OtherOrganization { get; private set; } = null!;

    /// <summary>A SUPER member of <see cref="Organization"/>, who lists its members.</summary>
    public TestMember Viewer { get; private set; } = null!;
    public TestMember OtherViewer { get; private set; } = null!;

    public Guid ZetaGroup { get; private set; }
    public Guid AlphaGroup { get; private set; }
    public Guid EmptyGroup { get; private set; }
    public Guid OtherOrganizationGroup { get; private set; }

    public Actor Actor => Viewer.Actor;

    public async Task InitializeAsync()
    {
        Portal = await PortalServices.CreateAsync();
        Organization = await Database.AddOrganizationAsync("Grid organization");
        OtherOrganization = await Database.AddOrganizationAsync("Look-alike organization");
        Viewer = await Database.AddMemberAsync(Organization.Id, MemberRank.Super, configure: a => Name(a, "viewer", "Vera", "Viewer", "Vera Viewer", 0));
        OtherViewer = await Database.AddMemberAsync(OtherOrganization.Id, MemberRank.Super, configure: a => Name(a, "b-viewer", "Vera", "Viewer", "Vera Viewer", 0));

        ZetaGroup = await AddGroupAsync(Organization.Id, "Zeta team");
        AlphaGroup = await AddGroupAsync(Organization.Id, "alpha squad");
        EmptyGroup = await AddGroupAsync(Organization.Id, "Nobody here");
        OtherOrganizationGroup = await AddGroupAsync(OtherOrganization.Id, "Zeta team");

        for (var i = 0; i < 48; i++)
        {
            var person = People[i % People.Length];
            var member = await Database.AddMemberAsync(
                Organization.Id,
                rank: i % 17 == 4 ? MemberRank.Super : i % 11 == 2 ? MemberRank.Admin : MemberRank.Regular,
                suspended: i % 9 == 7,
                configure: a => Describe(a, person, $"{person.Stem}{i:00}", i));
            await Database.ExecuteAsync(async db =>
            {
                var membership = await db.Memberships.SingleAsync(m => m.Id == member.MembershipId);
                membership.Tag = i % 4 == 1 ? MemberTag.Guest : MemberTag.User;
                if (i % 5 == 1)
                {
                    db.GroupMembers.Add(new GroupMember { GroupId = ZetaGroup, MembershipId = member.MembershipId, AddedAt = Epoch });
                }

                if (i % 6 == 2)
                {
                    db.GroupMembers.Add(new GroupMember { GroupId = AlphaGroup, MembershipId = member.MembershipId, AddedAt = Epoch });
                }

                if (person.Computer is { } computer && i < People.Length)
                {
                    db.ComputerUsernames.Add(new ComputerUsername { AccountId = member.AccountId, Name = computer });
                }
            });
        }

        // Look-alikes in the other organization: the same names, all of them findable there.
        for (var i = 0; i < People.Length; i++)
        {
            var person = People[i];
            var member = await Database.AddMemberAsync(OtherOrganization.Id, configure: a => Describe(a, person, $"b-{person.Stem}{i:00}", i));
            await Database.ExecuteAsync(db => Task.FromResult(db.GroupMembers.Add(new GroupMember { GroupId = OtherOrganizationGroup, MembershipId = member.MembershipId, AddedAt = Epoch })));
        }

        // One person in both organizations: REGULAR there, ADMIN here.
        var shared = await Database.AddMemberAsync(OtherOrganization.Id, configure: a => Name(a, "shared.person", "Sharon", "Shared", "Sharon Shared", 3));
        await Database.AddMembershipAsync(Organization.Id, shared.AccountId, MemberRank.Admin);
    }

    public Task DisposeAsync() => Portal.DisposeAsync();

    /// <summary>Every member of the organization as the source tables describe them, in membership id order.</summary>
    public async Task<List<ExpectedMember>> ExpectedAsync(Guid? organizationId = null)
    {
        var org = organizationId ?? Organization.Id;
        await using var db = Database.CreateContext();
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == org)
            .Include(m => m.Account!).ThenInclude(a => a.ComputerUsernames)
            .Include(m => m.Groups).ThenInclude(g => g.Group)
            .OrderBy(m => m.Id)
            .ToListAsync();
        var now = DateTimeOffset.UtcNow;
        return memberships.Select(m =>
        {
            var a = m.Account!;
            var status = m.IsSuspended ? MemberStatus.Suspended
                : !a.IsActivated ? MemberStatus.PendingActivation
                : a.LockoutEnd > now ? MemberStatus.LockedOut
                : MemberStatus.Active;
            return new ExpectedMember(
                m.Id, a.Id, a.UserName!, a.Email!, a.FirstName, a.LastName, a.DisplayName, a.ComputerUsernames.Select(c => c.Name).ToList(),
                string.Join(", ", m.Groups.Select(g => g.Group!.Name).Order(SqliteNoCase.Instance)), m.Groups.Select(g => g.GroupId).ToList(),
                m.Rank, m.Tag, m.IsSuspended, a.IsActivated, a.LockoutEnd, status, a.EmailConfirmed, a.MustChangePassword, a.DeviceStatus,
                a.CreatedAt, a.LastSignInAt);
        }).ToList();
    }

    private static void Describe(Account a, (string First, string Last, string Display, string Stem, string? Computer) person, string userName, int i)
    {
        Name(a, userName, person.First, person.Last, person.Display, i);
        a.IsActivated = i % 7 != 3;
        a.LockoutEnd = (i % 8) switch
        {
            5 => DateTimeOffset.UtcNow.AddDays(2).AddTicks(i),
            6 => DateTimeOffset.UtcNow.AddDays(-2).AddTicks(i),
            _ => null,
        };
        a.EmailConfirmed = i % 3 != 0;
        a.MustChangePassword = i % 5 == 0;
        a.DeviceStatus = (DeviceStatus)(i % 3);
        a.CreatedAt = Epoch.AddDays(i % 10).AddHours(i % 3);
        a.LastSignInAt = i % 6 == 0 ? null : Epoch.AddDays(300).AddMinutes(i * 7 % 50).AddTicks(i % 2);
    }

    private static void Name(Account a, string userName, string first, string last, string display, int i)
    {
        a.UserName = userName;
        a.NormalizedUserName = userName.ToUpperInvariant();
        a.Email = $"{userName}@{Domains[i % Domains.Length]}";
        a.NormalizedEmail = a.Email.ToUpperInvariant();
        (a.FirstName, a.LastName, a.DisplayName) = (first, last, display);
    }

    private async Task<Guid> AddGroupAsync(Guid organizationId, string name)
    {
        var group = new Group { Id = Guid.NewGuid(), OrganizationId = organizationId, Name = name, CreatedAt = Epoch };
        await Database.ExecuteAsync(db => Task.FromResult(db.Groups.Add(group)));
        return group.Id;
    }
}

/// <summary>What the grid should know about one member, computed in C# from the source tables.</summary>
public sealed record ExpectedMember(
    long MembershipId,
    Guid AccountId,
    string UserName,
    string Email,
    string FirstName,
    string LastName,
    string DisplayName,
    IReadOnlyList<string> ComputerUsernames,
    string GroupNames,
    IReadOnlyList<Guid> GroupIds,
    MemberRank Rank,
    MemberTag Tag,
    bool IsSuspended,
    bool IsActivated,
    DateTimeOffset? LockoutEnd,
    MemberStatus Status,
    bool EmailConfirmed,
    bool MustChangePassword,
    DeviceStatus DeviceStatus,
    DateTime CreatedAt,
    DateTime? LastSignInAt)
{
    /// <summary>The member matches the filter as the grid defines it (search: see <see cref="MatchesSearch"/>).</summary>
    public bool Matches(MemberFilter filter) =>
        (filter.Status is not { } status || Status == status)
        && (filter.Rank is not { } rank || Rank == rank)
        && (filter.Tag is not { } tag || Tag == tag)
        && (filter.GroupId is not { } group || GroupIds.Contains(group))
        && (filter.EmailConfirmed is not { } confirmed || EmailConfirmed == confirmed)
        && (filter.MustChangePassword is not { } mustChange || MustChangePassword == mustChange)
        && (filter.DeviceStatus is not { } device || DeviceStatus == device)
        && MatchesSearch(filter.Search);

    /// <summary>
    /// Terms of 3+ characters must each be a case-insensitive substring of one of the member's names, email or computer
    /// usernames; a search with only shorter terms is a prefix (ASCII case folded) of the username, email or display name.
    /// </summary>
    public bool MatchesSearch(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return true;
        }

        search = search.Trim();
        var terms = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.EnumerateRunes().Count() >= 3)
            .Take(8)
            .ToList();
        string[] texts = [UserName, Email, FirstName, LastName, DisplayName, .. ComputerUsernames];
        return terms.Count > 0
            ? terms.All(t => texts.Any(x => x.Contains(t, StringComparison.OrdinalIgnoreCase)))
            : new[] { UserName, Email, DisplayName }.Any(x => SqliteNoCase.StartsWith(x, search));
    }

    /// <summary>The grid's order for a sort: the sort's columns (text under NOCASE), then the membership id; all reversed when descending.</summary>
    public static IComparer<ExpectedMember> Order(MemberSort sort) => Comparer<ExpectedMember>.Create((x, y) =>
    {
        var byField = sort.Field switch
        {
            MemberSortField.UserName => SqliteNoCase.Instance.Compare(x.UserName, y.UserName),
            MemberSortField.Email => SqliteNoCase.Instance.Compare(x.Email, y.Email),
            MemberSortField.Rank => x.Rank.CompareTo(y.Rank),
            MemberSortField.Tag => x.Tag.CompareTo(y.Tag),
            MemberSortField.Status => (x.IsSuspended, x.IsActivated, x.LockoutEnd ?? DateTimeOffset.MinValue)
                .CompareTo((y.IsSuspended, y.IsActivated, y.LockoutEnd ?? DateTimeOffset.MinValue)),
            MemberSortField.Groups => SqliteNoCase.Instance.Compare(x.GroupNames, y.GroupNames),
            MemberSortField.CreatedAt => x.CreatedAt.CompareTo(y.CreatedAt),
            MemberSortField.LastSignInAt => (x.LastSignInAt ?? DateTime.MinValue).CompareTo(y.LastSignInAt ?? DateTime.MinValue),
            _ => SqliteNoCase.Instance.Compare(x.DisplayName, y.DisplayName),
        };
        var result = byField != 0 ? byField : x.MembershipId.CompareTo(y.MembershipId);
        return sort.Descending ? -result : result;
    });
}
