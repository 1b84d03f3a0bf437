using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Passwords;

public sealed class PasswordAdminServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private PasswordAdminService Service => portal.Get<PasswordAdminService>();

    [Fact]
    public async Task HelpDeskForcesAPasswordChangeOnceWithOneSecurityRecord()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);

        Assert.True((await Service.ForceChangeAsync(helpDesk.Actor, target.AccountId)).Value);
        Assert.False((await Service.ForceChangeAsync(helpDesk.Actor, target.AccountId)).Value);

        Assert.True((await AccountAsync(target)).MustChangePassword);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.password_change_forced", ActivityCategory.Security), (record.Verb, record.Category));
    }

    [Fact]
    public async Task ATemporaryPasswordIsShownOnceWorksAndExpires()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);

        var result = await Service.SetTemporaryPasswordAsync(helpDesk.Actor, target.AccountId);

        var issued = result.Value!;
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", issued.Password);
        Assert.InRange(issued.ExpiresAt, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        var after = await AccountAsync(target);
        Assert.True(after.MustChangePassword);
        Assert.Equal(issued.ExpiresAt, after.TemporaryPasswordExpiresAt);
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<Account>>();
            Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(after, after.PasswordHash!, issued.Password));
        }


        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.temporary_password_set", record.Verb);
        Assert.DoesNotContain(issued.Password, record.Diff ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Password, record.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChosenPasswordIsTemporaryHashedAndNeverRecorded()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);
        const string chosen = "granite-harbor-owl-58";

        var result = await Service.SetChosenPasswordAsync(helpDesk.Actor, target.AccountId, chosen);

        Assert.True(result.Value);
        var after = await AccountAsync(target);
        Assert.True(after.MustChangePassword);
        Assert.InRange(after.TemporaryPasswordExpiresAt!.Value, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        Assert.NotEqual(before.ConcurrencyStamp, after.ConcurrencyStamp);
        Assert.DoesNotContain(chosen, after.PasswordHash!, StringComparison.Ordinal);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<Account>>();
            Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(after, after.PasswordHash!, chosen));
        }

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.password_set", ActivityCategory.Security), (record.Verb, record.Category));
        Assert.DoesNotContain(chosen, record.Diff ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(chosen, record.Title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foobar", "at least 12")]
    [InlineData("password1234", "too common")]
    [InlineData("", "at least 12")]
    public async Task AChosenPasswordThatBreaksTheRulesChangesNothing(string password, string why)
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);

        var result = await Service.SetChosenPasswordAsync(helpDesk.Actor, target.AccountId, password);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(why, string.Join(" ", result.FieldErrors!["Password"]), StringComparison.OrdinalIgnoreCase);
        var after = await AccountAsync(target);
        Assert.Equal((before.PasswordHash, before.SecurityStamp, before.MustChangePassword), (after.PasswordHash, after.SecurityStamp, after.MustChangePassword));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AChosenPasswordContainingTheUsernameIsRefused()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.SetChosenPasswordAsync(helpDesk.Actor, target.AccountId, $"{target.UserName}-harbor-owl");

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains("username", result.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void GeneratedPasswordsPassThePasswordRulesAndDiffer()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => PasswordAdminService.GeneratePassword()).ToList();

        Assert.Equal(50, passwords.Distinct().Count());
        Assert.All(passwords, p => Assert.True(UserAdmin.Portal.Features.Accounts.PasswordRules.Validate("someone", p).Succeeded));
    }

    [Fact]
    public async Task UnlockClearsTheLockoutAndAnUnlockedAccountIsLeftAlone()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var locked = await Database.AddMemberAsync(organization.Id, configure: a => { a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10); a.AccessFailedCount = 5; });
        var fine = await Database.AddMemberAsync(organization.Id);

        Assert.True((await Service.UnlockAsync(admin.Actor, locked.AccountId)).Value);
        Assert.False((await Service.UnlockAsync(admin.Actor, fine.AccountId)).Value);

        var after = await AccountAsync(locked);
        Assert.Equal((null, 0), (after.LockoutEnd, after.AccessFailedCount));
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.unlocked", record.Verb);
    }

    [Fact]
    public async Task SigningOutEverywhereRotatesTheSecurityStamp()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = (await AccountAsync(target)).SecurityStamp;

        Assert.True((await Service.SignOutEverywhereAsync(admin.Actor, target.AccountId)).Value);

        Assert.NotEqual(before, (await AccountAsync(target)).SecurityStamp);
        Assert.Equal("member.signed_out_everywhere", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
    }

    [Fact]
    public async Task HelpDeskCannotTouchAnAdminAndNobodyWithoutResetPasswordsCan()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var viewer = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var regular = await Database.AddMemberAsync(organization.Id);

        var onSuper = await Service.SetTemporaryPasswordAsync(helpDesk.Actor, super.AccountId);
        var byViewer = await Service.ForceChangeAsync(viewer.Actor, regular.AccountId);

        Assert.Equal((OperationStatus.Forbidden, "Only a SUPER admin can act on ADMIN or SUPER members."), (onSuper.Status, onSuper.Message));
        Assert.Null(onSuper.Value);
        Assert.Equal((OperationStatus.Forbidden, "You need the reset_passwords permission for this."), (byViewer.Status, byViewer.Message));
        Assert.Null((await AccountAsync(super)).TemporaryPasswordExpiresAt);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AnAccountAlsoInAnOrganizationWhereTheActorIsNotHelpDeskIsRefused()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        await Database.AddMembershipAsync(other.Id, helpDesk.AccountId);
        var target = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(other.Id, target.AccountId);

        var result = await Service.SetTemporaryPasswordAsync(helpDesk.Actor, target.AccountId);

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        Assert.StartsWith($"This account also belongs to {other.DisplayName}, where: You need the reset_passwords permission", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberOfAnotherOrganizationIsNotFound()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var stranger = await Database.AddMemberAsync(other.Id);

        Assert.Equal(OperationStatus.NotFound, (await Service.UnlockAsync(admin.Actor, stranger.AccountId)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.SetTemporaryPasswordAsync(admin.Actor, stranger.AccountId)).Status);
    }

    private Task<Account> AccountAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == member.AccountId));
}
