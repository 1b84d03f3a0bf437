using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Admin;

public sealed class MemberAdminServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberAdminService Service => portal.Get<MemberAdminService>();

    private static NewMember Valid(string? userName = null) => new()
    {
        UserName = userName ?? TestData.UniqueName("new").Replace("-", ".", StringComparison.Ordinal),
        Email = $"{Guid.NewGuid():N}@example.org",
        FirstName = "Zoë",
        LastName = "Ångström",
        Password = "a long and quiet passphrase",
    };

    [Fact]
    public async Task CreatingAMemberWithAPasswordAddsThemAsARegularWhoMustChangeIt()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = Valid();

        var result = await Service.CreateAsync(admin.Actor, request);

        Assert.True(result.Succeeded, result.Message);
        var account = await Database.QueryAsync(db => db.Users.Include(a => a.Memberships).SingleAsync(a => a.Id == result.Value));
        Assert.Equal(request.UserName, account.UserName);
        Assert.Equal("Zoë Ångström", account.DisplayName);
        Assert.True(account.MustChangePassword);
        Assert.True(account.IsActivated);
        Assert.NotNull(account.PasswordHash);
        var membership = Assert.Single(account.Memberships);
        Assert.Equal((organization.Id, MemberRank.Regular, MemberTag.User), (membership.OrganizationId, membership.Rank, membership.Tag));
        Assert.Equal(2, await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.MemberCount).SingleAsync()));
        Assert.True(await Database.QueryAsync(db => db.MemberDirectory.AnyAsync(d => d.AccountId == account.Id)));

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.created", record.Verb);
        Assert.StartsWith($"{admin.UserName} created {request.UserName}", record.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(request.Password!, record.Diff ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(request.Password!, record.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberCreatedForActivationHasNoPasswordAndWaitsPendingActivation()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = Valid();
        request.Password = null;
        request.SendActivationEmail = true;
        request.Tag = MemberTag.Guest;

        var result = await Service.CreateAsync(admin.Actor, request);

        Assert.True(result.Succeeded, result.Message);
        var account = await Database.QueryAsync(db => db.Users.Include(a => a.Memberships).SingleAsync(a => a.Id == result.Value));
        Assert.False(account.IsActivated);
        Assert.Null(account.PasswordHash);
        Assert.Equal(MemberTag.Guest, Assert.Single(account.Memberships).Tag);
    }

    [Theory]
    [InlineData("ab", "UserName")]
    [InlineData("Has Space", "UserName")]
    [InlineData("аdmin", "UserName")] // Cyrillic 'а': a look-alike of "admin"
    [InlineData("x'; drop table--", "UserName")]
    public async Task ABadUsernameIsRefusedOnItsFieldAndNothingIsWritten(string userName, string field)
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var result = await Service.CreateAsync(admin.Actor, Valid(userName));

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(1, await Database.QueryAsync(db => db.Memberships.CountAsync(m => m.OrganizationId == organization.Id)));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.org")]
    [InlineData("Name <name@example.org>")]
    public async Task ABadEmailIsRefusedOnItsField(string email)
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = Valid();
        request.Email = email;

        var result = await Service.CreateAsync(admin.Actor, request);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(nameof(NewMember.Email), result.FieldErrors!.Keys);
    }

    [Fact]
    public async Task ADuplicateUsernameOrEmailIsRefusedWithAClearMessage()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var existing = await Database.AddMemberAsync(organization.Id);

        var sameName = await Service.CreateAsync(admin.Actor, Valid(existing.UserName));
        var sameEmailRequest = Valid();
        sameEmailRequest.Email = $"{existing.UserName}@portal.test";
        var sameEmail = await Service.CreateAsync(admin.Actor, sameEmailRequest);

        Assert.Equal($"The username '{existing.UserName}' is already taken.", Assert.Single(sameName.FieldErrors![nameof(NewMember.UserName)]));
        Assert.Contains("already exists", Assert.Single(sameEmail.FieldErrors![nameof(NewMember.Email)]), StringComparison.Ordinal);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AWeakPasswordIsRefusedOnThePasswordFieldAndNoAccountIsLeftBehind()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var request = Valid();
        request.Password = "password1234";

        var result = await Service.CreateAsync(admin.Actor, request);

        Assert.Contains(nameof(NewMember.Password), result.FieldErrors!.Keys);
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == request.UserName)));
    }

    [Fact]
    public async Task AMemberWithoutManageUsersCannotCreateMembers()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk.ToList());

        var result = await Service.CreateAsync(helpDesk.Actor, Valid());

        Assert.Equal(OperationStatus.Forbidden, result.Status);
    }
}
