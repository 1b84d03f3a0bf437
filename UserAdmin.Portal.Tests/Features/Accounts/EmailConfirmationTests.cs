using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Activation;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

public sealed class EmailConfirmationTests(ActivationFixture fixture) : IClassFixture<ActivationFixture>
{
    private TestDatabase Database => fixture.Portal.Database;
    private EmailConfirmationService Service => fixture.Portal.Get<EmailConfirmationService>();

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    private async Task<OperationResult<ProfileSaved>> ChangeEmailAsync(TestMember admin, TestMember target, string email)
    {
        var account = await AccountAsync(target.AccountId);
        return await fixture.Portal.Get<MemberProfileService>().UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = account.FirstName, LastName = account.LastName, DisplayName = account.DisplayName, Email = email }, account.ConcurrencyStamp!);
    }

    [Fact]
    public async Task ANewAddressGetsALinkThatConfirmsItOnceAndLinksToTheOldAddressStopWorking()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        Assert.True((await fixture.Portal.Get<PasswordResetService>().SendResetLinkAsync(admin.Actor, target.AccountId)).Succeeded);
        var (_, resetToken) = CapturingEmailSender.ResetLink(fixture.Email.To($"{target.UserName}@portal.test")[^1]);
        var email = $"{TestData.UniqueName("moved")}@example.org";

        var saved = await ChangeEmailAsync(admin, target, email);

        Assert.True(saved.Succeeded, saved.Message);
        Assert.Equal((true, true, null), (saved.Value!.EmailChanged, saved.Value.ConfirmationSent, saved.Value.ConfirmationProblem));
        Assert.False((await AccountAsync(target.AccountId)).EmailConfirmed);
        Assert.Null(await fixture.Portal.Get<PasswordResetService>().CheckLinkAsync(target.AccountId, resetToken));
        var message = Assert.Single(fixture.Email.To(email));
        Assert.Equal("Confirm your UserAdmin Portal email address", message.Subject);
        var (accountId, token) = CapturingEmailSender.ConfirmationLink(message);
        Assert.Equal(email, await Service.CheckLinkAsync(accountId, token));

        var confirmed = await Service.ConfirmAsync(accountId, token, "192.0.2.8");

        Assert.Equal(email, confirmed.Value);
        var after = await AccountAsync(target.AccountId);
        Assert.Equal((true, fixture.Clock.GetUtcNow().UtcDateTime), (after.EmailConfirmed, after.EmailConfirmedAt));
        Assert.Equal(EmailConfirmationService.LinkProblem, (await Service.ConfirmAsync(accountId, token, null)).Message);
        var record = (await Database.ActivityForAsync(organization.Id)).Last();
        Assert.Equal(("account.email_confirmed", ActivityCategory.Security, target.AccountId), (record.Verb, record.Category, record.ActorAccountId));
        Assert.DoesNotContain(token, record.Title + record.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredOrForeignLinkConfirmsNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var other = await Database.AddMemberAsync(organization.Id);
        var email = $"{TestData.UniqueName("moved")}@example.org";
        await ChangeEmailAsync(admin, target, email);
        var (accountId, token) = CapturingEmailSender.ConfirmationLink(Assert.Single(fixture.Email.To(email)));

        Assert.Equal(EmailConfirmationService.LinkProblem, (await Service.ConfirmAsync(other.AccountId, token, null)).Message);
        fixture.Clock.Advance(TimeSpan.FromHours(73));
        Assert.Null(await Service.CheckLinkAsync(accountId, token));
        Assert.Equal(EmailConfirmationService.LinkProblem, (await Service.ConfirmAsync(accountId, token, null)).Message);
        Assert.False((await AccountAsync(target.AccountId)).EmailConfirmed);
    }

    [Fact]
    public async Task APendingAccountGetsNoConfirmationItsActivationLinkConfirmsTheAddress()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var pending = await Database.AddMemberAsync(organization.Id, configure: a => (a.IsActivated, a.EmailConfirmed) = (false, false));
        var email = $"{TestData.UniqueName("pending")}@example.org";

        var saved = await ChangeEmailAsync(admin, pending, email);

        Assert.Equal((true, false), (saved.Value!.EmailChanged, saved.Value.ConfirmationSent));
        Assert.Empty(fixture.Email.To(email));
    }
}
