using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own whose admin is also an instance operator: these tests add policies and organizations.</summary>
public sealed class PoliciesAndOrganizationsPortal : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public async Task InitializeAsync() => Server = await PortalServer.StartAsync(new PortalServerOptions { Operators = ["e2e.admin"] });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class PoliciesAndOrganizationsTests(PortalFixture fixture, PoliciesAndOrganizationsPortal own)
    : PortalTest(fixture), IClassFixture<PoliciesAndOrganizationsPortal>
{
    private Task RunAsAdminAsync(Func<IPage, Task> body, [System.Runtime.CompilerServices.CallerMemberName] string testName = "") =>
        RunAsync(async page =>
        {
            var login = new LoginPage(page, own.Server.BaseUrl);
            await login.GotoAsync();
            await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
            await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();
            await body(page);
        }, testName);

    [Fact]
    public async Task APolicyCreatedAndAssignedWithThePickerShowsOnTheMembersPage()
    {
        var userName = $"pol-{Guid.NewGuid().ToString("N")[..8]}";
        await own.Server.AddMembersAsync([new SeedMember(userName, "Alpha Policyholder", $"{userName}@example.org")]);

        await RunAsAdminAsync(async page =>
        {
            var policies = new PoliciesPages(page, own.Server.BaseUrl);
            await policies.GotoListAsync();
            await policies.CreateAsync("VPN access", "Remote staff only");
            await Expect(policies.List).ToContainTextAsync("Remote staff only");

            await policies.OpenAsync("VPN access");
            await Expect(policies.Heading).ToHaveTextAsync("VPN access");
            await policies.AssignMemberAsync(userName);
            await Expect(policies.Members).ToContainTextAsync("Alpha Policyholder");

            await policies.Members.GetByRole(AriaRole.Link, new() { Name = "Alpha Policyholder", Exact = true }).ClickAsync();
            var detail = new MemberDetailPage(page);
            await detail.WaitUntilShownAsync();
            await detail.Tab("Rank and groups").ClickAsync();
            var policiesOfMember = page.GetByTestId("member-policies");
            await Expect(policiesOfMember.GetByLabel("Policy VPN access assigned directly")).ToBeCheckedAsync();
            await Expect(policiesOfMember).ToContainTextAsync("Remote staff only");
        });
    }

    [Fact]
    public async Task AnAccountInTwoOrganizationsSwitchesAndSeesOnlyTheOtherOrganizationsUsers()
    {
        var userName = $"north-{Guid.NewGuid().ToString("N")[..8]}";
        await own.Server.AddMembersAsync([new SeedMember(userName, "Nora Northwind", $"{userName}@example.org")]);
        var slug = $"globex-{Guid.NewGuid().ToString("N")[..6]}";

        await RunAsAdminAsync(async page =>
        {
            var shell = new ShellPage(page, own.Server.BaseUrl);
            var organizations = new OrganizationsPage(page, own.Server.BaseUrl);
            await organizations.GotoNewAsync();
            await organizations.CreateAsync(slug, "Globex E2E", own.Server.AdminUserName);
            await Expect(page.Locator(".rz-notification")).ToContainTextAsync($"Organization {slug} created");

            await organizations.GotoAsync();
            await Expect(organizations.List).ToContainTextAsync(own.Server.OrganizationDisplayName);
            await organizations.SwitchToAsync("Globex E2E");
            await shell.ExpectDashboardAsync();
            await Expect(shell.CurrentOrganization).ToContainTextAsync("Globex E2E");

            var users = new UsersPage(page, own.Server.BaseUrl);
            await users.GotoAsync();
            await Expect(users.Rows).ToHaveCountAsync(1);
            await Expect(users.Rows).ToContainTextAsync(own.Server.AdminUserName);
            await users.SearchAsync(userName);
            await Expect(users.Rows).ToHaveCountAsync(0);

            // Back through the switcher in the top bar.
            await shell.CurrentOrganization.GetByLabel("Organization").SelectOptionAsync(new SelectOptionValue { Label = own.Server.OrganizationDisplayName });
            // The page was on /users already and the switcher lists both names, so neither the address nor the text says
            // the switch is done: wait for the navigation the form's post makes, or a later step races its redirect.
            var landed = page.WaitForResponseAsync(r => r.Request.IsNavigationRequest && r.Request.Method == "GET");
            await shell.CurrentOrganization.GetByRole(AriaRole.Button, new() { Name = "Switch", Exact = true }).ClickAsync();
            await landed;
            await page.WaitForLoadStateAsync(LoadState.Load);
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users"));
            await Expect(shell.CurrentOrganization).ToContainTextAsync(own.Server.OrganizationDisplayName);
            await users.GotoAsync();
            await users.SearchAsync(userName);
            await Expect(users.Rows).ToContainTextAsync("Nora Northwind");
        });
    }
}
