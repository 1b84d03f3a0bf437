using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

public sealed class OwnPasswordServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private const string Current = "amber-lantern-river-42";
    private const string Next = "violet-harbor-morning-77";

    private TestDatabase Database => portal.Database;
    private OwnPasswordService Service => portal.Get<OwnPasswordService>();

    [Fact]
    public async Task AWrongCurrentPasswordIsAFieldErrorAndChangesNothing()
    {
        var (organization, member, before) = await NewAccountAsync();

        var result = await Service.ChangeAsync(member.AccountId, organization.Id, "not-my-password-at-all", Next, "198.51.100.4");

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal(["The current password is not right."], result.FieldErrors![OwnPasswordService.CurrentPasswordField]);
        await AssertUnchangedAsync(organization, member, before);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("too-short")]
    [InlineData(Current)]
    public async Task AWeakOrUnchangedNewPasswordIsAFieldErrorAndChangesNothing(string newPassword)
    {
        var (organization, member, before) = await NewAccountAsync();

        var result = await Service.ChangeAsync(member.AccountId, organization.Id, Current, newPassword, null);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        var errors = result.FieldErrors![OwnPasswordService.NewPasswordField];
        Assert.NotEmpty(Assert.Single(errors));
        Assert.False(result.FieldErrors.ContainsKey(OwnPasswordService.CurrentPasswordField));
        await AssertUnchangedAsync(organization, member, before);
    }

    [Fact]
    public async Task ANewPasswordContainingTheUsernameIsAFieldError()
    {
        var (organization, member, _) = await NewAccountAsync();

        var result = await Service.ChangeAsync(member.AccountId, organization.Id, Current, $"my-{member.UserName}-pass", null);

        Assert.Contains("must not contain the username", Assert.Single(result.FieldErrors![OwnPasswordService.NewPasswordField]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASuccessfulChangeClearsTheForcedChangeRotatesTheStampAndIsRecordedWithoutThePassword()
    {
        var (organization, member, before) = await NewAccountAsync();
        var started = DateTime.UtcNow.AddSeconds(-1);

        var result = await Service.ChangeAsync(member.AccountId, organization.Id, Current, Next, "198.51.100.4");

        Assert.True(result.Succeeded);
        var after = await AccountAsync(member);
        Assert.False(after.MustChangePassword);
        Assert.NotNull(after.LastPasswordChangeAt);
        Assert.True(after.LastPasswordChangeAt >= started);
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        Assert.NotEqual(before.PasswordHash, after.PasswordHash);

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            Assert.True(await users.CheckPasswordAsync(after, Next));
        }

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("account.password_changed", record.Verb);
        Assert.Equal(ActivityCategory.Security, record.Category);
        Assert.Equal(member.AccountId, record.ActorAccountId);
        Assert.Equal(member.AccountId, record.TargetAccountId);
        Assert.Equal("198.51.100.4", record.ClientAddress);
        var everything = string.Join("|", record.ActorName, record.Verb, record.TargetName, record.Title, record.Diff, record.ClientAddress);
        Assert.DoesNotContain(Current, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Next, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountThatNoLongerExistsIsNotFound()
    {
        var organization = await Database.AddOrganizationAsync();

        var result = await Service.ChangeAsync(Guid.NewGuid(), organization.Id, Current, Next, null);

        Assert.Equal(OperationStatus.NotFound, result.Status);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    private async Task<(TestOrganization Organization, TestMember Member, Account Before)> NewAccountAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var member = await Database.AddMemberWithPasswordAsync(portal.Services, organization.Id, Current, configure: a => a.MustChangePassword = true);
        return (organization, member, await AccountAsync(member));
    }

    private Task<Account> AccountAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == member.AccountId));

    private async Task AssertUnchangedAsync(TestOrganization organization, TestMember member, Account before)
    {
        var after = await AccountAsync(member);
        Assert.Equal(
            (before.PasswordHash, before.SecurityStamp, before.MustChangePassword, before.LastPasswordChangeAt),
            (after.PasswordHash, after.SecurityStamp, after.MustChangePassword, after.LastPasswordChangeAt));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }
}
