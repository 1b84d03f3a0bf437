namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>The configuration every test host starts with: its own database, its own log folder, a known first admin.</summary>
public static class TestSettings
{
    public const string OrganizationName = "test-org";
    public const string OrganizationDisplayName = "Test organization";
    public const string AdminUserName = "root-admin";
    public const string AdminEmail = "root-admin@portal.test";

    /// <summary>Strong enough for the bootstrap check: long, not common, does not contain the username.</summary>
    public const string AdminPassword = "quiet-meadow-test-2026";

    public static Dictionary<string, string?> For(TestDatabase database) => new()
    {
        ["ConnectionStrings:Portal"] = database.ConnectionString,
        ["Portal:Bootstrap:OrganizationName"] = OrganizationName,
        ["Portal:Bootstrap:OrganizationDisplayName"] = OrganizationDisplayName,
        ["Portal:Bootstrap:AdminUserName"] = AdminUserName,
        ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
        ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
        ["Portal:Bootstrap:AdminMustChangePassword"] = "false",
        ["Portal:Email:PickupDirectory"] = MailFolder(database),
    };

    /// <summary>Where a test host's pickup sender writes its .eml files: beside the database, never in the build output.</summary>
    public static string MailFolder(TestDatabase database) =>
        Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "mail", Path.GetFileNameWithoutExtension(database.FilePath));

    public static string NewLogFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "logs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
