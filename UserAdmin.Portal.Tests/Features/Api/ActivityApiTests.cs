using System.Net;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Activity;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>The activity feed over the API: filters, keyset paging and the member's own feed.</summary>
public sealed class ActivityApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    [Fact]
    public async Task TheFeedPagesNewestFirstWithBeforeAndFilters()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var records = new ActivityRecords(_kit.Database, organization.Id);
        for (var i = 0; i < 5; i++)
        {
            await records.AddAsync($"record {i}", verb: "member.suspended");
        }

        using var client = _kit.Client(key);
        var titles = new List<string>();
        long? next = null;
        do
        {
            var page = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/activity?verb=member.suspended&limit=2{(next is null ? "" : $"&before={next}")}"));
            titles.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!));
            next = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        while (next is not null);

        Assert.Equal(["record 4", "record 3", "record 2", "record 1", "record 0"], titles);
    }

    [Fact]
    public async Task AMembersFeedShowsWhatWasDoneToThem()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        await client.PostAsync($"/api/v1/members/{target.AccountId}/must-change-password", null);

        var page = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/activity?category=security"));

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(("member.password_change_forced", "Security"), (item.GetProperty("verb").GetString(), item.GetProperty("category").GetString()));
    }

    [Fact]
    public async Task BadFiltersAre422AndAMemberWithoutViewActivityIs403()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var regular = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        using var plain = _kit.Client(await _kit.KeyForAsync(regular));

        await ApiTestKit.AssertInvalidAsync(await client.GetAsync("/api/v1/activity?category=Gossip&limit=0"), "category", "limit");
        await ApiTestKit.AssertProblemAsync(await plain.GetAsync("/api/v1/activity"), HttpStatusCode.Forbidden);
    }
}
