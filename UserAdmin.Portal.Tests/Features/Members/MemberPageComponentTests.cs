using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberPageComponentTests : PortalComponentTest
{

    [Fact]
    public void TheHeaderShowsEveryStatusThatApplies()
    {
        Services.AddSingleton(TimeProvider.System);
        var header = Render<MemberHeader>(p => p.Add(x => x.Member, Detail(d => d with
        {
            IsSuspended = true,
            LockoutEnd = DateTimeOffset.UtcNow.AddHours(1),
            MustChangePassword = true,
            Tag = MemberTag.Guest,
            EmailConfirmed = false,
            DisplayName = "<script>alert(1)</script>",
        })));

        Assert.Equal(["SUPER", "Suspended", "Locked out", "Must change password", "Guest"], header.FindAll(".member-badges .rz-badge").Select(b => b.TextContent.Trim()));
        Assert.Equal("unconfirmed", header.Find(".member-email .rz-badge").TextContent.Trim());
        Assert.Equal("<script>alert(1)</script>", header.Find("h1").TextContent);
        Assert.Empty(header.FindAll("h1 script"));
        Assert.Equal("never", header.FindAll(".member-dates dd")[4].TextContent.Trim());
    }

    [Fact]
    public void RefusedActionsAreDisabledWithTheirReason()
    {
        // Never called: every refused button is disabled, and the test clicks nothing.
        Services.AddSingleton(new MemberStatusService(null!));
        var reauthentication = new UserAdmin.Portal.Features.Accounts.ReauthenticationService(
            null!, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<UserAdmin.Portal.Features.Accounts.ReauthenticationService>.Instance);
        Services.AddSingleton(reauthentication);
        Services.AddSingleton(new MemberStandingService(null!, reauthentication));
        Services.AddSingleton(new UserAdmin.Portal.Features.Activation.ActivationService(null!, null!, null!, null!, null!, null!, null!));
        var refusals = new Dictionary<MemberAction, Decision>
        {
            [MemberAction.Suspend] = Decision.Deny("You need the suspend_users permission for this."),
            [MemberAction.Remove] = Decision.Allow,
            [MemberAction.DeleteAccount] = Decision.Deny("This account also belongs to another organization that you do not administer, so only membership actions are available here."),
            [MemberAction.ChangeTag] = Decision.Allow,
        };

        // Activate is left out: an action the page was not told about is refused, never offered.

        var actions = Render<MemberActions>(p => p
            .Add(x => x.Actor, new Actor(Guid.NewGuid(), Guid.NewGuid()))
            .Add(x => x.Member, Detail(d => d with { Tag = MemberTag.Guest, Can = new MemberCapabilities(refusals) })));

        var buttons = actions.FindAll(".guarded-button");
        Assert.Equal(["Suspend", "Promote to user", "Deactivate", "Remove from organization", "Delete account"], buttons.Select(b => b.QuerySelector(".rz-button-text")!.TextContent.Trim()));
        Assert.Equal([true, false, true, false, true], buttons.Select(b => b.QuerySelector("button")!.HasAttribute("disabled")));
        Assert.Equal(refusals[MemberAction.Suspend].Reason, buttons[0].QuerySelector(".control-reason")!.TextContent);
        Assert.Equal("Not available.", buttons[2].QuerySelector(".control-reason")!.TextContent);
        Assert.Equal(refusals[MemberAction.DeleteAccount].Reason, buttons[4].QuerySelector(".control-reason")!.TextContent);
    }

    [Fact]
    public void APendingMemberWithoutEmailCannotBeSentAnActivationEmailAndThePageSaysWhy()
    {
        // Never called: the refused button is disabled, and the test clicks nothing.
        Services.AddSingleton(new MemberStatusService(null!));
        var reauthentication = new UserAdmin.Portal.Features.Accounts.ReauthenticationService(
            null!, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<UserAdmin.Portal.Features.Accounts.ReauthenticationService>.Instance);
        Services.AddSingleton(reauthentication);
        Services.AddSingleton(new MemberStandingService(null!, reauthentication));
        Services.AddSingleton(new UserAdmin.Portal.Features.Activation.ActivationService(null!, null!, null!, null!, null!, null!, null!));
        var allowed = new Dictionary<MemberAction, Decision> { [MemberAction.Activate] = Decision.Allow };

        var actions = Render<MemberActions>(p => p
            .Add(x => x.Actor, new Actor(Guid.NewGuid(), Guid.NewGuid()))
            .Add(x => x.Member, Detail(d => d with { Email = "", EmailConfirmed = false, IsActivated = false, ActivatedAt = null, Can = new MemberCapabilities(allowed) })));

        var resend = actions.FindAll(".guarded-button").Single(b => b.QuerySelector(".rz-button-text")!.TextContent.Trim() == "Resend activation email");
        Assert.True(resend.QuerySelector("button")!.HasAttribute("disabled"));
        Assert.Equal(UserAdmin.Portal.Features.Accounts.AccountEmail.NoAddress, resend.QuerySelector(".control-reason")!.TextContent);
    }

    [Fact]
    public async Task AMemberWithoutEmailGetsNoResetLinkWithTheReasonShownWhileTheTemporaryPasswordStaysOffered()
    {
        var (portal, organization, _) = await UsePortalAsync();
        var helpDesk = await portal.Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await portal.Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.Email = null;
            a.NormalizedEmail = null;
            a.EmailConfirmed = false;
        });
        SignInAs(helpDesk.AccountId, organization.Id, helpDesk.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("[aria-label='Password actions']"), TimeSpan.FromSeconds(10));

        AngleSharp.Dom.IElement Action(string text) =>
            page.FindAll("[aria-label='Password actions'] .guarded-button").Single(b => b.QuerySelector(".rz-button-text")!.TextContent.Trim() == text);
        Assert.True(Action("Send reset link").QuerySelector("button")!.HasAttribute("disabled"));
        Assert.Equal(UserAdmin.Portal.Features.Accounts.AccountEmail.NoAddress, Action("Send reset link").QuerySelector(".control-reason")!.TextContent);
        Assert.False(Action("Set temporary password").QuerySelector("button")!.HasAttribute("disabled"));
        Assert.Equal("no email address", page.Find(".member-email").TextContent.Trim());
        Assert.Empty(page.FindAll(".member-email .rz-badge"));
    }

    [Fact]
    public async Task ThePageShowsTheMemberAndAGroupTickedSavesThroughTheService()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = "Grace Hopper");
        var group = Guid.NewGuid();
        await portal.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = group, OrganizationId = organization.Id, Name = "Operators", CreatedAt = DateTime.UtcNow, Permissions = [new GroupPermission { Permission = "view_users" }] });
            return Task.CompletedTask;
        });
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => Assert.Equal("Grace Hopper", page.Find(".member-header h1").TextContent), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => page.Find("input[aria-label='Member of Operators']"), TimeSpan.FromSeconds(10));

        await page.Find("input[aria-label='Member of Operators']").ChangeAsync(new ChangeEventArgs { Value = true });

        page.WaitForAssertion(() => Assert.Contains("group Operators", page.Find("table[aria-label='Effective permissions']").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(await portal.Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == group && g.MembershipId == target.MembershipId)));
    }

    [Fact]
    public async Task AProfileWithABadEmailShowsTheErrorOnTheFieldAndSavesNothing()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("#profile-email"), TimeSpan.FromSeconds(10));

        page.Find("#profile-email").Change("not-an-email");
        await page.Find("form.member-form").SubmitAsync();

        Assert.Equal("Enter a valid email address, such as name@example.org.", page.Find("#profile-email + .validation-message").TextContent);
        Assert.Equal($"{target.UserName}@portal.test", await portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.Email).SingleAsync()));
    }

    [Fact]
    public async Task AHelpDeskViewerSeesOnlyThePasswordActionsAndTheActivity()
    {
        var (portal, organization, _) = await UsePortalAsync();
        var helpDesk = await portal.Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(helpDesk.AccountId, organization.Id, helpDesk.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("[aria-label='Password actions']"), TimeSpan.FromSeconds(10));

        Assert.Equal(["Password and sign-in", "Activity"], page.FindAll(".member-tabs [role=tab]").Select(t => t.TextContent.Trim()));
        Assert.Empty(page.FindAll("[aria-label='Member actions']"));
        Assert.Empty(page.FindAll("#profile-email"));
        Assert.Equal(["Force password change", "Set temporary password", "Send reset link", "Unlock", "Sign out everywhere"],
            page.FindAll("[aria-label='Password actions'] .rz-button-text").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task AnAdminOverAnotherAdminSeesTheEditorsReadOnlyWithTheReason()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var otherAdmin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, otherAdmin.AccountId));
        page.WaitForAssertion(() => page.Find("#profile-email"), TimeSpan.FromSeconds(10));

        Assert.True(page.Find("form.member-form fieldset").HasAttribute("disabled"));
        Assert.Contains("Read only: Only a SUPER admin can act on ADMIN or SUPER members.", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberOfAnotherOrganizationIsNotShown()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var other = await portal.Database.AddOrganizationAsync();
        var stranger = await portal.Database.AddMemberAsync(other.Id, configure: a => a.DisplayName = "Secret Person");
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, stranger.AccountId));

        page.WaitForAssertion(() => Assert.Equal("There is no such member in this organization.", page.Find("[role=alert]").TextContent), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Secret Person", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheActivityTabListsTheMembersRecordsEncoded()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        await portal.Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord
            {
                OrganizationId = organization.Id, ActorName = admin.UserName, ActorAccountId = admin.AccountId, TargetAccountId = target.AccountId,
                TargetName = target.UserName, Verb = "member.profile_updated", Title = "<img src=x onerror=alert(1)> changed", OccurredAt = DateTime.UtcNow,
                Diff = """{"firstName":{"before":"A","after":"B"}}""",
            });
            return Task.CompletedTask;
        });
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var feed = Render<ActivityFeed>(p => p
            .Add(x => x.Actor, new Actor(admin.AccountId, organization.Id))
            .Add(x => x.Query, new ActivityQuery(target.AccountId)));

        feed.WaitForAssertion(() => Assert.Equal("<img src=x onerror=alert(1)> changed", feed.Find(".activity-title").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(feed.FindAll(".activity-item img"));
        Assert.Equal(["firstName", "A", "B"], feed.FindAll(".activity-diff tbody td").Select(td => td.TextContent));
    }

    [Fact]
    public async Task AnotherAdminsChangeShowsUpLiveWithWhoMadeIt()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find(".member-header"), TimeSpan.FromSeconds(10));

        await portal.Get<MemberStatusService>().SetSuspendedAsync(other.Actor, target.AccountId, suspended: true);

        page.WaitForAssertion(() => Assert.Equal($"{other.UserName} changed this member just now: {other.UserName} suspended {target.UserName}",
            page.Find("[data-testid=live-note]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("Suspended", page.Find(".member-badges").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsavedEditsSurviveAnotherAdminsChangeAndAreWarnedOfTheCollision()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var other = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("#profile-first"), TimeSpan.FromSeconds(10));
        page.Find("#profile-first").Change("Mine");

        var version = await portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
        await portal.Get<MemberProfileService>().UpdateProfileAsync(other.Actor, target.AccountId,
            new ProfileInput { FirstName = "Theirs", LastName = "X", Email = $"{target.UserName}@portal.test" }, version);

        page.WaitForAssertion(() => page.Find("[data-testid=profile-collision]"), TimeSpan.FromSeconds(10));
        Assert.Equal("Mine", page.Find("#profile-first").GetAttribute("value"));
    }

    [Fact]
    public async Task WhoElseIsLookingAtTheMemberIsShownAndGoesWhenTheyLeave()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find(".member-header"), TimeSpan.FromSeconds(10));

        var bob = portal.Get<UserAdmin.Portal.Realtime.IPresenceTracker>().Join(organization.Id, $"member:{target.AccountId}", Guid.NewGuid(), "bob");
        bob.SetEditing(true);

        page.WaitForAssertion(() => Assert.Equal("bob (editing)", page.Find(".presence-viewer").TextContent), TimeSpan.FromSeconds(10));
        bob.Dispose();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=presence]")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SmartcardsAndComputerUsernamesAreEditedAsListsWithErrorsOnTheirRows()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await portal.Database.AddMemberAsync(organization.Id);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("#smartcards-heading"), TimeSpan.FromSeconds(10));
        IElementButton(page, "Add smartcard").Click();
        page.Find("input[aria-label='Smartcard number 1']").Change("12ab");
        IElementButton(page, "Save smartcards").Click();

        Assert.Equal("4–32 digits, nothing else.", page.Find("input[aria-label='Smartcard number 1'] + .validation-message").TextContent);

        page.Find("input[aria-label='Smartcard number 1']").Change("12345678");
        page.Find("input[aria-label='Smartcard label 1']").Change("Front door");
        var version = page.Find("section.member-page").GetAttribute("data-version");
        await page.InvokeAsync(() => IElementButton(page, "Save smartcards").Click());
        page.WaitForAssertion(() => Assert.Equal(1, portal.Database.QueryAsync(db => db.Smartcards.CountAsync(c => c.AccountId == target.AccountId)).GetAwaiter().GetResult()), TimeSpan.FromSeconds(10));

        // The page reloads the member after a save; the next editor is used once that is done.
        page.WaitForAssertion(() => Assert.NotEqual(version, page.Find("section.member-page").GetAttribute("data-version")), TimeSpan.FromSeconds(10));

        // The save's live notice reloads the page once more, on another thread: each find-and-act runs on the renderer's
        // dispatcher, so no render can come between finding an element and acting on it (a stale click is dropped).
        await page.InvokeAsync(() => IElementButton(page, "Add computer username").Click());
        page.WaitForAssertion(() => page.Find("input[aria-label='Computer username 1']"), TimeSpan.FromSeconds(10));
        await page.InvokeAsync(() => page.Find("input[aria-label='Computer username 1']").Change("ACME\\grace"));
        await page.InvokeAsync(() => IElementButton(page, "Save computer usernames").Click());
        page.WaitForAssertion(() => Assert.Equal(["ACME\\grace"], portal.Database.QueryAsync(db => db.ComputerUsernames.Where(c => c.AccountId == target.AccountId).Select(c => c.Name).ToListAsync()).GetAwaiter().GetResult()), TimeSpan.FromSeconds(10));
    }

    private static AngleSharp.Dom.IElement IElementButton(IRenderedComponent<MemberPage> page, string text) =>
        page.FindAll("button").Single(b => (b.QuerySelector(".rz-button-text")?.TextContent ?? b.TextContent).Trim() == text);

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalAsync()
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        return (portal, organization, admin);
    }

    private static MemberDetail Detail(Func<MemberDetail, MemberDetail>? change = null)
    {
        var detail = new MemberDetail
        {
            AccountId = Guid.NewGuid(),
            MembershipId = 7,
            OrganizationId = Guid.NewGuid(),
            UserName = "grace",
            Email = "grace@example.org",
            EmailConfirmed = true,
            FirstName = "Grace",
            LastName = "Hopper",
            DisplayName = "Grace Hopper",
            Rank = MemberRank.Super,
            Tag = MemberTag.User,
            IsSuspended = false,
            IsActivated = true,
            LockoutEnd = null,
            MustChangePassword = false,
            CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            JoinedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            DeviceStatus = DeviceStatus.None,
            OrganizationCount = 1,
            Version = "v1",
            AccountVersion = "a1",
            Can = new MemberCapabilities(new Dictionary<MemberAction, Decision>()),
        };
        return change is null ? detail : change(detail);
    }
}
