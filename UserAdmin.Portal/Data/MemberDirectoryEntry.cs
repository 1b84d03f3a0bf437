namespace UserAdmin.Portal.Data;

/// <summary>
/// One row per membership with everything the user grid shows, filters and sorts on, so every grid query is an
/// index range scan inside one organization. Written only by SQLite triggers (Migrations/*_MemberDirectory.cs) in
/// the same transaction as the change to the account, membership or groups it mirrors; never by the app.
/// Times are kept as the sortable UTC text EF writes; a missing time is '' so keyset paging needs no NULL cases.
/// </summary>
public sealed class MemberDirectoryEntry
{
    public long MembershipId { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid AccountId { get; set; }

    public string UserName { get; set; } = "";
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string GroupNames { get; set; } = "";

    public MemberRank Rank { get; set; }
    public MemberTag Tag { get; set; }
    public bool IsSuspended { get; set; }
    public bool IsActivated { get; set; }

    /// <summary>Identity's LockoutEnd as stored ('' when never locked); locked out while it is later than now.</summary>
    public string LockoutEnd { get; set; } = "";
    public bool EmailConfirmed { get; set; }
    public bool MustChangePassword { get; set; }
    public DeviceStatus DeviceStatus { get; set; }
    public string CreatedAt { get; set; } = "";
    public string LastSignInAt { get; set; } = "";
}
