using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class GroupsTests(PortalFixture fixture) : PortalTest(fixture)
{
    /// <summary>Virtool's documented permissions but manage_users, which is the portal's own; in the table's order.</summary>
    private static readonly string[] VirtoolKeys =
    [
        "cancel_job", "create_sample", "modify_hmm", "modify_settings", "modify_subtraction", "modify_virus",
        "rebuild_index", "remove_file", "remove_job", "remove_virus", "upload_file",
    ];

    [Fact]
    public async Task OneClickOnTheVirtoolPresetListsVirtoolsPermissions()
    {
        // Its own portal: the shared portal's organization keeps no application permissions.
        await using var portal = await PortalServer.StartAsync();
        await RunWithStorageStateAsync(await PortalSignIn.AdminStorageStateAsync(Browser, portal), async page =>
        {
            var groups = new GroupsPage(page, portal.BaseUrl);
            await groups.GotoAsync();
            await Expect(groups.ApplicationPermissions).ToHaveCountAsync(0);

            await groups.AddVirtoolPermissionsAsync();

            await Expect(page.Locator(".rz-notification")).ToContainTextAsync($"Defined {VirtoolKeys.Length} Virtool permission(s)");
            await Expect(groups.ApplicationPermissionKeys).ToHaveTextAsync(VirtoolKeys);

            // The list is the organization's: a reload shows it again.
            await groups.GotoAsync();
            await Expect(groups.ApplicationPermissionKeys).ToHaveTextAsync(VirtoolKeys);
        });
    }
}
