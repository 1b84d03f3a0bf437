namespace UserAdmin.Portal.Data;

public sealed class Group
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 1000;

    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public List<GroupPermission> Permissions { get; set; } = [];
    public List<GroupMember> Members { get; set; } = [];
}

/// <summary>A permission key granted by a group: a portal permission or one of the organization's application permissions.</summary>
public sealed class GroupPermission
{
    public Guid GroupId { get; set; }
    public string Permission { get; set; } = "";
}

public sealed class GroupMember
{
    public Guid GroupId { get; set; }
    public long MembershipId { get; set; }
    public DateTime AddedAt { get; set; }

    public Group? Group { get; set; }
    public Membership? Membership { get; set; }
}

/// <summary>A permission key an organization defines for its downstream applications (e.g. create_sample).</summary>
public sealed class ApplicationPermission
{
    public const int KeyMaxLength = 64;

    public Guid OrganizationId { get; set; }
    public string Key { get; set; } = "";
    public string Description { get; set; } = "";
}

/// <summary>A named access policy, assigned to members and/or groups of one organization.</summary>
public sealed class Policy
{
    public const int NameMaxLength = 100;

    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public List<PolicyMember> Members { get; set; } = [];
    public List<PolicyGroup> Groups { get; set; } = [];
}

public sealed class PolicyMember
{
    public Guid PolicyId { get; set; }
    public long MembershipId { get; set; }
}

public sealed class PolicyGroup
{
    public Guid PolicyId { get; set; }
    public Guid GroupId { get; set; }
}
