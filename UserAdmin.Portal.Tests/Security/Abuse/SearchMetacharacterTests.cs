using System.Net;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Features.Activity;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// SQL, LIKE and FTS5 metacharacters in the search boxes and filters, sent through the real API (which runs the
/// grid's <c>MemberQueryService</c> and the activity page's <c>ActivityFeedService</c>) and through the grid's service
/// directly: never a 500, and only literal matches. Each organization holds names that differ from a match only in
/// what a wildcard or an FTS operator would let through (decoys). MemberQueryServiceTests and ActivityQueryTests
/// prove more characters one layer down.
/// </summary>
public sealed class SearchMetacharacterTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    /// <summary>Display names of the members (and titles of the records) every case searches among.</summary>
    private static readonly string[] Names =
    [
        "100%cotton", "100 cotton",
        "snake_case", "snakeXcase",
        "O'Brien", "OBrien",
        "say \"hi\" now", "say hi now",
        "drop;--table", "drop table",
        "back\\slash", "backslash",
        "star*gazer", "stargazer",
        "NEAR(alpha beta)", "near alpha beta",
        "plus^caret", "plusscaret",
        "minus-sign", "minus sign",
        "Tom AND Jerry", "Tom Jerry",
        "colon:field", "colon field",
    ];

    private async Task<(TestOrganization Organization, TestMember Super, string Key)> OrganizationAsync()
    {
        var (organization, super, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var records = new ActivityRecords(_kit.Database, organization.Id);
        foreach (var name in Names)
        {
            await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.DisplayName = name);
            await records.AddAsync("record " + name);
        }

        return (organization, super, key);
    }

    [Theory(DisplayName = "SQL/LIKE/FTS")]
    [InlineData("search '0%c' matches the literal percent, not any run of characters", "0%c", "100%cotton")]
    [InlineData("search 'e_c' matches the literal underscore, not any one character", "e_c", "snake_case")]
    [InlineData("search \"o'b\" (SQL quote) matches the literal quote", "o'b", "O'Brien")]
    [InlineData("search '\"hi\"' (FTS phrase quotes) matches the literal quotes", "\"hi\"", "say \"hi\" now")]
    [InlineData("search ';--' (SQL comment) matches the literal text", ";--", "drop;--table")]
    [InlineData("search 'k\\s' (LIKE escape) matches the literal backslash", "k\\s", "back\\slash")]
    [InlineData("search 'r*g' (FTS prefix star) matches the literal star", "r*g", "star*gazer")]
    [InlineData("search 'near(' (FTS NEAR) matches the literal text", "near(", "NEAR(alpha beta)")]
    [InlineData("search 's^c' (FTS initial-token caret) matches the literal caret", "s^c", "plus^caret")]
    [InlineData("search '-sign' (FTS NOT) matches the literal dash", "-sign", "minus-sign")]
    [InlineData("search 'n:f' (FTS column filter) matches the literal colon", "n:f", "colon:field")]
    [InlineData("search 'tom AND jerry' is three words that must all appear, 'and' included", "tom AND jerry", "Tom AND Jerry")]
    [InlineData("search 'tom OR zzz' is not an FTS OR: zzz appears nowhere, so nothing matches", "tom OR zzz", "")]
    [InlineData("search '%' alone is a literal prefix and matches nothing here, not everything", "%", "")]
    [InlineData("search '_' alone is a literal prefix and matches nothing here, not everything", "_", "")]
    [InlineData("search \"' OR '1'='1\" matches nothing and breaks nothing", "' OR '1'='1", "")]
    [InlineData("search \"'; DROP TABLE AspNetUsers;--\" matches nothing and the table stays", "'; DROP TABLE AspNetUsers;--", "")]
    [InlineData("search '\"' (unbalanced FTS quote) is no 500", "\"", "")]
    [InlineData("search '(alpha' (unbalanced FTS group) matches the literal parenthesis", "(alpha", "NEAR(alpha beta)")]
    public async Task MemberSearch(string @case, string q, string expected)
    {
        Assert.NotEmpty(@case);
        var (_, super, key) = await OrganizationAsync();
        using var client = _kit.Client(key);
        var users = await _kit.Database.QueryAsync(db => Task.FromResult(db.Users.Count()));

        using var response = await client.GetAsync($"/api/v1/members?limit=200&q={Uri.EscapeDataString(q)}");

        await ApiTestKit.AssertOkAsync(response);
        var found = (await ApiTestKit.ReadJsonAsync(response)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("displayName").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), found);
        Assert.Equal(users, await _kit.Database.QueryAsync(db => Task.FromResult(db.Users.Count())));

        // The grid's own service, with the same search and a count, agrees.
        var actor = super.Actor;
        var service = app.Services.GetRequiredService<MemberQueryService>();
        var page = await service.PageAsync(actor, new MemberFilter { Search = q }, new MemberSort(), new PageRequest(Size: 200));
        var count = await service.CountAsync(actor, new MemberFilter { Search = q });
        Assert.True(page.Succeeded, page.Message);
        Assert.Equal(found, page.Value!.Rows.Select(r => r.DisplayName).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(found.Length, count.Value);
    }

    [Theory(DisplayName = "SQL/LIKE/FTS")]
    [InlineData("activity title search '0%c' matches the literal percent only", "0%c", "record 100%cotton")]
    [InlineData("activity title search 'e_c' matches the literal underscore only", "e_c", "record snake_case")]
    [InlineData("activity title search 'r*g' matches the literal star only", "r*g", "record star*gazer")]
    [InlineData("activity title search 'k\\s' matches the literal backslash only", "k\\s", "record back\\slash")]
    [InlineData("activity title search 'near(' matches the literal text only", "near(", "record NEAR(alpha beta)")]
    [InlineData("activity title search '\"hi\"' matches the literal quotes only", "\"hi\"", "record say \"hi\" now")]
    [InlineData("activity title search 'tom OR zzz' is not an FTS OR", "tom OR zzz", "")]
    [InlineData("activity title search \"' OR '1'='1\" matches nothing", "' OR '1'='1", "")]
    public async Task ActivitySearch(string @case, string q, string expected)
    {
        Assert.NotEmpty(@case);
        var (_, _, key) = await OrganizationAsync();
        using var client = _kit.Client(key);

        using var response = await client.GetAsync($"/api/v1/activity?limit=200&q={Uri.EscapeDataString(q)}");

        await ApiTestKit.AssertOkAsync(response);
        var titles = (await ApiTestKit.ReadJsonAsync(response)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("title").GetString()!).Where(t => t.StartsWith("record ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), titles);
    }

    [Theory(DisplayName = "SQL/LIKE/FTS")]
    [InlineData("activity filter actor='%' is an exact name and matches nothing", "actor=%25")]
    [InlineData("activity filter actor=\"' OR '1'='1\" matches nothing", "actor=%27%20OR%20%271%27%3D%271")]
    [InlineData("activity filter target='_' is an exact name and matches nothing", "target=_")]
    [InlineData("activity filter verb='test.%' is an exact verb and matches nothing", "verb=test.%25")]
    [InlineData("activity filter verb=\"test.event' --\" matches nothing", "verb=test.event%27%20--")]
    public async Task ActivityFilters(string @case, string query)
    {
        Assert.NotEmpty(@case);
        var (_, _, key) = await OrganizationAsync();
        using var client = _kit.Client(key);

        using var response = await client.GetAsync($"/api/v1/activity?limit=200&{query}");

        await ApiTestKit.AssertOkAsync(response);
        Assert.Empty((await ApiTestKit.ReadJsonAsync(response)).GetProperty("items").EnumerateArray());
    }

    [Theory(DisplayName = "SQL/LIKE/FTS")]
    [InlineData("member filter group=\"' OR 1=1--\" is a 400 problem (not a group id), not every member", "group=%27%20OR%201%3D1--", "")]
    [InlineData("member filter status=\"Active' OR '1'='1\" is 422", "status=Active%27%20OR%20%271%27%3D%271", "status")]
    [InlineData("member sort=\"UserName; DROP TABLE Memberships\" is 422", "sort=UserName%3B%20DROP%20TABLE%20Memberships", "sort")]
    [InlineData("member cursor of base64 JSON with SQL in it is 422", "cursor=WyInIE9SIDE9MS0tIl0", "cursor")]
    public async Task MemberFilters(string @case, string query, string field)
    {
        Assert.NotEmpty(@case);
        var (_, _, key) = await OrganizationAsync();
        using var client = _kit.Client(key);

        using var response = await client.GetAsync($"/api/v1/members?{query}");

        if (field.Length == 0)
        {
            await ApiTestKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        else
        {
            await ApiTestKit.AssertInvalidAsync(response, field);
        }
    }
}
