using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Groups;

public sealed class PermissionPresetTests(PortalServices portal) : IClassFixture<PortalServices>
{
    /// <summary>The permissions in a user's <c>permissions</c> in Virtool's users API reference, in its order.</summary>
    private static readonly string[] VirtoolDocumented =
    [
        "cancel_job", "create_sample", "manage_users", "modify_hmm", "modify_settings", "modify_subtraction",
        "modify_virus", "rebuild_index", "remove_file", "remove_job", "remove_virus", "upload_file",
    ];

    /// <summary>All but manage_users, which is the portal's own permission.</summary>
    private static readonly string[] VirtoolApplicationKeys = [.. VirtoolDocumented.Where(k => k != PortalPermissions.ManageUsers)];

    private TestDatabase Database => portal.Database;
    private ApplicationPermissionService Keys => portal.Get<ApplicationPermissionService>();

    private Task<List<string>> DefinedAsync(Guid organizationId) =>
        Database.QueryAsync(db => db.ApplicationPermissions.Where(p => p.OrganizationId == organizationId).OrderBy(p => p.Key).Select(p => p.Key).ToListAsync());

    [Fact]
    public void TheVirtoolPresetIsExactlyTheDocumentedList()
    {
        Assert.Equal(VirtoolDocumented, PermissionPresets.Virtool.Permissions.Select(p => p.Key));
        Assert.All(PermissionPresets.Virtool.Permissions.Where(p => p.Key != PortalPermissions.ManageUsers),
            p => Assert.Empty(ApplicationPermissionService.Validate(p.Key, p.Description)));
    }

    [Fact]
    public async Task AddingThePresetDefinesTheMissingKeysOnceWithOneRecordAndKeepsTheExistingOnes()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        Assert.True((await Keys.AddAsync(admin.Actor, "create_sample", "Our own meaning")).Succeeded);
        Assert.True((await Keys.AddAsync(admin.Actor, "export_report", "Not Virtool's")).Succeeded);
        var before = (await Database.ActivityForAsync(organization.Id)).Count;

        var added = await Keys.AddPresetAsync(admin.Actor, PermissionPresets.Virtool);

        Assert.True(added.Succeeded, added.Message);
        Assert.Equal(VirtoolApplicationKeys.Where(k => k != "create_sample"), added.Value);
        Assert.Equal([.. VirtoolApplicationKeys.Append("export_report").Order(StringComparer.Ordinal)], await DefinedAsync(organization.Id));
        Assert.Equal("Our own meaning", await Database.QueryAsync(db =>
            db.ApplicationPermissions.Where(p => p.OrganizationId == organization.Id && p.Key == "create_sample").Select(p => p.Description).SingleAsync()));
        var records = (await Database.ActivityForAsync(organization.Id)).Skip(before).ToList();
        var record = Assert.Single(records);
        Assert.Equal("application_permission.preset_added", record.Verb);
        Assert.Contains("modify_subtraction", record.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("create_sample", record.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingThePresetAgainChangesAndRecordsNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        Assert.Equal(VirtoolApplicationKeys, (await Keys.AddPresetAsync(admin.Actor, PermissionPresets.Virtool)).Value);
        var records = (await Database.ActivityForAsync(organization.Id)).Count;

        var again = await Keys.AddPresetAsync(admin.Actor, PermissionPresets.Virtool);

        Assert.True(again.Succeeded, again.Message);
        Assert.Empty(again.Value!);
        Assert.Equal(VirtoolApplicationKeys.Order(StringComparer.Ordinal), await DefinedAsync(organization.Id));
        Assert.Equal(records, (await Database.ActivityForAsync(organization.Id)).Count);
    }

    [Fact]
    public async Task WithoutManageGroupsThePresetIsRefusedAndNothingIsDefined()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var regular = await Database.AddMemberAsync(organization.Id);
        var outsider = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id, MemberRank.Super);

        Assert.Equal(OperationStatus.Forbidden, (await Keys.AddPresetAsync(helpDesk.Actor, PermissionPresets.Virtool)).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Keys.AddPresetAsync(regular.Actor, PermissionPresets.Virtool)).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Keys.AddPresetAsync(outsider.Actor with { OrganizationId = organization.Id }, PermissionPresets.Virtool)).Status);

        Assert.Empty(await DefinedAsync(organization.Id));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }
}
