using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

public sealed class ActivityFeedServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private ActivityFeedService Service => portal.Get<ActivityFeedService>();

    [Fact]
    public async Task AMembersFeedHoldsWhatTheyDidAndWhatWasDoneToThemNewestFirst()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var alice = await Database.AddMemberAsync(organization.Id);
        var bob = await Database.AddMemberAsync(organization.Id);
        await AddAsync(organization.Id, admin, alice, "one");
        await AddAsync(organization.Id, alice, bob, "two");
        await AddAsync(organization.Id, admin, bob, "three");
        await AddAsync(organization.Id, bob, alice, "four");

        var page = (await Service.ListAsync(admin.Actor, new ActivityQuery(alice.AccountId))).Value!;

        Assert.Equal(["four", "two", "one"], page.Items.Select(i => i.Title));
        Assert.Null(page.OlderThan);
        Assert.Null(page.NewerThan);
    }

    [Fact]
    public async Task PagesWalkDownAndBackUpWithoutGapsOrRepeats()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var alice = await Database.AddMemberAsync(organization.Id);
        for (var i = 0; i < 7; i++)
        {
            await AddAsync(organization.Id, i % 2 == 0 ? admin : alice, i % 2 == 0 ? alice : admin, $"r{i}");
        }

        var query = new ActivityQuery(alice.AccountId);
        var first = (await Service.ListAsync(admin.Actor, query, pageSize: 3)).Value!;
        var second = (await Service.ListAsync(admin.Actor, query, before: first.OlderThan, pageSize: 3)).Value!;
        var third = (await Service.ListAsync(admin.Actor, query, before: second.OlderThan, pageSize: 3)).Value!;
        var backUp = (await Service.ListAsync(admin.Actor, query, after: third.NewerThan, pageSize: 3)).Value!;

        Assert.Equal(["r6", "r5", "r4"], first.Items.Select(i => i.Title));
        Assert.Equal(["r3", "r2", "r1"], second.Items.Select(i => i.Title));
        Assert.Equal(["r0"], third.Items.Select(i => i.Title));
        Assert.Null(third.OlderThan);
        Assert.Equal(second.Items.Select(i => i.Title), backUp.Items.Select(i => i.Title));
        Assert.NotNull(backUp.NewerThan);
    }

    [Fact]
    public async Task ReadingTheFeedNeedsViewActivityExceptForOnesOwn()
    {
        var organization = await Database.AddOrganizationAsync();
        var regular = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var other = await Database.AddMemberAsync(organization.Id);
        await AddAsync(organization.Id, other, regular, "to regular");

        Assert.Equal(OperationStatus.Forbidden, (await Service.ListAsync(regular.Actor, new ActivityQuery(other.AccountId))).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.ListAsync(regular.Actor, new ActivityQuery())).Status);
        Assert.Equal(["to regular"], (await Service.ListAsync(regular.Actor, new ActivityQuery(regular.AccountId))).Value!.Items.Select(i => i.Title));
    }

    [Fact]
    public async Task AnotherOrganizationsRecordsNeverShow()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var alice = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(other.Id, alice.AccountId);
        await AddAsync(other.Id, alice, alice, "elsewhere");
        await AddAsync(organization.Id, admin, alice, "here");

        Assert.Equal(["here"], (await Service.ListAsync(admin.Actor, new ActivityQuery(alice.AccountId))).Value!.Items.Select(i => i.Title));
        Assert.Equal(["here"], (await Service.ListAsync(admin.Actor, new ActivityQuery())).Value!.Items.Select(i => i.Title));
        var stranger = await Database.AddMemberAsync(other.Id);
        Assert.Equal(OperationStatus.NotFound, (await Service.ListAsync(admin.Actor, new ActivityQuery(stranger.AccountId))).Status);
    }

    [Fact]
    public void DiffsAreReadIntoFieldsAndAMalformedOneShowsNothing()
    {
        var changes = ActivityFeedService.ParseDiff("""{"rank":{"before":"REGULAR","after":"ADMIN"},"suspended":{"before":false,"after":true},"email":{"before":null,"after":"a@b.c"}}""");

        Assert.Equal([("rank", "REGULAR", "ADMIN"), ("suspended", "false", "true"), ("email", null, "a@b.c")], changes.Select(c => (c.Field, c.Before, c.After)));
        Assert.Empty(ActivityFeedService.ParseDiff("{not json"));
        Assert.Empty(ActivityFeedService.ParseDiff(null));
    }

    private Task AddAsync(Guid organizationId, TestMember actor, TestMember target, string title) =>
        Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord
            {
                OrganizationId = organizationId,
                ActorAccountId = actor.AccountId,
                ActorName = actor.UserName,
                TargetAccountId = target.AccountId,
                TargetName = target.UserName,
                Verb = "test.event",
                Title = title,
                OccurredAt = DateTime.UtcNow,
            });
            return Task.CompletedTask;
        });
}
