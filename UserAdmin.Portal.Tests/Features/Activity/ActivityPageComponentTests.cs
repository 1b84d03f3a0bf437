using Bunit;
using Microsoft.AspNetCore.Components;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

public sealed class ActivityPageComponentTests : PortalComponentTest
{

    [Fact]
    public void TheFilterBarShowsTheFiltersInForceAndAppliesWhatIsTyped()
    {
        ActivityQuery? applied = null;
        var bar = Render<ActivityFilterBar>(p => p
            .Add(x => x.Value, new ActivityQuery { Verb = "member.suspended", Category = ActivityCategory.Security, From = new DateTime(2026, 5, 1, 8, 30, 0, DateTimeKind.Utc) })
            .Add(x => x.Apply, (ActivityQuery q) => applied = q));

        Assert.Equal("member.suspended", bar.Find("input[name=verb]").GetAttribute("value"));
        Assert.Equal("Security", bar.Find("select[name=category]").GetAttribute("value"));
        Assert.Equal("2026-05-01T08:30", bar.Find("input[name=from]").GetAttribute("value"));

        bar.Find("input[name=actor]").Change("  alice ");
        bar.Find("input[name=q]").Change("\"reset\" *");
        bar.Find("select[name=category]").Change("");
        bar.Find("form").Submit();

        Assert.Equal(new ActivityQuery
        {
            Actor = "alice", Verb = "member.suspended", From = new DateTime(2026, 5, 1, 8, 30, 0, DateTimeKind.Utc), Search = "\"reset\" *",
        }, applied);
    }

    [Fact]
    public void ATimeRangeThatEndsBeforeItStartsIsRefusedWithAReason()
    {
        var applied = false;
        var bar = Render<ActivityFilterBar>(p => p.Add(x => x.Value, new ActivityQuery()).Add(x => x.Apply, (ActivityQuery _) => applied = true));

        bar.Find("input[name=from]").Change("2026-05-02T00:00");
        bar.Find("input[name=to]").Change("2026-05-01T00:00");
        bar.Find("form").Submit();

        Assert.False(applied);
        Assert.Equal("\"To\" must be after \"From\".", bar.Find("[role=alert]").TextContent);
    }

    [Fact]
    public async Task ThePageReadsItsFiltersFromTheUrlAndPutsNewOnesThere()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var records = new ActivityRecords(portal.Database, organization.Id);
        await records.AddAsync("alice was suspended", verb: "member.suspended");
        await records.AddAsync("bob was renamed", verb: "member.renamed");
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/activity?verb=member.suspended");

        var page = Render<OrganizationActivityPage>();

        page.WaitForAssertion(() => Assert.Equal(["alice was suspended"], page.FindAll(".activity-title").Select(t => t.TextContent)), TimeSpan.FromSeconds(10));
        Assert.Equal("member.suspended", page.Find("input[name=verb]").GetAttribute("value"));
        Assert.Equal("activity/export.csv?verb=member.suspended", page.Find("a.activity-export-link").GetAttribute("href"));

        page.Find("input[name=q]").Change("renamed");
        page.Find("input[name=verb]").Change("");
        page.Find("form").Submit();

