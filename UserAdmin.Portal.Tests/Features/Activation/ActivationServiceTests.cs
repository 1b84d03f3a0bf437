using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activation;

public sealed class ActivationServiceTests(ActivationFixture fixture) : IClassFixture<ActivationFixture>
{
    private const string Password = "a long and quiet passphrase";

    private TestDatabase Database => fixture.Portal.Database;
    private ActivationService Service => fixture.Portal.Get<ActivationService>();

    private static NewMember PendingMember() => new()
    {
        UserName = TestData.UniqueName("new").Replace("-", ".", StringComparison.Ordinal),
        Email = $"{Guid.NewGuid():N}@example.org",
        FirstName = "Zoë",
        LastName = "Ångström",
        SendActivationEmail = true,
    };

    private async Task<(TestOrganization Organization, TestMember Admin)> OrganizationWithAdminAsync(MemberRank rank = MemberRank.Admin)
    {
        var organization = await Database.AddOrganizationAsync();
        return (organization, await Database.AddMemberAsync(organization.Id, rank));
    }

    /// <summary>A member created by <paramref name="admin"/> with an activation email, and the link that email carries.</summary>
    private async Task<(Guid AccountId, NewMember Request, string Token)> CreatePendingAsync(TestMember admin)
    {
        var request = PendingMember();
        var created = await fixture.Portal.Get<MemberAdminService>().CreateAsync(admin.Actor, request);
        Assert.True(created.Succeeded, created.Message);
        Assert.Null(created.Message);
        var (accountId, token) = CapturingEmailSender.ActivationLink(Assert.Single(fixture.Email.To(request.Email)));
        Assert.Equal(created.Value, accountId);
        return (accountId, request, token);
    }

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    [Fact]
    public async Task CreatingAMemberWithAnActivationEmailSendsThemASingleUseLink()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();

        var (accountId, request, token) = await CreatePendingAsync(admin);

        var message = Assert.Single(fixture.Email.To(request.Email));
        Assert.Equal("Activate your UserAdmin Portal account", message.Subject);
        Assert.Contains($"http://localhost:5080/Account/Activate?user={accountId:D}&token={token}", message.TextBody, StringComparison.Ordinal);
        Assert.Contains(request.UserName, message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(organization.DisplayName, message.TextBody, StringComparison.Ordinal);
        Assert.Equal(AccountTokens.TokenLength, token.Length);

        var account = await AccountAsync(accountId);
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(account));
        Assert.Null(account.PasswordHash);

