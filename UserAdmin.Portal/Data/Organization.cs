namespace UserAdmin.Portal.Data;

public sealed class Organization
{
    public const int NameMaxLength = 64;
    public const int DisplayNameMaxLength = 200;

    public Guid Id { get; set; }

    /// <summary>The slug: lower-case letters, digits and dashes; unique.</summary>
    public string Name { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>Kept in the same transactions that add or remove members, so the grid's unfiltered total is O(1).</summary>
    public int MemberCount { get; set; }

    public List<Membership> Memberships { get; set; } = [];
    public List<Group> Groups { get; set; } = [];
    public List<ApplicationPermission> ApplicationPermissions { get; set; } = [];
}

/// <summary>An account's place in one organization.</summary>
public sealed class Membership
{
    /// <summary>Also the stable numeric member id that the compatibility APIs expose.</summary>
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid AccountId { get; set; }

    public MemberRank Rank { get; set; }
    public MemberTag Tag { get; set; }
    public bool IsSuspended { get; set; }
    public DateTime? SuspendedAt { get; set; }
    public DateTime JoinedAt { get; set; }
    public Guid? PrimaryGroupId { get; set; }

    /// <summary>Application-managed concurrency token: SQLite has no row versions.</summary>
    public string Version { get; set; } = Guid.NewGuid().ToString("N");

    public Organization? Organization { get; set; }
    public Account? Account { get; set; }
    public Group? PrimaryGroup { get; set; }
    public List<GroupMember> Groups { get; set; } = [];
}
