namespace UserAdmin.Portal.Data;

/// <summary>A member's rank in one organization. The order matters: a higher value outranks a lower one.</summary>
public enum MemberRank
{
    Regular = 0,
    Admin = 1,
    Super = 2,
}

/// <summary>Guests are invited members with a restricted standing; they can be promoted to users.</summary>
public enum MemberTag
{
    User = 0,
    Guest = 1,
}

public enum ActivityCategory
{
    Admin = 0,
    Security = 1,
    Self = 2,
}

/// <summary>Whether the account has registered an authentication device (phone, token).</summary>
public enum DeviceStatus
{
    None = 0,
    Pending = 1,
    Registered = 2,
}

public enum ApiKeyScope
{
    ReadOnly = 0,
    ReadWrite = 1,
}
