using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Features.Activation;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

/// <summary>Decision 0007: an account may have no email address; it then gets no emailed links and recovers through the help desk.</summary>
public sealed class AccountsWithoutEmailTests(ActivationFixture fixture) : IClassFixture<ActivationFixture>
{
    private const string Password = "a long and quiet passphrase";

    private TestDatabase Database => fixture.Portal.Database;
    private MemberAdminService Admin => fixture.Portal.Get<MemberAdminService>();
    private MemberProfileService Profiles => fixture.Portal.Get<MemberProfileService>();

    private static string NewUserName() => TestData.UniqueName("kiosk").Replace("-", ".", StringComparison.Ordinal);

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    private Task<string> AccountVersionAsync(Guid id) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == id).Select(a => a.ConcurrencyStamp!).SingleAsync());

    private Task<TestMember> AddWithoutEmailAsync(Guid organizationId, bool activated = true) =>
        Database.AddMemberAsync(organizationId, configure: a =>
        {
            a.Email = null;
            a.NormalizedEmail = null;
            a.EmailConfirmed = false;
            a.IsActivated = activated;
        });

    private Task<int> TokenCountAsync(Guid accountId) => Database.QueryAsync(db => db.AccountTokens.CountAsync(t => t.AccountId == accountId));

    [Fact]
    public async Task TwoMembersWithoutEmailCanBeCreatedAndNeitherStoresAnEmptyAddress()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var first = await Admin.CreateAsync(admin.Actor, new NewMember { UserName = NewUserName(), Password = Password });
        var second = await Admin.CreateAsync(admin.Actor, new NewMember { UserName = NewUserName(), Email = "   ", Password = Password });

        Assert.True(first.Succeeded, first.Message);
        Assert.True(second.Succeeded, second.Message);
        foreach (var id in new[] { first.Value, second.Value })
        {
            var account = await AccountAsync(id);
            Assert.Equal((null, null, false, true), (account.Email, account.NormalizedEmail, account.EmailConfirmed, account.IsActivated));
            Assert.Equal("", await Database.QueryAsync(db => db.MemberDirectory.Where(d => d.AccountId == id).Select(d => d.Email).SingleAsync()));
        }
    }

    [Fact]
    public async Task APresentAddressStaysUniqueInAnyCaseOnCreateAndOnProfileSave()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var holder = await Database.AddMemberAsync(organization.Id);
        var other = await AddWithoutEmailAsync(organization.Id);
        var upper = $"{holder.UserName}@PORTAL.TEST";

        var created = await Admin.CreateAsync(admin.Actor, new NewMember { UserName = NewUserName(), Email = upper, Password = Password });
        var saved = await Profiles.UpdateProfileAsync(admin.Actor, other.AccountId, new ProfileInput { FirstName = "Kiosk", Email = upper }, await AccountVersionAsync(other.AccountId));

        Assert.Contains("already exists", Assert.Single(created.FieldErrors![nameof(NewMember.Email)]), StringComparison.Ordinal);
        Assert.Contains("Another account already uses", Assert.Single(saved.FieldErrors![nameof(ProfileInput.Email)]), StringComparison.Ordinal);
        Assert.Null((await AccountAsync(other.AccountId)).Email);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task CreatesOfOneAddressRacingInAnyCaseLeaveExactlyOneAccount()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var address = $"{Guid.NewGuid():N}@example.org";

        var results = await Task.WhenAll(new[] { address, address.ToUpperInvariant(), address, address.ToUpperInvariant() }
            .Select(email => Admin.CreateAsync(admin.Actor, new NewMember { UserName = NewUserName(), Email = email, Password = Password })));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(nameof(NewMember.Email), r.FieldErrors!.Keys));
        var normalized = address.ToUpperInvariant();
        Assert.Equal(1, await Database.QueryAsync(db => db.Users.CountAsync(a => a.NormalizedEmail == normalized)));
    }

    [Fact]
    public async Task CreatingAMemberWithNeitherEmailNorPasswordIsRefusedWithTheReason()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var userName = NewUserName();

        var neither = await Admin.CreateAsync(admin.Actor, new NewMember { UserName = userName });
        var activationWithoutAddress = await Admin.CreateAsync(admin.Actor, new NewMember { UserName = userName, SendActivationEmail = true });

        Assert.Equal(OperationStatus.Invalid, neither.Status);
        Assert.Equal(MemberAdminService.NoEmailNoPassword, Assert.Single(neither.FieldErrors![nameof(NewMember.Password)]));
        Assert.Equal(MemberAdminService.NoEmailForActivation, Assert.Single(activationWithoutAddress.FieldErrors![nameof(NewMember.Email)]));
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == userName)));
        Assert.DoesNotContain(fixture.Email.Sent, m => m.TextBody.Contains(userName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AResetLinkOrActivationEmailToAnAccountWithoutEmailIsRefusedWithTheReasonAndIssuesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var active = await AddWithoutEmailAsync(organization.Id);
        var pending = await AddWithoutEmailAsync(organization.Id, activated: false);
        var sentBefore = fixture.Email.Sent.Count;

        var reset = await fixture.Portal.Get<PasswordResetService>().SendResetLinkAsync(helpDesk.Actor, active.AccountId);
        var activation = await fixture.Portal.Get<ActivationService>().SendActivationAsync(admin.Actor, pending.AccountId);

        Assert.Equal((OperationStatus.Invalid, AccountEmail.NoAddress), (reset.Status, reset.Message));
        Assert.Equal((OperationStatus.Invalid, AccountEmail.NoAddress), (activation.Status, activation.Message));
        Assert.Equal(0, await TokenCountAsync(active.AccountId) + await TokenCountAsync(pending.AccountId));
        Assert.Equal(sentBefore, fixture.Email.Sent.Count);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task TheHelpDesksTemporaryPasswordSignsInAnAccountWithoutEmail()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await AddWithoutEmailAsync(organization.Id);

        var issued = await fixture.Portal.Get<PasswordAdminService>().SetTemporaryPasswordAsync(helpDesk.Actor, target.AccountId);

        Assert.True(issued.Succeeded, issued.Message);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = (await users.FindByIdAsync(target.AccountId.ToString()))!;
        Assert.True(await users.CheckPasswordAsync(account, issued.Value!.Password));
        Assert.True(account.MustChangePassword);
        Assert.Equal("member.temporary_password_set", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
    }

    [Fact]
    public async Task AnEmptyEmailRemovesTheAddressAndTheLinksSentToItExceptFromAPendingAccount()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var active = await Database.AddMemberWithPasswordAsync(fixture.Portal.Services, organization.Id, Password);
        var pending = await Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        Assert.True((await fixture.Portal.Get<PasswordResetService>().SendResetLinkAsync(admin.Actor, active.AccountId)).Succeeded);
        Assert.Equal(1, await TokenCountAsync(active.AccountId));

        var removed = await Profiles.UpdateProfileAsync(admin.Actor, active.AccountId,
            new ProfileInput { FirstName = "Lab", LastName = "Station", Email = "" }, await AccountVersionAsync(active.AccountId));
        var refused = await Profiles.UpdateProfileAsync(admin.Actor, pending.AccountId,
            new ProfileInput { FirstName = "Pending", Email = " " }, await AccountVersionAsync(pending.AccountId));

        Assert.True(removed.Succeeded, removed.Message);
        Assert.True(removed.Value!.EmailChanged);
        Assert.False(removed.Value.ConfirmationSent);
        var account = await AccountAsync(active.AccountId);
        Assert.Equal((null, null, false), (account.Email, account.NormalizedEmail, account.EmailConfirmed));
        Assert.Equal(0, await TokenCountAsync(active.AccountId));
        Assert.Equal(MemberProfileService.PendingNeedsEmail, Assert.Single(refused.FieldErrors![nameof(ProfileInput.Email)]));
        Assert.Equal($"{pending.UserName}@portal.test", (await AccountAsync(pending.AccountId)).Email);
    }

    [Fact]
    public async Task AMissingEmailInAProfileSaveKeepsTheAddress()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var saved = await Profiles.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = "Renamed", Email = null }, await AccountVersionAsync(target.AccountId));

        Assert.True(saved.Succeeded, saved.Message);
        Assert.False(saved.Value!.EmailChanged);
        var account = await AccountAsync(target.AccountId);
        Assert.Equal(($"{target.UserName}@portal.test", "Renamed"), (account.Email, account.FirstName));
    }

    [Fact]
    public async Task ThePublicFormAnswersTheSameForAnAccountWithoutEmailAndQueuesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var target = await AddWithoutEmailAsync(organization.Id);
        var outbox = fixture.Portal.Get<EmailOutbox>().Reader;
        while (outbox.TryRead(out _))
        {
        }

        var answer = await fixture.Portal.Get<PasswordResetService>().RequestAsync(target.UserName, "192.0.2.9");

        Assert.Equal(PasswordResetService.RequestAnswer, answer);
        Assert.False(outbox.TryRead(out _));
        Assert.Equal(0, await TokenCountAsync(target.AccountId));
    }
}
