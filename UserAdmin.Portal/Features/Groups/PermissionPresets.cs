namespace UserAdmin.Portal.Features.Groups;

public sealed record PresetPermission(string Key, string Description);

/// <summary>A named set of application permission keys that an organization adds in one step.</summary>
public sealed record PermissionPreset(string Name, IReadOnlyList<PresetPermission> Permissions);

public static class PermissionPresets
{
    /// <summary>
    /// The permissions Virtool's users API documents in every user's <c>permissions</c>, so that its clients find each
    /// key they check. Its <c>manage_users</c> is also the portal's own permission of that name, which every
    /// organization already has, so adding the preset never defines it.
    /// </summary>
    public static PermissionPreset Virtool { get; } = new("Virtool",
    [
        new("cancel_job", "Virtool: cancel jobs."),
        new("create_sample", "Virtool: create samples."),
        new("manage_users", "Virtool: manage users."),
        new("modify_hmm", "Virtool: change the HMM data."),
        new("modify_settings", "Virtool: change Virtool's settings."),
        new("modify_subtraction", "Virtool: add and change subtractions."),
        new("modify_virus", "Virtool: add and change viruses."),
        new("rebuild_index", "Virtool: rebuild the virus index."),
        new("remove_file", "Virtool: remove uploaded files."),
        new("remove_job", "Virtool: remove jobs."),
        new("remove_virus", "Virtool: remove viruses."),
        new("upload_file", "Virtool: upload files."),
    ]);
}
