using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Components.Layout;

/// <summary>The shell's navigation: every page of the portal, the permission it needs, and whether it is built yet.</summary>
public sealed record NavItem(string Text, string Path, string Icon, string? Permission, bool Available);

public static class NavItems
{
    public static IReadOnlyList<NavItem> All { get; } =
    [
        new("Dashboard", "/", "dashboard", null, true),
        new("Users", "/users", "group", PortalPermissions.ViewUsers, true),
        new("Groups", "/groups", "workspaces", PortalPermissions.ManageGroups, true),
        new("Policies", "/policies", "policy", PortalPermissions.ManageGroups, true),
        new("Activity", "/activity", "history", PortalPermissions.ViewActivity, true),
        new("Organizations", "/organizations", "domain", null, true),
        new("API keys", "/account/api-keys", "key", null, true),
        new("API docs", "/api-docs", "api", null, true),
    ];

    /// <summary>The items this member may see: pages needing a permission they lack are left out.</summary>
    public static IEnumerable<NavItem> For(ActingMember? member) =>
        All.Where(i => i.Permission is null || (member?.Has(i.Permission) ?? false));
}
