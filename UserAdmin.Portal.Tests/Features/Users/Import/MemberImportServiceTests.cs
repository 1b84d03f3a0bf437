using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users.Import;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Import;

public sealed class MemberImportServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberImportService Service => portal.Get<MemberImportService>();

    private static async Task<ImportFile> FileAsync(string csv) =>
        await MemberImportService.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

    private async Task<(TestOrganization Org, TestMember Actor, Guid GroupId)> SetUpAsync(MemberRank rank = MemberRank.Super)
    {
        var organization = await Database.AddOrganizationAsync();
        var actor = await Database.AddMemberAsync(organization.Id, rank);
        var groupId = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = $"Sales {organization.Name}", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        return (organization, actor, groupId);
    }

    [Fact]
    public async Task ADryRunGivesEveryRowAVerdictAndWritesNothing()
    {
        var (org, actor, _) = await SetUpAsync();
        var existing = await Database.AddMemberAsync(org.Id);
        var name = TestData.UniqueName("new");
        var file = await FileAsync($"""
            username,email,first_name,last_name,rank,prop.city
            {name},{name}@example.org,Zoë,Ångström,,Oslo
            {existing.UserName},,,,,Bergen
            {existing.UserName},,,,,
            bad name,x@example.org,,,,
            ,,,,,
            {TestData.UniqueName("r")},r@example.org,,,CAPTAIN,
            """);

        var plan = await Service.PlanAsync(actor.Actor, file.Rows);

        Assert.True(plan.Succeeded, plan.Message);
        var verdicts = plan.Value!;
        Assert.Equal(
            [ImportVerdict.Create, ImportVerdict.Update, ImportVerdict.Error, ImportVerdict.Error, ImportVerdict.Error, ImportVerdict.Error],
            verdicts.Select(o => o.Verdict));
        Assert.Contains("Repeats the username of line 3", verdicts[2].Detail, StringComparison.Ordinal);
        Assert.Contains("username", verdicts[3].Detail, StringComparison.Ordinal);
        Assert.Contains("CAPTAIN", verdicts[5].Detail, StringComparison.Ordinal);
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == name)));
        Assert.Empty(await Database.ActivityForAsync(org.Id));
    }

    [Fact]
    public async Task RowsWithAnEmptyEmailCreateActiveMembersForTheHelpDeskAndLeaveExistingAddressesAlone()
    {
        var (org, actor, _) = await SetUpAsync();
        var existing = await Database.AddMemberAsync(org.Id);
        var first = TestData.UniqueName("kiosk");
        var second = TestData.UniqueName("lab");
        var file = await FileAsync($"""
            username,email,first_name,last_name
            {first},,Front,Desk
            {second},,Lab,Station
            {existing.UserName},,Renamed,
            """);
        var outcomes = new List<ImportRowOutcome>();

        var result = await Service.ApplyAsync(actor.Actor, file.Rows, outcomes.AddRange, null);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([ImportVerdict.Create, ImportVerdict.Create, ImportVerdict.Update], outcomes.Select(o => o.Verdict));
        Assert.Contains("temporary password", outcomes[0].Detail, StringComparison.Ordinal);
        foreach (var name in new[] { first, second })
        {
            var account = await Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.UserName == name));
            Assert.Equal((null, null, true, null), (account.Email, account.NormalizedEmail, account.IsActivated, account.PasswordHash));
        }

        var kept = await Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == existing.AccountId));
        Assert.Equal(($"{existing.UserName}@portal.test", "Renamed"), (kept.Email, kept.FirstName));
    }

    [Fact]
    public async Task ApplyingCreatesAndUpdatesMembersWithOneRecordEachAndSkipsBadRows()
    {
        var (org, actor, groupId) = await SetUpAsync();
        var existing = await Database.AddMemberAsync(org.Id);
        var name = TestData.UniqueName("new");
        var group = await Database.QueryAsync(db => db.Groups.Where(g => g.Id == groupId).Select(g => g.Name).SingleAsync());
        var file = await FileAsync($"""
            username,email,first_name,last_name,tag,groups,prop.city
            {name},{name}@example.org,Zoë,Ångström,GUEST,{group},Oslo
            {existing.UserName},,,,,{group},Bergen
            {TestData.UniqueName("x")},not-an-email,,,,,
            """);
        var outcomes = new List<ImportRowOutcome>();

        var result = await Service.ApplyAsync(actor.Actor, file.Rows, outcomes.AddRange, null);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([ImportVerdict.Create, ImportVerdict.Update, ImportVerdict.Error], outcomes.Select(o => o.Verdict));
        var created = await Database.QueryAsync(db => db.Users.Include(a => a.CustomProperties).Include(a => a.Memberships).ThenInclude(m => m.Groups).SingleAsync(a => a.UserName == name));
        Assert.False(created.IsActivated);
        Assert.Null(created.PasswordHash);
        Assert.Equal("Zoë Ångström", created.DisplayName);
        Assert.Equal("Oslo", Assert.Single(created.CustomProperties).Value);
        var membership = Assert.Single(created.Memberships);
        Assert.Equal(MemberTag.Guest, membership.Tag);
        Assert.Equal(groupId, Assert.Single(membership.Groups).GroupId);
        Assert.Equal("Bergen", await Database.QueryAsync(db => db.CustomProperties.Where(p => p.AccountId == existing.AccountId && p.Key == "city").Select(p => p.Value).SingleAsync()));
        Assert.Equal(3, await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == org.Id).Select(o => o.MemberCount).SingleAsync()));
        Assert.True(await Database.QueryAsync(db => db.MemberDirectory.AnyAsync(d => d.AccountId == created.Id && d.GroupNames == group)));
        var records = await Database.ActivityForAsync(org.Id);
        Assert.Equal(["member.imported", "member.updated"], records.Select(r => r.Verb));
    }

    [Fact]
    public async Task AnInvisibleCharacterInANameIsAnErrorNamingItForNewAndExistingMembers()
    {
        var (org, actor, _) = await SetUpAsync();
        var existing = await Database.AddMemberAsync(org.Id);
        var name = TestData.UniqueName("new");
        var file = await FileAsync($"""
            username,email,first_name,display_name
            {name},{name}@example.org,{"An\u200Bn"},
            {existing.UserName},,,{"Ann Le\u00ADe"}
            """);

        var plan = await Service.PlanAsync(actor.Actor, file.Rows);

        Assert.True(plan.Succeeded, plan.Message);
        Assert.Equal([ImportVerdict.Error, ImportVerdict.Error], plan.Value!.Select(o => o.Verdict));
        Assert.Contains("first_name: U+200B", plan.Value![0].Detail, StringComparison.Ordinal);
        Assert.Contains("display_name: U+00AD", plan.Value![1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminCannotImportSomeoneAsAdminOrRaiseARank()
    {
        var (org, admin, _) = await SetUpAsync(MemberRank.Admin);
        var regular = await Database.AddMemberAsync(org.Id);
        var name = TestData.UniqueName("n");
        var file = await FileAsync($"username,email,rank\n{name},{name}@example.org,ADMIN\n{regular.UserName},,SUPER\n");

        var plan = await Service.PlanAsync(admin.Actor, file.Rows);

        Assert.All(plan.Value!, o => Assert.Equal(ImportVerdict.Error, o.Verdict));
        Assert.Contains("SUPER", plan.Value![0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountOfAnotherOrganizationIsNeitherChangedNorRevealedBeyondAnError()
    {
        var (_, actor, _) = await SetUpAsync();
        var other = await Database.AddOrganizationAsync();
        var stranger = await Database.AddMemberAsync(other.Id);
        var file = await FileAsync($"username,first_name\n{stranger.UserName},Changed\n");
        var outcomes = new List<ImportRowOutcome>();

        await Service.ApplyAsync(actor.Actor, file.Rows, outcomes.AddRange, null);

        Assert.Equal(ImportVerdict.Error, Assert.Single(outcomes).Verdict);
        Assert.NotEqual("Changed", await Database.QueryAsync(db => db.Users.Where(a => a.Id == stranger.AccountId).Select(a => a.FirstName).SingleAsync()));
    }

    [Theory]
    [InlineData("username,password\nx,y\n", "Unknown column")]
    [InlineData("first_name\nZoë\n", "username or email")]
    [InlineData("username,username\nx,y\n", "twice")]
    [InlineData("", "empty")]
    [InlineData("username\n\"unclosed\n", "not valid CSV")]
    public async Task AFileWithTheWrongShapeIsRefusedWithAReason(string csv, string reason)
    {
        var file = await FileAsync(csv);

        Assert.Empty(file.Rows);
        Assert.Contains(reason, file.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHelpDeskMemberCannotImport()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk.ToList());
        var file = await FileAsync("username,email\nabc,abc@example.org\n");

        var plan = await Service.PlanAsync(helpDesk.Actor, file.Rows);

        Assert.Equal(OperationStatus.Forbidden, plan.Status);
    }
}
