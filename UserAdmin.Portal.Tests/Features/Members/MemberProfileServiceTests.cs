using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberProfileServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberProfileService Service => portal.Get<MemberProfileService>();

    [Fact]
    public async Task ChangingNamesAndEmailMarksTheEmailUnconfirmedAndRecordsTheDiff()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);
        var email = $"{TestData.UniqueName("new")}@example.org";

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = " Zoë ", LastName = "O'Brien", DisplayName = "", Email = email }, before.ConcurrencyStamp!);

        Assert.Equal(new ProfileSaved(true, true, ConfirmationSent: true), result.Value);
        var after = await AccountAsync(target);
        Assert.Equal(("Zoë", "O'Brien", "Zoë O'Brien", email), (after.FirstName, after.LastName, after.DisplayName, after.Email));
        Assert.Equal(email.ToUpperInvariant(), after.NormalizedEmail);
        Assert.False(after.EmailConfirmed);
        Assert.Null(after.EmailConfirmedAt);
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        Assert.NotEqual(before.ConcurrencyStamp, after.ConcurrencyStamp);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.profile_updated", record.Verb);
        Assert.Contains("\"email\"", record.Diff, StringComparison.Ordinal);
        Assert.Contains("\"emailConfirmed\"", record.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingOnlyNamesKeepsTheEmailConfirmed()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = "Ann", LastName = "Lee", DisplayName = "Annie", Email = before.Email! }, before.ConcurrencyStamp!);

        Assert.Equal(new ProfileSaved(true, false), result.Value);
        var after = await AccountAsync(target);
        Assert.True(after.EmailConfirmed);
        Assert.Equal(before.SecurityStamp, after.SecurityStamp);
    }

    [Fact]
    public async Task AnUnchangedProfileWritesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = before.FirstName, LastName = before.LastName, DisplayName = before.DisplayName, Email = before.Email! }, before.ConcurrencyStamp!);

        Assert.Equal(new ProfileSaved(false, false), result.Value);
        Assert.Equal(before.ConcurrencyStamp, (await AccountAsync(target)).ConcurrencyStamp);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AnEmailAnotherAccountUsesIsRefusedOnTheField()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var other = await Database.AddMemberAsync(organization.Id);
        var taken = (await AccountAsync(other)).Email!;
        var before = await AccountAsync(target);

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = "A", LastName = "B", Email = taken.ToUpperInvariant() }, before.ConcurrencyStamp!);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(nameof(ProfileInput.Email), result.FieldErrors!.Keys);
        Assert.Equal(before.Email, (await AccountAsync(target)).Email);
    }

    [Theory]
    [InlineData("not-an-email", nameof(ProfileInput.Email))]
    [InlineData("a@b", nameof(ProfileInput.Email))]
    [InlineData("x@example.org", nameof(ProfileInput.FirstName), "bad\u0007name")]
    public async Task InvalidFieldsAreNamed(string email, string field, string first = "Ann")
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = first, LastName = "Lee", Email = email }, (await AccountAsync(target)).ConcurrencyStamp!);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
    }

    [Fact]
    public async Task AStaleAccountVersionIsRefused()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.UpdateProfileAsync(admin.Actor, target.AccountId, new ProfileInput { FirstName = "New", Email = "new@example.org" }, "old");

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.NotEqual("New", (await AccountAsync(target)).FirstName);
    }

    [Fact]
    public async Task HelpDeskAndAdminsOverAdminsCannotEditProfiles()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var otherAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var regular = await Database.AddMemberAsync(organization.Id);
        var input = new ProfileInput { FirstName = "X", LastName = "Y", Email = "xy@example.org" };

        var byHelpDesk = await Service.UpdateProfileAsync(helpDesk.Actor, regular.AccountId, input, (await AccountAsync(regular)).ConcurrencyStamp!);
        var onAdmin = await Service.UpdateProfileAsync(admin.Actor, otherAdmin.AccountId, input, (await AccountAsync(otherAdmin)).ConcurrencyStamp!);

        Assert.Equal((OperationStatus.Forbidden, "You need the manage_users permission for this."), (byHelpDesk.Status, byHelpDesk.Message));
        Assert.Equal(OperationStatus.Forbidden, onAdmin.Status);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task CustomPropertiesAreReplacedAsAWholeList()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        await Database.ExecuteAsync(db =>
        {
            db.CustomProperties.AddRange(
                new CustomProperty { AccountId = target.AccountId, Key = "city", Value = "Oslo" },
                new CustomProperty { AccountId = target.AccountId, Key = "state", Value = "Viken" });
            return Task.CompletedTask;
        });

        var result = await Service.ReplacePropertiesAsync(admin.Actor, target.AccountId,
            [new() { Key = "city", Value = "Bergen" }, new() { Key = "team", Value = "<b>ops</b>" }], (await AccountAsync(target)).ConcurrencyStamp!);

        Assert.True(result.Value);
        var properties = await Service.GetPropertiesAsync(admin.Actor, target.AccountId);
        Assert.Equal(["city=Bergen", "team=<b>ops</b>"], properties.Select(p => $"{p.Key}={p.Value}"));
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal("member.properties_updated", record.Verb);
        Assert.Contains("prop.state", record.Diff, StringComparison.Ordinal);

        Assert.True((await Service.ReplacePropertiesAsync(admin.Actor, target.AccountId, [], (await AccountAsync(target)).ConcurrencyStamp!)).Value);
        Assert.Empty(await Service.GetPropertiesAsync(admin.Actor, target.AccountId));
    }

    [Theory]
    [InlineData("", "v", "Properties[0].Key")]
    [InlineData("1city", "v", "Properties[0].Key")]
    [InlineData("has space", "v", "Properties[0].Key")]
    [InlineData("city", "bad\u0000value", "Properties[0].Value")]
    public async Task BadPropertiesAreRefusedPerRowAndNothingIsWritten(string key, string value, string field)
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Service.ReplacePropertiesAsync(admin.Actor, target.AccountId, [new() { Key = key, Value = value }], (await AccountAsync(target)).ConcurrencyStamp!);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
        Assert.Empty(await Service.GetPropertiesAsync(admin.Actor, target.AccountId));
    }

    [Fact]
    public void PropertyListsAreBoundedAndKeysUniqueIgnoringCase()
    {
        Assert.Contains("Properties", MemberProfileService.Validate(Enumerable.Range(0, MemberProfileService.MaxProperties + 1).Select(i => new PropertyInput { Key = $"k{i}", Value = "v" }).ToList()).Keys);
        Assert.Contains("Properties[1].Key", MemberProfileService.Validate([new() { Key = "City" }, new() { Key = "city" }]).Keys);
        Assert.Contains("Properties[0].Value", MemberProfileService.Validate([new() { Key = "k", Value = new string('x', CustomProperty.ValueMaxLength + 1) }]).Keys);
    }

    private Task<Account> AccountAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == member.AccountId));
}
