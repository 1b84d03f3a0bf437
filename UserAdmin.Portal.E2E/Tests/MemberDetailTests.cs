using Microsoft.Playwright;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

/// <summary>A portal of its own: these tests add and change members.</summary>
public sealed class MemberDetailPortal : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public async Task InitializeAsync() => Server = await PortalServer.StartAsync(new PortalServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class MemberDetailTests(PortalFixture fixture, MemberDetailPortal own) : PortalTest(fixture), IClassFixture<MemberDetailPortal>
{
    private const string Passphrase = "a quiet long passphrase";

    /// <summary>Signs in as the portal's SUPER, creates a member through the grid and opens them from their row.</summary>
    private Task RunWithNewMemberAsync(Func<IPage, MemberDetailPage, string, Task> body, [System.Runtime.CompilerServices.CallerMemberName] string testName = "") =>
        RunAsync(async page =>
        {
            var login = new LoginPage(page, own.Server.BaseUrl);
            await login.GotoAsync();
            await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
            await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();

            var users = new MemberAdminPage(page, own.Server.BaseUrl);
            var name = $"m{Guid.NewGuid().ToString("N")[..8]}";
            await users.GotoAsync();
            await users.OpenCreateAsync();
            await users.FillCreateAsync(name, $"{name}@example.org", "Mary", "Major", Passphrase);
            await users.SubmitCreateAsync();
            await Expect(page.Locator(".rz-notification")).ToContainTextAsync($"{name} is now a member");
            await users.SearchAsync(name);

            await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Mary Major" }).ClickAsync();
            var detail = new MemberDetailPage(page);
            await detail.WaitUntilShownAsync();
            await Expect(detail.Heading).ToHaveTextAsync("Mary Major");
            await body(page, detail, name);
        }, testName);

    [Fact]
    public Task AnAdminEditsTheProfileGroupsAndRankAndSeesItAllInTheActivityTab() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users/[0-9a-f-]{36}$"));
        await Expect(detail.Badges).ToContainTextAsync("REGULAR");

        var version = await detail.VersionAsync();
        await page.GetByLabel("Display name", new() { Exact = true }).FillAsync("Mary M. Major");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync($"{name}.new@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await detail.WaitForNewVersionAsync(version);
        await Expect(detail.Heading).ToHaveTextAsync("Mary M. Major");
        await Expect(page.Locator(".member-email")).ToContainTextAsync($"{name}.new@example.org");
        await Expect(page.Locator(".member-email .rz-badge")).ToHaveTextAsync("unconfirmed", new() { IgnoreCase = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Add property" }).ClickAsync();
        await page.GetByLabel("Property key 1").FillAsync("city");
        await page.GetByLabel("Property value 1").FillAsync("Trondheim");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save properties" }).ClickAsync();
        await Expect(detail.Notification).ToContainTextAsync("Properties saved");

        await detail.Tab("Rank and groups").ClickAsync();
        await page.GetByLabel("Member of Help desk").CheckAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Effective permissions" })).ToContainTextAsync("reset_passwords");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Effective permissions" })).ToContainTextAsync("group Help desk");
        await page.GetByLabel("Primary group Help desk").CheckAsync();
        await Expect(page.GetByLabel("Primary group Help desk")).ToBeCheckedAsync();

        await page.Locator(".rank-editor").GetByText("ADMIN", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change rank" }).ClickAsync();
        await Expect(detail.Confirmation).ToContainTextAsync("They will hold every portal permission");
        await detail.ConfirmAsync("Change rank");
        await Expect(detail.Badges).ToContainTextAsync("ADMIN");

        await detail.Tab("Activity").ClickAsync();
        var feed = page.Locator(".activity-feed");
        await Expect(feed).ToContainTextAsync($"changed {name}'s rank from REGULAR to ADMIN");
        await Expect(feed).ToContainTextAsync($"added {name} to group Help desk");
        await Expect(feed).ToContainTextAsync($"changed {name}'s custom properties");
        await Expect(feed).ToContainTextAsync($"changed {name}'s profile and email");
        await Expect(feed.Locator(".activity-title").First).ToContainTextAsync("rank");
    });

    [Fact]
    public Task SuspendingAndRemovingAreConfirmedWithTheirConsequence() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        await detail.Action("Suspend").ClickAsync();
        await Expect(detail.Confirmation).ToContainTextAsync("cannot sign in to this organization until unsuspended");
        await detail.Confirmation.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(detail.Badges).Not.ToContainTextAsync("Suspended", new() { IgnoreCase = true });

        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(detail.Badges).ToContainTextAsync("Suspended", new() { IgnoreCase = true });
        await Expect(detail.Action("Unsuspend")).ToBeEnabledAsync();

        await detail.Action("Remove from organization").ClickAsync();
        await Expect(detail.Confirmation).ToContainTextAsync("The account itself stays");
        await detail.ConfirmAsync("Yes, go ahead");
        await page.WaitForURLAsync(url => url.EndsWith("/users", StringComparison.Ordinal) || url.Contains("/users?", StringComparison.Ordinal));

        await page.GotoAsync($"{own.Server.BaseUrl}/users?q={name}");
        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        await users.WaitUntilShownAsync();
        await Expect(users.Total).ToHaveTextAsync("0 members");
    });

    [Fact]
    public Task TheSuperCannotActOnThemselvesAndSeesWhy() => RunAsync(async page =>
    {
        var login = new LoginPage(page, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();
        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        await users.GotoAsync($"?q={own.Server.AdminUserName}");
        await page.Locator(".member-grid a.member-link").First.ClickAsync();
        var detail = new MemberDetailPage(page);
        await detail.WaitUntilShownAsync();

        await Expect(detail.Action("Suspend")).ToBeDisabledAsync();
        await Expect(detail.Actions).ToContainTextAsync("You cannot do this to your own account; ask another admin.");
        await detail.Tab("Rank and groups").ClickAsync();
        await Expect(page.Locator(".rank-editor")).ToContainTextAsync("Nobody can change their own rank.");
    });

    [Fact]
    public Task AHelpDeskAgentSetsATemporaryPasswordThatSignsInToTheForcedChange() => RunAsync(async page =>
    {
        var login = new LoginPage(page, own.Server.BaseUrl);
        var shell = new ShellPage(page, own.Server.BaseUrl);
        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        var agent = $"hd{Guid.NewGuid().ToString("N")[..8]}";
        var caller = $"tg{Guid.NewGuid().ToString("N")[..8]}";

        // The SUPER creates an agent and a caller, and puts the agent in the Help desk group.
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await shell.ExpectDashboardAsync();
        await users.GotoAsync();
        foreach (var (name, first) in new[] { (agent, "Hank"), (caller, "Cara") })
        {
            await users.OpenCreateAsync();
            await users.FillCreateAsync(name, $"{name}@example.org", first, "Tester", Passphrase);
            await users.Dialog.GetByLabel("Must change the password at first sign-in").UncheckAsync();
            await users.SubmitCreateAsync();

            // Hashing the password takes a while on a busy machine; the dialog closes once the member exists.
            await Expect(users.Dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        }

        await users.SearchAsync(agent);
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Hank Tester" }).ClickAsync();
        var detail = new MemberDetailPage(page);
        await detail.WaitUntilShownAsync();
        await detail.Tab("Rank and groups").ClickAsync();
        await page.GetByLabel("Member of Help desk").CheckAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Effective permissions" })).ToContainTextAsync("reset_passwords");
        await shell.SignOutAsync();

        // The agent sees only the password work on the caller, and sets a temporary password.
        await login.ExpectShownAsync();
        await login.SignInAsync(agent, Passphrase);
        await shell.ExpectDashboardAsync();
        await users.GotoAsync($"?q={caller}");
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Cara Tester" }).ClickAsync();
        await detail.WaitUntilShownAsync();
        await Expect(page.Locator(".member-tabs [role=tab]")).ToHaveTextAsync(["Password and sign-in", "Activity"], new() { IgnoreCase = true });
        await Expect(page.GetByLabel("Member actions")).ToHaveCountAsync(0);
        await detail.Tab("Password and sign-in").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set temporary password" }).ClickAsync();
        await detail.ConfirmAsync("Set temporary password");
        var temporary = (await page.GetByTestId("temporary-password-value").TextContentAsync())!.Trim();
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", temporary);
        await Expect(detail.Badges).ToContainTextAsync("Must change password", new() { IgnoreCase = true });
        await shell.SignOutAsync();

        // The old password no longer works; the temporary one leads straight to choosing a new password.
        await login.ExpectShownAsync();
        await login.SignInAsync(caller, Passphrase);
        await login.ExpectFailureAsync();
        await login.SignInAsync(caller, temporary);
        var change = new ChangePasswordPage(page, own.Server.BaseUrl);
        await change.ExpectShownAsync();
        await change.ChangeAsync(temporary, "a brand new private passphrase");
        await shell.ExpectDashboardAsync();
    });

    [Fact]
    public Task AChangeInOneBrowserShowsInAnotherOnTheMemberPageAndInTheGrid() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        var memberUrl = page.Url;

        // A second admin session, in its own browser context, opens the same member.
        await using var otherContext = await Browser.NewContextAsync();
        var other = await otherContext.NewPageAsync();
        var login = new LoginPage(other, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await new ShellPage(other, own.Server.BaseUrl).ExpectDashboardAsync();
        await other.GotoAsync(memberUrl);
        var otherDetail = new MemberDetailPage(other);
        await otherDetail.WaitUntilShownAsync();

        // Presence: each sees the other; typing marks the other as editing.
        await Expect(page.GetByTestId("presence")).ToContainTextAsync(own.Server.AdminUserName);
        await other.GetByLabel("First name", new() { Exact = true }).FillAsync("Unsaved");
        await other.GetByLabel("Last name", new() { Exact = true }).FocusAsync();
        await Expect(page.GetByTestId("presence")).ToContainTextAsync("(editing)");

        // The first session suspends; the second sees it without reloading and keeps its unsaved input.
        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(otherDetail.Badges).ToContainTextAsync("Suspended", new() { IgnoreCase = true });
        await Expect(other.GetByLabel("First name", new() { Exact = true })).ToHaveValueAsync("Unsaved");

        // The grid in the second session follows too, with its ticked row still ticked.
        var users = new MemberAdminPage(other, own.Server.BaseUrl);
        await users.GotoAsync($"?q={name}");
        await other.GetByLabel($"Select {name}").CheckAsync();
        await detail.Action("Unsuspend").ClickAsync();
        await Expect(other.Locator(".member-grid tbody tr").First).ToContainTextAsync("Active", new() { IgnoreCase = true });
        await Expect(other.GetByLabel($"Select {name}")).ToBeCheckedAsync();

        // The second session's activity page puts the next change on top, without a reload.
        var activity = new ActivityLogPage(other, own.Server.BaseUrl);
        await other.GotoAsync(own.Server.BaseUrl + "/activity");
        await activity.WaitUntilLiveAsync();
        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(activity.Titles.First).ToHaveTextAsync($"{own.Server.AdminUserName} suspended {name}");
    });

    [Fact]
    public Task TheDashboardCountsMoveWhenAnotherAdminAddsAMember() => RunAsync(async page =>
    {
        var login = new LoginPage(page, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await new ShellPage(page, own.Server.BaseUrl).ExpectDashboardAsync();
        await page.WaitForFunctionAsync("() => { const s = document.querySelector('section.dashboard'); return s && s.dataset.loading === 'false' && s.dataset.interactive === 'true'; }");
        var before = int.Parse((await page.GetByTestId("member-count").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator(".dashboard-recent")).ToContainTextAsync("signed in");

        await using var otherContext = await Browser.NewContextAsync();
        var other = await otherContext.NewPageAsync();
        var otherLogin = new LoginPage(other, own.Server.BaseUrl);
        await otherLogin.GotoAsync();
        await otherLogin.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        var users = new MemberAdminPage(other, own.Server.BaseUrl);
        await users.GotoAsync();
        var name = $"d{Guid.NewGuid().ToString("N")[..8]}";
        await users.OpenCreateAsync();
        await users.FillCreateAsync(name, $"{name}@example.org", "Dana", "Board", Passphrase);
        await users.SubmitCreateAsync();

        await Expect(page.GetByTestId("member-count")).ToHaveTextAsync((before + 1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator(".dashboard-recent")).ToContainTextAsync($"created {name}");
    });

    [Fact]
    public Task DeactivatingIsConfirmedShownAndUndoneByReactivating() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        await detail.Action("Deactivate").ClickAsync();
        await Expect(detail.Confirmation).ToContainTextAsync("cannot sign in to any organization");
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(detail.Badges).ToContainTextAsync("Deactivated", new() { IgnoreCase = true });

        await detail.Action("Reactivate").ClickAsync();
        await Expect(detail.Badges).ToContainTextAsync("Active", new() { IgnoreCase = true });
        await Expect(detail.Action("Deactivate")).ToBeEnabledAsync();

        await detail.Tab("Activity").ClickAsync();
        await Expect(page.Locator(".activity-feed")).ToContainTextAsync("reactivated");
    });

    [Fact]
    public Task SmartcardsAndComputerUsernamesAreSavedAsListsAndTheFeedMasksNumbers() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        await detail.Tab("Smartcards and computers").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add smartcard" }).ClickAsync();
        await page.GetByLabel("Smartcard number 1", new() { Exact = true }).FillAsync("12ab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save smartcards" }).ClickAsync();
        await Expect(page.Locator("section[aria-labelledby=smartcards-heading]")).ToContainTextAsync("4–32 digits, nothing else.");

        await page.GetByLabel("Smartcard number 1", new() { Exact = true }).FillAsync("4000123456");
        await page.GetByLabel("Smartcard label 1", new() { Exact = true }).FillAsync("Front door");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save smartcards" }).ClickAsync();
        await Expect(detail.Notification).ToContainTextAsync("Smartcards saved");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add computer username" }).ClickAsync();
        await page.GetByLabel("Computer username 1", new() { Exact = true }).FillAsync("ACME\\mary");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save computer usernames" }).ClickAsync();
        await Expect(detail.Notification.Last).ToContainTextAsync("Computer usernames saved");

        await detail.Tab("Activity").ClickAsync();
        var feed = page.Locator(".activity-feed");
        await Expect(feed).ToContainTextAsync($"changed {name}'s smartcards");
        await feed.Locator("details summary").First.ClickAsync();
        await Expect(feed).ToContainTextAsync("••••3456 (Front door)");
        await Expect(feed).Not.ToContainTextAsync("4000123456");
    });

    [Fact]
    public Task ASuspendedMembersOpenPageEndsAtOnceAndSendsThemToSignIn() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        // The member signs in in a browser of their own (choosing a new password, as the initial one demands).
        await using var memberContext = await Browser.NewContextAsync();
        var memberPage = await memberContext.NewPageAsync();
        var login = new LoginPage(memberPage, own.Server.BaseUrl);
        await login.GotoAsync();
        await login.SignInAsync(name, Passphrase);
        var change = new ChangePasswordPage(memberPage, own.Server.BaseUrl);
        await change.ExpectShownAsync();
        await change.ChangeAsync(Passphrase, Passphrase + " renewed");
        var shell = new ShellPage(memberPage, own.Server.BaseUrl);
        await shell.ExpectDashboardAsync();
        await memberPage.WaitForFunctionAsync("() => window.Blazor !== undefined && document.readyState === 'complete'");
        await Expect(shell.UserMenu).ToContainTextAsync("Mary Major");

        await detail.Action("Suspend").ClickAsync();
        await detail.ConfirmAsync("Yes, go ahead");
        await Expect(detail.Badges).ToContainTextAsync("Suspended", new() { IgnoreCase = true });

        // Nobody touches the member's browser: the change notice ends the circuit well before the minute's recheck,
        // and the page loaded afresh lets a suspended member in nowhere (sign-in, or access denied while the cookie's
        // own stamp check has not come round yet).
        await Expect(memberPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/(Login|AccessDenied)", System.Text.RegularExpressions.RegexOptions.IgnoreCase),
            new() { Timeout = 20_000 });
    });

    [Fact]
    public Task GrantingSuperAsksForThePasswordAgainAndAWrongOneChangesNothing() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        await detail.Tab("Rank and groups").ClickAsync();
        await page.Locator(".rank-editor").GetByText("SUPER", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change rank" }).ClickAsync();

        // The consequence is confirmed first; the password dialog takes its place.
        await detail.Confirmation.GetByRole(AriaRole.Button, new() { Name = "Change rank", Exact = true }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Form, new() { Name = "Confirm it's you", Exact = true });
        await Expect(confirm).ToContainTextAsync("Granting SUPER needs your password.");
        await confirm.GetByLabel("Your password", new() { Exact = true }).FillAsync(own.Server.AdminPassword + "-wrong");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(confirm.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That password is not right.");
        await Expect(detail.Badges).Not.ToContainTextAsync("SUPER");

        await confirm.GetByLabel("Your password", new() { Exact = true }).FillAsync(own.Server.AdminPassword);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        await Expect(detail.Badges).ToContainTextAsync("SUPER");
    });

    [Fact]
    public Task AGroupGrantsAnApplicationPermissionToAMemberAddedWithThePicker() => RunWithNewMemberAsync(async (page, detail, name) =>
    {
        var group = $"Lab {Guid.NewGuid().ToString("N")[..6]}";
        var key = $"run_assay_{Guid.NewGuid().ToString("N")[..6]}";
        await page.GotoAsync($"{own.Server.BaseUrl}/groups");
        await page.WaitForFunctionAsync("() => document.querySelector('section.groups-page')?.dataset.interactive === 'true'");
        await page.GetByLabel("Permission key", new() { Exact = true }).FillAsync(key);
        await page.GetByLabel("Permission description", new() { Exact = true }).FillAsync("Run an assay");
        await page.GetByRole(AriaRole.Button, new() { Name = "Define permission" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Application permissions" })).ToContainTextAsync(key);

        await page.GetByLabel("New group name", new() { Exact = true }).FillAsync(group);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = group, Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => { const s = document.querySelector('section.group-page'); return s && s.dataset.interactive === 'true' && s.dataset.loading === 'false'; }");

        await page.GetByLabel($"Grant {key}", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save permissions" }).ClickAsync();
        await Expect(page.Locator(".rz-notification").Last).ToContainTextAsync("Permissions saved");

        await page.GetByLabel("Find a member to add", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Find a member to add", new() { Exact = true }).PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add {name}", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Group members" })).ToContainTextAsync(name);

        await page.GetByRole(AriaRole.Table, new() { Name = "Group members" }).GetByRole(AriaRole.Link, new() { Name = "Mary Major" }).ClickAsync();
        await detail.WaitUntilShownAsync();
        await detail.Tab("Rank and groups").ClickAsync();
        var permissions = page.GetByRole(AriaRole.Table, new() { Name = "Effective permissions" });
        await Expect(permissions).ToContainTextAsync(key);
        await Expect(permissions).ToContainTextAsync($"group {group}");
    });

    [Fact]
    public Task AMemberCreatedWithoutEmailGetsNoResetLinkAndSignsInWithATemporaryPassword() => RunAsync(async page =>
    {
        var login = new LoginPage(page, own.Server.BaseUrl);
        var shell = new ShellPage(page, own.Server.BaseUrl);
        var users = new MemberAdminPage(page, own.Server.BaseUrl);
        var detail = new MemberDetailPage(page);
        var name = $"k{Guid.NewGuid().ToString("N")[..8]}";
        await login.GotoAsync();
        await login.SignInAsync(own.Server.AdminUserName, own.Server.AdminPassword);
        await shell.ExpectDashboardAsync();

        // Created in the grid with a password and the email left empty.
        await users.GotoAsync();
        await users.OpenCreateAsync();
        await users.FillCreateAsync(name, "", "Kiosk", "Station", Passphrase);
        await users.SubmitCreateAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync($"{name} is now a member", new() { Timeout = 30_000 });
        await users.SearchAsync(name);
        await Expect(page.Locator(".member-grid")).ToContainTextAsync("none");
        await page.Locator(".member-grid").GetByRole(AriaRole.Link, new() { Name = "Kiosk Station" }).ClickAsync();
        await detail.WaitUntilShownAsync();
        await Expect(detail.Email).ToHaveTextAsync("no email address");

        // No reset link, and the page says why; the temporary password is offered.
        await detail.Tab("Password and sign-in").ClickAsync();
        var resetLink = detail.PasswordAction("Send reset link");
        await Expect(resetLink).ToBeDisabledAsync();
        await Expect(resetLink).ToHaveAccessibleDescriptionAsync("No email address: give them a temporary password instead.");
        await detail.PasswordAction("Set temporary password").ClickAsync();
        await detail.ConfirmAsync("Set temporary password");
        var temporary = (await page.GetByTestId("temporary-password-value").TextContentAsync())!.Trim();
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", temporary);
        await shell.SignOutAsync();

        // The member signs in with it, straight to choosing their own password.
        await login.ExpectShownAsync();
        await login.SignInAsync(name, temporary);
        var change = new ChangePasswordPage(page, own.Server.BaseUrl);
        await change.ExpectShownAsync();
        await change.ChangeAsync(temporary, "a brand new private passphrase");
        await shell.ExpectDashboardAsync();
    });
}