        var verbs = (await Database.ActivityForAsync(organization.Id)).Select(r => (r.Verb, r.Category)).ToList();
        Assert.Equal([("member.created", ActivityCategory.Admin), ("member.activation_sent", ActivityCategory.Security)], verbs);
        Assert.Equal(request.UserName, (await fixture.Portal.Get<ActivationService>().CheckLinkAsync(accountId, token))?.UserName);
    }

    [Fact]
    public async Task TheTokenIsStoredOnlyAsAHashAndNeverReachesTheFeedOrTheLogs()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var (accountId, _, token) = await CreatePendingAsync(admin);
        Assert.True((await Service.ActivateAsync(accountId, token, Password, "203.0.113.9")).Succeeded);

        var row = await Database.QueryAsync(db => db.AccountTokens.AsNoTracking().SingleAsync(t => t.AccountId == accountId));
        Assert.Equal(AccountTokens.Hash(token), row.TokenHash);
        Assert.DoesNotContain(token, row.TokenHash, StringComparison.Ordinal);

        foreach (var record in await Database.ActivityForAsync(organization.Id))
        {
            Assert.DoesNotContain(token, record.Title + record.Diff, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(fixture.Logs.Entries, e => e.AllText.Contains(token, StringComparison.Ordinal));

        // Not anywhere in the database file either (WAL included).
        foreach (var file in new[] { Database.FilePath, Database.FilePath + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            Assert.DoesNotContain(token, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FollowingTheLinkSetsThePasswordActivatesTheAccountAndConfirmsTheEmail()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var (accountId, request, token) = await CreatePendingAsync(admin);

        var result = await Service.ActivateAsync(accountId, token, Password, "203.0.113.9");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(request.UserName, result.Value);
        var account = await AccountAsync(accountId);
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(ActivationState.Active, ActivationService.StateOf(account));
        Assert.Equal((true, now, now, now), (account.EmailConfirmed, account.ActivatedAt, account.EmailConfirmedAt, account.LastPasswordChangeAt));
        Assert.False(account.MustChangePassword);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            Assert.True(await users.CheckPasswordAsync((await users.FindByIdAsync(accountId.ToString()))!, Password));
        }

        var record = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("member.activated", ActivityCategory.Security, accountId, request.UserName), (record.Verb, record.Category, record.ActorAccountId, record.ActorName));
        Assert.Equal("203.0.113.9", record.ClientAddress);
    }

    [Fact]
    public async Task ALinkWorksOnlyOnce()
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (accountId, _, token) = await CreatePendingAsync(admin);
        Assert.True((await Service.ActivateAsync(accountId, token, Password, null)).Succeeded);

        var again = await Service.ActivateAsync(accountId, token, "another long passphrase here", null);

        Assert.Equal((OperationStatus.Invalid, ActivationService.LinkProblem), (again.Status, again.Message));
        Assert.Null(await Service.CheckLinkAsync(accountId, token));
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByIdAsync(accountId.ToString()))!, Password));
    }

    [Fact]
    public async Task AnExpiredLinkIsRefusedAndAResentOneWorks()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var (accountId, request, token) = await CreatePendingAsync(admin);

        fixture.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromSeconds(1));

        Assert.Null(await Service.CheckLinkAsync(accountId, token));
        var expired = await Service.ActivateAsync(accountId, token, Password, null);
        Assert.Equal((OperationStatus.Invalid, ActivationService.LinkProblem), (expired.Status, expired.Message));
        Assert.Contains("Ask your administrator to send you a new one", expired.Message, StringComparison.Ordinal);
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(accountId)));

        var resent = await Service.SendActivationAsync(admin.Actor, accountId);
        Assert.True(resent.Succeeded, resent.Message);
        Assert.Equal((request.Email, true), (resent.Value!.Email, resent.Value.Sent));
        var (_, fresh) = CapturingEmailSender.ActivationLink(fixture.Email.To(request.Email)[^1]);
        Assert.True((await Service.ActivateAsync(accountId, fresh, Password, null)).Succeeded);
        Assert.Equal("member.activated", (await Database.ActivityForAsync(organization.Id)).Last().Verb);
    }

    [Fact]
    public async Task ALinkStillWorksJustBeforeItExpires()
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (accountId, _, token) = await CreatePendingAsync(admin);

        fixture.Clock.Advance(TimeSpan.FromHours(72) - TimeSpan.FromSeconds(1));

        Assert.True((await Service.ActivateAsync(accountId, token, Password, null)).Succeeded);
    }

    [Fact]
    public async Task ResendingALinkMakesTheEarlierOneStopWorking()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var (accountId, request, first) = await CreatePendingAsync(admin);

        Assert.True((await Service.SendActivationAsync(admin.Actor, accountId)).Succeeded);
        var (_, second) = CapturingEmailSender.ActivationLink(fixture.Email.To(request.Email)[^1]);

        Assert.NotEqual(first, second);
        Assert.Null(await Service.CheckLinkAsync(accountId, first));
        Assert.False((await Service.ActivateAsync(accountId, first, Password, null)).Succeeded);
        Assert.True((await Service.ActivateAsync(accountId, second, Password, null)).Succeeded);
        Assert.Equal(2, (await Database.ActivityForAsync(organization.Id)).Count(r => r.Verb == "member.activation_sent"));
    }

    [Fact]
    public async Task APasswordThatBreaksTheRulesIsRefusedOnItsFieldAndTheLinkStillWorks()
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (accountId, request, token) = await CreatePendingAsync(admin);

        foreach (var weak in new[] { "short", "password1234", $"my-{request.UserName}-is-long", "", null })
        {
            var result = await Service.ActivateAsync(accountId, token, weak, null);
            Assert.Equal(OperationStatus.Invalid, result.Status);
            Assert.True(result.FieldErrors!.ContainsKey(ActivationService.PasswordField), weak);
        }

        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(accountId)));
        Assert.True((await Service.ActivateAsync(accountId, token, Password, null)).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("<script>alert(1)</script>")]
    public async Task AWrongTokenIsRefusedWithTheSameMessage(string token)
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (accountId, _, _) = await CreatePendingAsync(admin);

        var result = await Service.ActivateAsync(accountId, token, Password, null);

        Assert.Equal((OperationStatus.Invalid, ActivationService.LinkProblem), (result.Status, result.Message));
        Assert.Null(await Service.CheckLinkAsync(accountId, token));
    }

    [Fact]
    public async Task AnotherAccountsTokenDoesNotActivateThisOne()
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (first, _, _) = await CreatePendingAsync(admin);
        var (_, _, secondToken) = await CreatePendingAsync(admin);

        var result = await Service.ActivateAsync(first, secondToken, Password, null);

        Assert.Equal(ActivationService.LinkProblem, result.Message);
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(first)));
    }

    [Fact]
    public async Task ALinkIsOnlyForAPendingAccount()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var active = await Database.AddMemberAsync(organization.Id);

        var result = await Service.SendActivationAsync(admin.Actor, active.AccountId);

        Assert.Equal((OperationStatus.Invalid, "This account is already active."), (result.Status, result.Message));
        Assert.Empty(await Database.QueryAsync(db => db.AccountTokens.Where(t => t.AccountId == active.AccountId).ToListAsync()));
    }

    public static TheoryData<string, OperationStatus> Refusals => new()
    {
        { "help-desk", OperationStatus.Forbidden },
        { "regular", OperationStatus.Forbidden },
        { "admin-on-admin", OperationStatus.Forbidden },
        { "other-organization", OperationStatus.NotFound },
        { "account-elsewhere", OperationStatus.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task OnlyThoseWhoMayManageTheAccountEverywhereCanSendALink(string who, OperationStatus expected)
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var target = await Database.AddMemberAsync(organization.Id, who == "admin-on-admin" ? MemberRank.Admin : MemberRank.Regular, configure: a => a.IsActivated = false);
        var other = await Database.AddOrganizationAsync();
        var actor = who switch
        {
            "help-desk" => await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk),
            "regular" => await Database.AddMemberAsync(organization.Id),
            "other-organization" => await Database.AddMemberAsync(other.Id, MemberRank.Super),
            _ => admin,
        };
        if (who == "account-elsewhere")
        {
            await Database.AddMembershipAsync(other.Id, target.AccountId);
        }

        var sent = await Service.SendActivationAsync(actor.Actor, target.AccountId);
        var deactivated = await Service.DeactivateAsync(actor.Actor, target.AccountId);
        var reactivated = await Service.ReactivateAsync(actor.Actor, target.AccountId);

        Assert.Equal(expected, sent.Status);
        Assert.Equal(expected, deactivated.Status);
        Assert.Equal(expected, reactivated.Status);
        Assert.DoesNotContain(fixture.Email.Sent, m => m.To == $"{target.UserName}@portal.test");
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task ASuperCanSendALinkToAPendingAdmin()
    {
        var (_, super) = await OrganizationWithAdminAsync(MemberRank.Super);
        var target = await Database.AddMemberAsync(super.OrganizationId, MemberRank.Admin, configure: a => a.IsActivated = false);

        var result = await Service.SendActivationAsync(super.Actor, target.AccountId);

        Assert.True(result.Succeeded, result.Message);
        Assert.Single(fixture.Email.To($"{target.UserName}@portal.test"));
    }

    [Fact]
    public async Task DeactivatingEndsSessionsAndReactivatingRestoresTheAccount()
    {
        var (organization, admin) = await OrganizationWithAdminAsync();
        var member = await Database.AddMemberAsync(organization.Id, configure: a => a.ActivatedAt = DateTime.UtcNow.AddDays(-3));
        var stamp = (await AccountAsync(member.AccountId)).SecurityStamp;

        var deactivated = await Service.DeactivateAsync(admin.Actor, member.AccountId);

        Assert.True(deactivated.Succeeded && deactivated.Value, deactivated.Message);
        var account = await AccountAsync(member.AccountId);
        Assert.Equal(ActivationState.Deactivated, ActivationService.StateOf(account));
        Assert.NotEqual(stamp, account.SecurityStamp);
        Assert.False((await Service.DeactivateAsync(admin.Actor, member.AccountId)).Value);
        var sent = await Service.SendActivationAsync(admin.Actor, member.AccountId);
        Assert.Equal(OperationStatus.Invalid, sent.Status);
        Assert.Contains("reactivate", sent.Message, StringComparison.Ordinal);

        var reactivated = await Service.ReactivateAsync(admin.Actor, member.AccountId);

        Assert.True(reactivated.Succeeded && reactivated.Value, reactivated.Message);
        Assert.Equal(ActivationState.Active, ActivationService.StateOf(await AccountAsync(member.AccountId)));
        Assert.False((await Service.ReactivateAsync(admin.Actor, member.AccountId)).Value);
        var records = await Database.ActivityForAsync(organization.Id);
        Assert.Equal(["member.deactivated", "member.reactivated"], records.Select(r => r.Verb));
        Assert.All(records, r => Assert.Equal(ActivityCategory.Security, r.Category));
        Assert.Equal($"{admin.UserName} deactivated {member.UserName}", records[0].Title);
    }

    [Fact]
    public async Task APendingAccountCannotBeDeactivatedOrReactivated()
    {
        var (_, admin) = await OrganizationWithAdminAsync();
        var (accountId, _, _) = await CreatePendingAsync(admin);

        Assert.Equal(OperationStatus.Invalid, (await Service.DeactivateAsync(admin.Actor, accountId)).Status);
        var reactivated = await Service.ReactivateAsync(admin.Actor, accountId);
        Assert.Equal(OperationStatus.Invalid, reactivated.Status);
        Assert.Contains("activation link", reactivated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheEmailCannotBeSentTheMemberStillExistsAndTheAdminIsTold()
    {
        await using var portal = await PortalServices.CreateAsync(configure: s => s.AddSingleton<IEmailSender>(new CapturingEmailSender { Fail = true }));
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = PendingMember();

        var created = await portal.Get<MemberAdminService>().CreateAsync(admin.Actor, request);

        Assert.True(created.Succeeded);
        Assert.Contains($"The activation email to {request.Email} could not be sent", created.Message, StringComparison.Ordinal);
        Assert.Contains("Resend activation", created.Message, StringComparison.Ordinal);
        Assert.True(await portal.Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == created.Value)));
        var verbs = (await portal.Database.ActivityForAsync(organization.Id)).Select(r => r.Verb).ToList();
        Assert.Equal(["member.created", "member.activation_sent", "member.activation_email_failed"], verbs);

        var resent = await portal.Get<ActivationService>().SendActivationAsync(admin.Actor, created.Value);
        Assert.True(resent.Succeeded);
        Assert.False(resent.Value!.Sent);
        Assert.NotNull(resent.Message);
    }
}
