using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Activation;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Passwords;

public sealed class PasswordResetServiceTests(ActivationFixture fixture) : IClassFixture<ActivationFixture>
{
    private const string OldPassword = "the old and tired passphrase";
    private const string NewPassword = "a fresh and quiet passphrase";

    private TestDatabase Database => fixture.Portal.Database;
    private PasswordResetService Service => fixture.Portal.Get<PasswordResetService>();

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    private async Task<(TestOrganization Organization, TestMember HelpDesk, TestMember Target)> HelpDeskAndTargetAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberWithPasswordAsync(fixture.Portal.Services, organization.Id, OldPassword);
        return (organization, helpDesk, target);
    }

    private async Task<(Guid AccountId, string Token)> SendLinkAsync(TestMember helpDesk, TestMember target)
    {
        var sent = await Service.SendResetLinkAsync(helpDesk.Actor, target.AccountId);
        Assert.True(sent.Succeeded, sent.Message);
        var account = await AccountAsync(target.AccountId);
        return CapturingEmailSender.ResetLink(fixture.Email.To(account.Email!)[^1]);
    }

    /// <summary>The messages the public form queued since the last call (the outbox's sender does not run in these tests).</summary>
    private List<EmailMessage> Queued()
    {
        var reader = fixture.Portal.Get<EmailOutbox>().Reader;
        var messages = new List<EmailMessage>();
        while (reader.TryRead(out var message))
        {
            messages.Add(message);
        }

        return messages;
    }

    private async Task<bool> PasswordWorksAsync(Guid accountId, string password)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(accountId.ToString()))!, password);
    }

    [Fact]
    public async Task TheHelpDeskSendsAResetLinkWithOneSecurityRecordThatHoldsNoToken()
    {
        var (organization, helpDesk, target) = await HelpDeskAndTargetAsync();

        var (accountId, token) = await SendLinkAsync(helpDesk, target);

        Assert.Equal(target.AccountId, accountId);
        var message = fixture.Email.To((await AccountAsync(accountId)).Email!)[^1];
        Assert.Equal("Choose a new UserAdmin Portal password", message.Subject);
        Assert.Contains("help desk", message.TextBody, StringComparison.Ordinal);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.password_reset_link_sent", ActivityCategory.Security, helpDesk.AccountId), (record.Verb, record.Category, record.ActorAccountId));
        Assert.DoesNotContain(token, record.Title + record.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.AllText.Contains(token, StringComparison.Ordinal));
        var row = await Database.QueryAsync(db => db.AccountTokens.AsNoTracking().SingleAsync(t => t.AccountId == accountId && t.Purpose == AccountTokenPurpose.PasswordReset));
        Assert.Equal(AccountTokens.Hash(token), row.TokenHash);
    }

    [Fact]
    public async Task TheHelpDeskCannotSendALinkToAnAdminOrToAPendingAccountOrAcrossOrganizations()
    {
        var (organization, helpDesk, _) = await HelpDeskAndTargetAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var pending = await Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        var other = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);

        var toAdmin = await Service.SendResetLinkAsync(helpDesk.Actor, admin.AccountId);
        var toPending = await Service.SendResetLinkAsync(helpDesk.Actor, pending.AccountId);
        var toOther = await Service.SendResetLinkAsync(helpDesk.Actor, other.AccountId);

        Assert.Equal(OperationStatus.Forbidden, toAdmin.Status);
        Assert.Equal(OperationStatus.Invalid, toPending.Status);
        Assert.Contains("not active", toPending.Message, StringComparison.Ordinal);
        Assert.Equal(OperationStatus.NotFound, toOther.Status);
        Assert.DoesNotContain(fixture.Email.Sent, m => m.To == admin.UserName + "@portal.test" || m.To == pending.UserName + "@portal.test" || m.To == other.UserName + "@portal.test");
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task FollowingTheLinkSetsThePasswordEndsSessionsUnlocksAndWorksOnce()
    {
        var (organization, helpDesk, target) = await HelpDeskAndTargetAsync();
        DateTimeOffset? lockedUntil = fixture.Clock.GetUtcNow().AddHours(1);
        await Database.ExecuteAsync(db => db.Users.Where(a => a.Id == target.AccountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LockoutEnd, lockedUntil).SetProperty(a => a.AccessFailedCount, 5).SetProperty(a => a.MustChangePassword, true)));
        var before = await AccountAsync(target.AccountId);
        var (accountId, token) = await SendLinkAsync(helpDesk, target);
        Assert.Equal(target.UserName, (await Service.CheckLinkAsync(accountId, token))?.UserName);

        var result = await Service.ResetAsync(accountId, token, NewPassword, "198.51.100.4");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(target.UserName, result.Value);
        var after = await AccountAsync(accountId);
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        Assert.Equal((null, 0, false), (after.LockoutEnd, after.AccessFailedCount, after.MustChangePassword));
        Assert.True(await PasswordWorksAsync(accountId, NewPassword));
        Assert.False(await PasswordWorksAsync(accountId, OldPassword));

        var again = await Service.ResetAsync(accountId, token, "yet another fine passphrase", null);
        Assert.Equal(PasswordResetService.LinkProblem, again.Message);
        Assert.Null(await Service.CheckLinkAsync(accountId, token));
        Assert.True(await PasswordWorksAsync(accountId, NewPassword));

        var record = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("account.password_reset", ActivityCategory.Security, accountId, "198.51.100.4"), (record.Verb, record.Category, record.ActorAccountId, record.ClientAddress));
        Assert.Contains("lockedOut", record.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredLinkAWrongTokenAndAnotherAccountsTokenAreRefusedAlike()
    {
        var (_, helpDesk, target) = await HelpDeskAndTargetAsync();
        var second = await Database.AddMemberWithPasswordAsync(fixture.Portal.Services, helpDesk.OrganizationId, OldPassword);
        var (accountId, token) = await SendLinkAsync(helpDesk, target);
        var (_, secondToken) = await SendLinkAsync(helpDesk, second);

        Assert.Equal(PasswordResetService.LinkProblem, (await Service.ResetAsync(accountId, secondToken, NewPassword, null)).Message);
        Assert.Equal(PasswordResetService.LinkProblem, (await Service.ResetAsync(accountId, token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), NewPassword, null)).Message);
        Assert.Equal(PasswordResetService.LinkProblem, (await Service.ResetAsync(accountId, "' OR 1=1 --", NewPassword, null)).Message);

        fixture.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await Service.CheckLinkAsync(accountId, token));
        Assert.Equal(PasswordResetService.LinkProblem, (await Service.ResetAsync(accountId, token, NewPassword, null)).Message);
        Assert.True(await PasswordWorksAsync(accountId, OldPassword));
    }

    [Fact]
    public async Task AWeakPasswordIsRefusedAndTheLinkStillWorks()
    {
        var (_, helpDesk, target) = await HelpDeskAndTargetAsync();
        var (accountId, token) = await SendLinkAsync(helpDesk, target);

        var weak = await Service.ResetAsync(accountId, token, "short", null);

        Assert.Equal(OperationStatus.Invalid, weak.Status);
        Assert.True(weak.FieldErrors!.ContainsKey(PasswordResetService.PasswordField));
        Assert.True((await Service.ResetAsync(accountId, token, NewPassword, null)).Succeeded);
    }

    [Fact]
    public async Task ANewLinkEndsTheEarlierOne()
    {
        var (_, helpDesk, target) = await HelpDeskAndTargetAsync();
        var (accountId, first) = await SendLinkAsync(helpDesk, target);
        var (_, second) = await SendLinkAsync(helpDesk, target);

        Assert.Null(await Service.CheckLinkAsync(accountId, first));
        Assert.NotNull(await Service.CheckLinkAsync(accountId, second));
    }

    [Fact]
    public async Task ThePublicFormAnswersTheSameInAtLeastTheSameTimeWhetherOrNotTheAccountExists()
    {
        var (organization, _, target) = await HelpDeskAndTargetAsync();
        var email = (await AccountAsync(target.AccountId)).Email!;
        Queued();

        var answers = new List<(string Answer, TimeSpan Took)>();
        foreach (var typed in new[] { target.UserName, email.ToUpperInvariant(), "nobody-" + Guid.NewGuid().ToString("N"), "nobody@nowhere.test" })
        {
            var started = Stopwatch.GetTimestamp();
            var answer = await Service.RequestAsync(typed, "192.0.2.1");
            answers.Add((answer, Stopwatch.GetElapsedTime(started)));
        }

        Assert.All(answers, a => Assert.Equal(PasswordResetService.RequestAnswer, a.Answer));
        Assert.All(answers, a => Assert.True(a.Took >= TimeSpan.FromMilliseconds(400), $"answered in {a.Took.TotalMilliseconds} ms"));
        var queued = Queued();
        Assert.Equal(2, queued.Count);
        Assert.All(queued, m => Assert.Equal(email, m.To));
        Assert.Equal(target.AccountId, CapturingEmailSender.ResetLink(queued[^1]).AccountId);
        var record = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("account.password_reset_requested", "public reset form", "192.0.2.1"), (record.Verb, record.ActorName, record.ClientAddress));
    }

    [Fact]
    public async Task ThePublicFormSendsNothingForPendingOrDeactivatedAccounts()
    {
        var organization = await Database.AddOrganizationAsync();
        var pending = await Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        var deactivated = await Database.AddMemberAsync(organization.Id, configure: a => (a.IsActivated, a.ActivatedAt) = (false, DateTime.UtcNow));
        Queued();

        Assert.Equal(PasswordResetService.RequestAnswer, await Service.RequestAsync(pending.UserName, null));
        Assert.Equal(PasswordResetService.RequestAnswer, await Service.RequestAsync(deactivated.UserName, null));

        Assert.Empty(Queued());
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task ThePublicFormSendsAtMostThreeLinksPerAccountInAWindowAndStillAnswersTheSame()
    {
        var (_, _, target) = await HelpDeskAndTargetAsync();
        Queued();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PasswordResetService.RequestAnswer, await Service.RequestAsync(i % 2 == 0 ? target.UserName : target.UserName.ToUpperInvariant(), null));
        }

        Assert.Equal(3, Queued().Count);
    }
}
