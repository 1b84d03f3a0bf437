namespace UserAdmin.Portal.Features.Shared;

/// <summary>The portal's own permission keys. ADMIN and SUPER hold all of them; REGULAR members only through groups.</summary>
public static class PortalPermissions
{
    public const string ViewUsers = "view_users";
    public const string ManageUsers = "manage_users";
    public const string ResetPasswords = "reset_passwords";
    public const string SuspendUsers = "suspend_users";
    public const string ManageGroups = "manage_groups";
    public const string ViewActivity = "view_activity";

    public static IReadOnlyList<string> All { get; } =
        [ViewUsers, ManageUsers, ResetPasswords, SuspendUsers, ManageGroups, ViewActivity];

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [ViewUsers] = "See the member list and member details.",
        [ManageUsers] = "Create members and edit their profiles, smartcards and computer usernames; remove them.",
        [ResetPasswords] = "Force password changes, set temporary passwords, send reset links, unlock accounts.",
        [SuspendUsers] = "Suspend and unsuspend members.",
        [ManageGroups] = "Create and edit groups and policies, and change who is in them.",
        [ViewActivity] = "Read the organization's activity feed.",
    };

    /// <summary>The preset that lets admins delegate password work without handing out admin rank.</summary>
    public static IReadOnlyList<string> HelpDesk { get; } = [ViewUsers, ResetPasswords, ViewActivity];

    public static bool IsPortalPermission(string key) => All.Contains(key);
}