        Assert.EndsWith("/activity?q=renamed", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFilterThatMatchesNothingSaysSo()
    {
        var (portal, organization, _) = await UsePortalAsync();
        await new ActivityRecords(portal.Database, organization.Id).AddAsync("something");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/activity?q=nothing-like-this");

        var page = Render<OrganizationActivityPage>();

        page.WaitForAssertion(() => Assert.Equal("No activity matches these filters.", page.Find(".activity-empty").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll(".activity-item"));
    }

    [Fact]
    public async Task ARecordsDiffShowsEachFieldBeforeAndAfterAsTextNeverMarkup()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        await new ActivityRecords(portal.Database, organization.Id).AddAsync("renamed",
            diff: """{"displayName":{"before":"<b>Old</b>","after":"<script>alert(1)</script>"},"email":{"before":null,"after":"x@y.z"}}""");

        var feed = Render<ActivityFeed>(p => p.Add(x => x.Actor, admin.Actor).Add(x => x.Query, new ActivityQuery()));

        feed.WaitForAssertion(() => Assert.Equal("Changes (2)", feed.Find(".activity-diff summary").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(["displayName", "<b>Old</b>", "<script>alert(1)</script>", "email", "—", "x@y.z"], feed.FindAll(".activity-diff tbody td").Select(td => td.TextContent));
        Assert.Empty(feed.FindAll(".activity-diff script, .activity-diff b"));
    }

    [Fact]
    public async Task ANewMatchingRecordIsPrependedLiveAndOneThatDoesNotMatchIsNot()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var alice = await portal.Database.AddMemberAsync(organization.Id);
        var bob = await portal.Database.AddMemberAsync(organization.Id);
        await new ActivityRecords(portal.Database, organization.Id).AddAsync("older suspension", verb: "member.suspended", at: DateTime.UtcNow.AddMinutes(-5));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/activity?verb=member.suspended");
        var page = Render<OrganizationActivityPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".activity-item")), TimeSpan.FromSeconds(10));

        await portal.Get<MemberStatusService>().SetSuspendedAsync(admin.Actor, alice.AccountId, suspended: true);
        await portal.Get<MemberStatusService>().SetSuspendedAsync(admin.Actor, alice.AccountId, suspended: false);
        await portal.Get<MemberStatusService>().SetSuspendedAsync(admin.Actor, bob.AccountId, suspended: true);

        page.WaitForAssertion(() => Assert.Equal(
            [$"{admin.UserName} suspended {bob.UserName}", $"{admin.UserName} suspended {alice.UserName}", "older suspension"],
            page.FindAll(".activity-title").Select(t => t.TextContent)), TimeSpan.FromSeconds(10));
        Assert.Equal("member.suspended", page.Find("input[name=verb]").GetAttribute("value"));
    }

    [Fact]
    public async Task OnAnOlderPageNewRecordsAreAnnouncedWithoutMovingTheAdmin()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var alice = await portal.Database.AddMemberAsync(organization.Id);
        var records = new ActivityRecords(portal.Database, organization.Id);
        for (var i = 0; i < 3; i++)
        {
            await records.AddAsync($"r{i}", at: DateTime.UtcNow.AddMinutes(i - 10));
        }

        var feed = Render<ActivityFeed>(p => p.Add(x => x.Actor, admin.Actor).Add(x => x.Query, new ActivityQuery()).Add(x => x.PageSize, 2));
        feed.WaitForAssertion(() => Assert.Equal(["r2", "r1"], feed.FindAll(".activity-title").Select(t => t.TextContent)), TimeSpan.FromSeconds(10));
        await feed.InvokeAsync(() => feed.FindAll("button").Single(b => b.TextContent.Contains("Older", StringComparison.Ordinal)).Click());
        feed.WaitForAssertion(() => Assert.Equal(["r0"], feed.FindAll(".activity-title").Select(t => t.TextContent)), TimeSpan.FromSeconds(10));

        await portal.Get<MemberStatusService>().SetSuspendedAsync(admin.Actor, alice.AccountId, suspended: true);

        feed.WaitForAssertion(() => Assert.Contains("New activity", feed.Find(".activity-new").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(["r0"], feed.FindAll(".activity-title").Select(t => t.TextContent));
        await feed.InvokeAsync(() => feed.FindAll(".activity-new button").Single().Click());
        feed.WaitForAssertion(() => Assert.Equal($"{admin.UserName} suspended {alice.UserName}", feed.FindAll(".activity-title")[0].TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(feed.FindAll(".activity-new"));
    }

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalAsync()
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return (portal, organization, admin);
    }
}
