using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members.Devices;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberDeviceServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberDeviceService Service => portal.Get<MemberDeviceService>();

    [Fact]
    public async Task SmartcardsAreReplacedAsAWholeListAndTheFeedShowsOnlyTheirLastDigits()
    {
        var (organization, admin, target) = await SetUpAsync();
        await Database.ExecuteAsync(db => Task.FromResult(db.Smartcards.Add(new Smartcard { AccountId = target.AccountId, Number = "11112222", Label = "old" })));

        var result = await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId,
            [new() { Number = " 123456789 ", Label = "Badge" }, new() { Number = "98765432" }], false, await VersionAsync(target));

        Assert.True(result.Value);
        var devices = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!;
        Assert.Equal([new SmartcardRow("123456789", "Badge"), new SmartcardRow("98765432", null)], devices.Smartcards);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(("member.smartcards_replaced", ActivityCategory.Security), (record.Verb, record.Category));
        var change = Assert.Single(UserAdmin.Portal.Features.Activity.ActivityFeedService.ParseDiff(record.Diff));
        Assert.Equal(("smartcards", "••••2222 (old)", "••••6789 (Badge), ••••5432"), (change.Field, change.Before, change.After));
        foreach (var number in new[] { "123456789", "98765432", "11112222" })
        {
            Assert.DoesNotContain(number, record.Diff + record.Title, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnEmptyListClearsAndAnUnchangedListWritesNothing()
    {
        var (organization, admin, target) = await SetUpAsync();

        Assert.True((await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = "5555" }], false, await VersionAsync(target))).Value);
        Assert.False((await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = "5555" }], false, await VersionAsync(target))).Value);
        Assert.True((await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [], false, await VersionAsync(target))).Value);

        Assert.Empty((await Service.GetAsync(admin.Actor, target.AccountId)).Value!.Smartcards);
        Assert.Equal(2, (await Database.ActivityForAsync(organization.Id)).Count);
    }

    [Theory]
    [InlineData("12a4", "Smartcards[0].Number")]
    [InlineData("123", "Smartcards[0].Number")]
    [InlineData("123456789012345678901234567890123", "Smartcards[0].Number")]
    [InlineData("-1234", "Smartcards[0].Number")]
    public async Task BadNumbersAreRefusedOnTheirRow(string number, string field)
    {
        var (_, admin, target) = await SetUpAsync();

        var result = await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = number }], false, await VersionAsync(target));

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(field, result.FieldErrors!.Keys);
    }

    [Fact]
    public void LabelsListsAndRepeatsAreBounded()
    {
        Assert.Contains("Smartcards[1].Number", MemberDeviceService.Validate([new SmartcardInput { Number = "1234" }, new SmartcardInput { Number = "1234" }]).Keys);
        Assert.Contains("Smartcards[0].Label", MemberDeviceService.Validate([new SmartcardInput { Number = "1234", Label = new string('x', Smartcard.LabelMaxLength + 1) }]).Keys);
        Assert.Contains("Smartcards[0].Label", MemberDeviceService.Validate([new SmartcardInput { Number = "1234", Label = "a\u0007b" }]).Keys);
        Assert.Contains("Smartcards", MemberDeviceService.Validate(Enumerable.Range(0, MemberDeviceService.MaxSmartcards + 1).Select(i => new SmartcardInput { Number = $"{1000 + i}" }).ToList()).Keys);
    }

    [Fact]
    public async Task ANumberAnotherMemberHoldsNeedsAllowDuplicatesButOneHeldInAnotherOrganizationDoesNot()
    {
        var (organization, admin, target) = await SetUpAsync();
        var holder = await Database.AddMemberAsync(organization.Id);
        var outsider = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);
        await Database.ExecuteAsync(db =>
        {
            db.Smartcards.Add(new Smartcard { AccountId = holder.AccountId, Number = "424242" });
            db.Smartcards.Add(new Smartcard { AccountId = outsider.AccountId, Number = "777777" });
            return Task.CompletedTask;
        });

        var refused = await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = "777777" }, new() { Number = "424242" }], false, await VersionAsync(target));
        Assert.Equal(OperationStatus.Invalid, refused.Status);
        Assert.Equal(["Smartcards[1].Number"], refused.FieldErrors!.Keys);
        Assert.Contains($"Already held by {holder.UserName}", refused.FieldErrors["Smartcards[1].Number"][0], StringComparison.Ordinal);
        Assert.Empty((await Service.GetAsync(admin.Actor, target.AccountId)).Value!.Smartcards);

        var allowed = await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = "777777" }, new() { Number = "424242" }], true, await VersionAsync(target));
        Assert.True(allowed.Value);
    }

    [Fact]
    public async Task ComputerUsernamesAreReplacedValidatedAndCleared()
    {
        var (organization, admin, target) = await SetUpAsync();

        Assert.True((await Service.ReplaceComputerUsernamesAsync(admin.Actor, target.AccountId, ["ACME\\jdoe", "lab-pc-01$", " jdoe.admin "], await VersionAsync(target))).Value);
        Assert.Equal(["ACME\\jdoe", "lab-pc-01$", "jdoe.admin"], (await Service.GetAsync(admin.Actor, target.AccountId)).Value!.ComputerUsernames);

        // The same name in other letter case replaces the old one without tripping the unique index.
        Assert.True((await Service.ReplaceComputerUsernamesAsync(admin.Actor, target.AccountId, ["acme\\JDOE"], await VersionAsync(target))).Value);
        Assert.Equal(["acme\\JDOE"], (await Service.GetAsync(admin.Actor, target.AccountId)).Value!.ComputerUsernames);

        Assert.True((await Service.ReplaceComputerUsernamesAsync(admin.Actor, target.AccountId, [], await VersionAsync(target))).Value);
        Assert.Empty((await Service.GetAsync(admin.Actor, target.AccountId)).Value!.ComputerUsernames);
        Assert.All(await Database.ActivityForAsync(organization.Id), r => Assert.Equal("member.computer_usernames_replaced", r.Verb));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a\\b\\c")]
    [InlineData("<script>")]
    [InlineData("name\u0000")]
    public void BadWorkstationNamesAreRefused(string name)
    {
        Assert.Contains("ComputerUsernames[0]", MemberDeviceService.Validate([name]).Keys);
    }

    [Fact]
    public void RepeatedWorkstationNamesAreRefusedIgnoringCase()
    {
        Assert.Equal(["ComputerUsernames[1]"], MemberDeviceService.Validate(["PC-1", "pc-1"]).Keys);
    }

    [Fact]
    public async Task AStaleVersionWritesNothing()
    {
        var (organization, admin, target) = await SetUpAsync();

        var result = await Service.ReplaceComputerUsernamesAsync(admin.Actor, target.AccountId, ["pc1"], "stale");

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Empty((await Service.GetAsync(admin.Actor, target.AccountId)).Value!.ComputerUsernames);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task TheRulesAreThoseOfAccountWideEdits()
    {
        var (organization, admin, target) = await SetUpAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var otherAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var elsewhere = await Database.AddOrganizationAsync();
        await Database.AddMembershipAsync(elsewhere.Id, target.AccountId);
        var stranger = await Database.AddMemberAsync(elsewhere.Id);

        Assert.Equal("You need the manage_users permission for this.", (await Service.ReplaceComputerUsernamesAsync(helpDesk.Actor, target.AccountId, ["pc"], await VersionAsync(target))).Message);
        Assert.Equal(OperationStatus.Forbidden, (await Service.ReplaceSmartcardsAsync(admin.Actor, otherAdmin.AccountId, [new() { Number = "1234" }], false, await VersionAsync(otherAdmin))).Status);
        Assert.StartsWith("This account also belongs to another organization", (await Service.ReplaceSmartcardsAsync(admin.Actor, target.AccountId, [new() { Number = "1234" }], false, await VersionAsync(target))).Message, StringComparison.Ordinal);
        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, stranger.AccountId)).Status);
    }

    private async Task<(TestOrganization, TestMember Admin, TestMember Target)> SetUpAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        return (organization, admin, target);
    }

    private Task<string> VersionAsync(TestMember member) =>
        Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
}
