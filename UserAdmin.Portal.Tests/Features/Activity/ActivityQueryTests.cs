using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

/// <summary>The activity page's filters, search and paging through the real service over a migrated database.</summary>
public sealed class ActivityQueryTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private ActivityFeedService Service => portal.Get<ActivityFeedService>();

    private sealed record Org(TestOrganization Organization, TestMember Admin, TestMember Alice, TestMember Bob, ActivityRecords Records);

    private async Task<Org> NewOrganizationAsync()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var alice = await Database.AddMemberAsync(organization.Id);
        var bob = await Database.AddMemberAsync(organization.Id);
        return new Org(organization, admin, alice, bob, new ActivityRecords(Database, organization.Id));
    }

    private async Task<IReadOnlyList<string>> TitlesAsync(TestMember viewer, ActivityQuery query)
    {
        var result = await Service.ListAsync(viewer.Actor, query, pageSize: 200);
        Assert.True(result.Succeeded, result.Message);
        return result.Value!.Items.Select(i => i.Title).ToList();
    }

    [Fact]
    public async Task TheOrganizationFeedIsNewestFirstByTimeEvenWhenRecordsWereWrittenOutOfOrder()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("second", at: ActivityRecords.Start.AddHours(2));
        await o.Records.AddAsync("first", at: ActivityRecords.Start.AddHours(1));
        await o.Records.AddAsync("third", at: ActivityRecords.Start.AddHours(3));

        Assert.Equal(["third", "second", "first"], await TitlesAsync(o.Admin, new ActivityQuery()));
    }

    [Fact]
    public async Task FilteringByActorUsernameOrSystemShowsOnlyTheirRecords()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("by alice", actor: o.Alice, target: o.Bob);
        await o.Records.AddAsync("by bob", actor: o.Bob, target: o.Alice);
        await o.Records.AddAsync("by the system", target: o.Alice);

        Assert.Equal(["by alice"], await TitlesAsync(o.Admin, new ActivityQuery { Actor = o.Alice.UserName.ToUpperInvariant() }));
        Assert.Equal(["by the system"], await TitlesAsync(o.Admin, new ActivityQuery { Actor = "system" }));
        Assert.Empty(await TitlesAsync(o.Admin, new ActivityQuery { Actor = "nobody-by-that-name" }));
    }

    [Fact]
    public async Task FilteringByTargetFindsAccountsAndNamesOfDeletedOnes()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("to alice", actor: o.Admin, target: o.Alice);
        await o.Records.AddAsync("to bob", actor: o.Admin, target: o.Bob);
        await Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord
            {
                OrganizationId = o.Organization.Id, ActorName = "system", Verb = "account.deleted", TargetName = "gone.user",
                TargetAccountId = Guid.NewGuid(), Title = "gone.user was deleted", OccurredAt = ActivityRecords.Start.AddDays(1),
            });
            return Task.CompletedTask;
        });

        Assert.Equal(["to bob"], await TitlesAsync(o.Admin, new ActivityQuery { Target = o.Bob.UserName }));
        Assert.Equal(["gone.user was deleted"], await TitlesAsync(o.Admin, new ActivityQuery { Target = "gone.user" }));
    }

    [Fact]
    public async Task FilteringByVerbAndByCategoryMatchesExactly()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("suspended", verb: "member.suspended", category: ActivityCategory.Admin);
        await o.Records.AddAsync("reset", verb: "password.reset", category: ActivityCategory.Security);
        await o.Records.AddAsync("own change", verb: "profile.updated", category: ActivityCategory.Self);

        Assert.Equal(["reset"], await TitlesAsync(o.Admin, new ActivityQuery { Verb = "password.reset" }));
        Assert.Empty(await TitlesAsync(o.Admin, new ActivityQuery { Verb = "password" }));
        Assert.Equal(["own change"], await TitlesAsync(o.Admin, new ActivityQuery { Category = ActivityCategory.Self }));
    }

    [Fact]
    public async Task ATimeRangeIncludesFromAndExcludesTo()
    {
        var o = await NewOrganizationAsync();
        for (var hour = 0; hour < 5; hour++)
        {
            await o.Records.AddAsync($"h{hour}", category: hour % 2 == 0 ? ActivityCategory.Security : ActivityCategory.Admin, at: ActivityRecords.Start.AddHours(hour));
        }

        var range = new ActivityQuery { From = ActivityRecords.Start.AddHours(1), To = ActivityRecords.Start.AddHours(4) };
        Assert.Equal(["h3", "h2", "h1"], await TitlesAsync(o.Admin, range));
        Assert.Equal(["h2"], await TitlesAsync(o.Admin, range with { Category = ActivityCategory.Security }));
        Assert.Equal(["h4", "h3"], await TitlesAsync(o.Admin, new ActivityQuery { From = ActivityRecords.Start.AddHours(3) }));
    }

    [Fact]
    public async Task FiltersCombineAndAMembersFeedTakesThemToo()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("alice suspended bob", actor: o.Alice, target: o.Bob, verb: "member.suspended");
        await o.Records.AddAsync("alice unsuspended bob", actor: o.Alice, target: o.Bob, verb: "member.unsuspended");
        await o.Records.AddAsync("admin suspended alice", actor: o.Admin, target: o.Alice, verb: "member.suspended");

        Assert.Equal(["alice suspended bob"], await TitlesAsync(o.Admin, new ActivityQuery { Actor = o.Alice.UserName, Verb = "member.suspended" }));
        Assert.Equal(["admin suspended alice", "alice suspended bob"], await TitlesAsync(o.Admin, new ActivityQuery(o.Alice.AccountId) { Verb = "member.suspended" }));
        Assert.Equal(["alice unsuspended bob"], await TitlesAsync(o.Admin, new ActivityQuery(o.Alice.AccountId) { Search = "unsusp" }));
    }

    [Fact]
    public async Task TitleSearchMatchesAnyCaseAndAllWords()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("Alice Suspended Bob");
        await o.Records.AddAsync("alice reset the password of carol");
        await o.Records.AddAsync("Zoë Łukasz changed the email of 王伟");

        Assert.Equal(["alice reset the password of carol", "Alice Suspended Bob"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "ALICE" }));
        Assert.Equal(["Alice Suspended Bob"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "alice susp" }));
        Assert.Equal(["Zoë Łukasz changed the email of 王伟"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "zoë" }));
        Assert.Equal(["Zoë Łukasz changed the email of 王伟"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "王伟" }));
        Assert.Equal(["Zoë Łukasz changed the email of 王伟"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "ŁUKASZ" }));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"quoted\"")]
    [InlineData("*")]
    [InlineData("pass*")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("'")]
    [InlineData("o'brien")]
    [InlineData("NEAR(a b)")]
    [InlineData("a OR b")]
    [InlineData("-x ^y :z")]
    [InlineData("\\")]
    public async Task SearchMetacharactersAreOnlyText(string search)
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("plain title without specials");
        await o.Records.AddAsync($"title with {search} inside");

        var result = await Service.ListAsync(o.Admin.Actor, new ActivityQuery { Search = search });

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([$"title with {search} inside"], result.Value!.Items.Select(i => i.Title));
    }

    [Fact]
    public async Task PercentAndUnderscoreAreNotWildcards()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("100% done");
        await o.Records.AddAsync("1000 done");
        await o.Records.AddAsync("a_b renamed");
        await o.Records.AddAsync("axb renamed");

        Assert.Equal(["100% done"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "0%" }));
        Assert.Equal(["100% done"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "100%" }));
        Assert.Equal(["a_b renamed"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "a_b" }));
        Assert.Equal(["a_b renamed"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "_" }));
    }

    [Fact]
    public async Task ShortTermsMatchAsSubstringsAndCombineWithLongOnes()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("bo suspended jo");
        await o.Records.AddAsync("al suspended ed");
        await o.Records.AddAsync("al reset ed");

        Assert.Equal(["bo suspended jo"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "jo" }));
        Assert.Equal(["al reset ed", "al suspended ed"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "Al" }));
        Assert.Equal(["al suspended ed"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "al suspended" }));
    }

    [Fact]
    public async Task ACommonTermWalksTheTimeIndexAndARareOneUsesTheSearchIndexBothExactly()
    {
        var o = await NewOrganizationAsync();
        var rows = Enumerable.Range(0, ActivitySql.CommonSearchMatches + 10).Select(i => new ActivityRecord
        {
            OrganizationId = o.Organization.Id, ActorName = "system", Verb = "bulk.test",
            Title = i % 2 == 0 ? $"commonword even {i}" : $"commonword odd {i}",
            OccurredAt = ActivityRecords.Start.AddSeconds(i),
        }).ToList();
        await Database.ExecuteAsync(db =>
        {
            db.Activity.AddRange(rows);
            return Task.CompletedTask;
        });

        await using (var db = Database.CreateContext())
        {
            await db.Database.OpenConnectionAsync();
            Assert.True(await ActivitySql.IsCommonAsync(db.Database.GetDbConnection(), "\"commonword\"", default));
        }

        var common = (await Service.ListAsync(o.Admin.Actor, new ActivityQuery { Search = "COMMONWORD" }, pageSize: 3)).Value!;
        Assert.Equal(["commonword odd 1009", "commonword even 1008", "commonword odd 1007"], common.Items.Select(i => i.Title));
        var next = (await Service.ListAsync(o.Admin.Actor, new ActivityQuery { Search = "COMMONWORD" }, before: common.OlderThan, pageSize: 2)).Value!;
        Assert.Equal(["commonword even 1006", "commonword odd 1005"], next.Items.Select(i => i.Title));

        // Both words together match fewer titles than the threshold: the search index answers.
        var rare = (await Service.ListAsync(o.Admin.Actor, new ActivityQuery { Search = "commonword odd" }, pageSize: 3)).Value!;
        Assert.Equal(["commonword odd 1009", "commonword odd 1007", "commonword odd 1005"], rare.Items.Select(i => i.Title));
    }

    [Fact]
    public async Task KeysetPagesWalkDownAndBackUpUnderAFilterWithoutGapsOrRepeats()
    {
        var o = await NewOrganizationAsync();
        for (var i = 0; i < 11; i++)
        {
            await o.Records.AddAsync($"r{i}", category: i % 3 == 0 ? ActivityCategory.Security : ActivityCategory.Admin);
        }

        var query = new ActivityQuery { Category = ActivityCategory.Admin };
        var seen = new List<string>();
        var pages = new List<ActivityPage>();
        long? before = null;
        do
        {
            var page = (await Service.ListAsync(o.Admin.Actor, query, before: before, pageSize: 3)).Value!;
            pages.Add(page);
            seen.AddRange(page.Items.Select(i => i.Title));
            before = page.OlderThan;
        }
        while (before is not null);

        Assert.Equal(["r10", "r8", "r7", "r5", "r4", "r2", "r1"], seen);
        Assert.Null(pages[0].NewerThan);
        var up = (await Service.ListAsync(o.Admin.Actor, query, after: pages[^1].NewerThan, pageSize: 3)).Value!;
        Assert.Equal(pages[^2].Items.Select(i => i.Title), up.Items.Select(i => i.Title));
        var top = (await Service.ListAsync(o.Admin.Actor, query, after: up.NewerThan, pageSize: 3)).Value!;
        Assert.Equal(["r10", "r8", "r7"], top.Items.Select(i => i.Title));
        Assert.Null(top.NewerThan);
    }

    [Fact]
    public async Task RecordsSharingATimeArePagedByIdWithoutLosingAny()
    {
        var o = await NewOrganizationAsync();
        var at = ActivityRecords.Start.AddDays(3);
        for (var i = 0; i < 7; i++)
        {
            await o.Records.AddAsync($"same{i}", at: at);
        }

        var first = (await Service.ListAsync(o.Admin.Actor, new ActivityQuery(), pageSize: 4)).Value!;
        var second = (await Service.ListAsync(o.Admin.Actor, new ActivityQuery(), before: first.OlderThan, pageSize: 4)).Value!;

        Assert.Equal(["same6", "same5", "same4", "same3", "same2", "same1", "same0"], first.Items.Concat(second.Items).Select(i => i.Title));
        Assert.Null(second.OlderThan);
    }

    [Fact]
    public async Task AnAdminOfOneOrganizationNeverSeesAnothersRecordsWhateverTheFilterOrCursor()
    {
        var a = await NewOrganizationAsync();
        var b = await NewOrganizationAsync();
        var shared = await Database.AddMembershipAsync(b.Organization.Id, a.Alice.AccountId);
        await a.Records.AddAsync("alice in A", actor: a.Alice, target: a.Bob, verb: "member.suspended");
        var inB = await b.Records.AddAsync("alice in B secret", actor: shared, target: b.Bob, verb: "member.suspended", category: ActivityCategory.Security);

        foreach (var query in new[]
        {
            new ActivityQuery(), new ActivityQuery { Actor = a.Alice.UserName }, new ActivityQuery { Target = b.Bob.UserName },
            new ActivityQuery { Verb = "member.suspended" }, new ActivityQuery { Category = ActivityCategory.Security },
            new ActivityQuery { Search = "secret" }, new ActivityQuery { Search = "in" }, new ActivityQuery(a.Alice.AccountId),
        })
        {
            Assert.DoesNotContain("alice in B secret", await TitlesAsync(a.Admin, query));
        }

        Assert.DoesNotContain((await Service.ListAsync(a.Admin.Actor, new ActivityQuery(), after: inB.Id - 1)).Value!.Items, i => i.Id == inB.Id);
        Assert.Empty((await Service.ListAsync(a.Admin.Actor, new ActivityQuery(), before: inB.Id)).Value!.Items);
        Assert.Equal(["alice in B secret"], await TitlesAsync(b.Admin, new ActivityQuery { Search = "secret" }));
    }

    [Fact]
    public async Task WithoutViewActivityTheOrganizationFeedIsRefusedButAHelpDeskMemberReadsIt()
    {
        var o = await NewOrganizationAsync();
        await o.Records.AddAsync("something");
        var helpDesk = await Database.AddMemberAsync(o.Organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ViewActivity]);
        var suspendedAdmin = await Database.AddMemberAsync(o.Organization.Id, MemberRank.Admin, suspended: true);

        Assert.Equal(OperationStatus.Forbidden, (await Service.ListAsync(o.Alice.Actor, new ActivityQuery { Search = "something" })).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.CheckAsync(o.Alice.Actor, new ActivityQuery())).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.ListAsync(suspendedAdmin.Actor, new ActivityQuery())).Status);
        Assert.Equal(["something"], await TitlesAsync(helpDesk, new ActivityQuery()));
    }

    [Fact]
    public async Task TheDatabaseRefusesToEditARecordAndTheSearchIndexForgetsADeletedOne()
    {
        var o = await NewOrganizationAsync();
        var record = await o.Records.AddAsync("tamperproof title");

        var refused = await Assert.ThrowsAsync<SqliteException>(() => Database.QueryAsync(db =>
            db.Activity.Where(a => a.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Title, "rewritten"))));
        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["tamperproof title"], await TitlesAsync(o.Admin, new ActivityQuery { Search = "tamperproof" }));

        await Database.QueryAsync(db => db.Activity.Where(a => a.Id == record.Id).ExecuteDeleteAsync());
        Assert.Empty(await TitlesAsync(o.Admin, new ActivityQuery { Search = "tamperproof" }));
    }

    [Fact]
    public void TheFiltersRoundTripThroughTheUrlAndGarbageIsLeftOut()
    {
        var query = new ActivityQuery
        {
            Actor = "alice", Target = "bob o'brien", Verb = "member.suspended", Category = ActivityCategory.Security,
            From = new DateTime(2026, 1, 2, 3, 4, 0, DateTimeKind.Utc), To = new DateTime(2026, 2, 3, 4, 5, 0, DateTimeKind.Utc), Search = "a&b=c \"d\"",
        };

        Assert.Equal(query, ActivityQuery.FromQueryString(query.ToQueryString()));
        Assert.Equal("", new ActivityQuery().ToQueryString());
        Assert.Equal(new ActivityQuery(), ActivityQuery.FromQueryString("?category=Bogus&from=yesterday&to=&unknown=1"));
    }
}
