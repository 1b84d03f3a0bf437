using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Hostile JSON bodies on the API's writes: oversized, deeply nested, wrong types, out-of-range enums, unknown fields,
/// duplicate keys, broken encodings. Each is a 4xx problem (never a 500, never HTML) and nothing is written.
/// ApiAuthenticationTests.ErrorsOutsideTheServicesAreProblemsToo proves plain malformed JSON, an unknown field and 70 KB.
/// </summary>
public sealed class JsonAbuseTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private static string Nested(int depth, string open, string close, string inner) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    private static HttpContent Body(string kind, string userName) => kind switch
    {
        "oversized" => Json($$"""{"name":"{{new string('x', 70_000)}}"}"""),
        "oversized-chunked" => Chunked($$"""{"name":"{{new string('x', 200_000)}}"}"""),
        "nested-arrays" => Json($$"""{"name":{{Nested(1000, "[", "]", "1")}}}"""),
        "nested-objects" => Json($$"""{"name":"ops","description":{{Nested(1000, "{\"a\":", "}", "1")}}}"""),
        "number-for-string" => Json("""{"name":123}"""),
        "object-for-string" => Json("""{"name":{"$gt":""}}"""),
        "array-body" => Json("""[{"name":"ops"}]"""),
        "null-body" => Json("null"),
        "empty-body" => Json(""),
        "unknown-field" => Json("""{"name":"ops","isAdmin":true}"""),
        "duplicate-key" => Json("""{"name":"first","name":"second"}"""),
        "duplicate-key-case" => Json("""{"name":"first","Name":"second"}"""),
        "trailing-comma" => Json("""{"name":"ops",}"""),
        "comment" => Json("""{"name":"ops" /* hidden */}"""),
        "invalid-utf8" => Bytes([.. "{\"name\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]),
        "lone-surrogate" => Json("""{"name":"\ud800 ops"}"""),
        "plain-text" => new StringContent("""{"name":"ops"}""", Encoding.UTF8, "text/plain"),
        "huge-number" => Json($$"""{"userName":"{{userName}}","email":"{{userName}}@example.org","password":"copper-meadow-lantern-17","mustChangePassword":1e999}"""),
        "enum-number" => Json($$"""{"userName":"{{userName}}","email":"{{userName}}@example.org","password":"copper-meadow-lantern-17","tag":99}"""),
        "enum-name" => Json($$"""{"userName":"{{userName}}","email":"{{userName}}@example.org","password":"copper-meadow-lantern-17","tag":"Overlord"}"""),
        "member-duplicate-tag" => Json($$"""{"userName":"{{userName}}","email":"{{userName}}@example.org","password":"copper-meadow-lantern-17","tag":"Guest","tag":"User"}"""),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    /// <summary>A body without Content-Length, as a client streaming it would send: only the read limit can stop it.</summary>
    private static StreamContent Chunked(string text)
    {
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(text)));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [Theory(DisplayName = "JSON")]
    [InlineData("a 70 KB body with Content-Length is 413", "/api/v1/groups", "oversized", 413)]
    [InlineData("a 200 KB body streamed without Content-Length is 413", "/api/v1/groups", "oversized-chunked", 413)]
    [InlineData("1,000 levels of nested arrays are 400", "/api/v1/groups", "nested-arrays", 400)]
    [InlineData("1,000 levels of nested objects are 400", "/api/v1/groups", "nested-objects", 400)]
    [InlineData("a number where a string belongs is 400", "/api/v1/groups", "number-for-string", 400)]
    [InlineData("an operator object ({\"$gt\":\"\"}) where a string belongs is 400", "/api/v1/groups", "object-for-string", 400)]
    [InlineData("an array where an object belongs is 400", "/api/v1/groups", "array-body", 400)]
    [InlineData("a JSON null body is 400", "/api/v1/groups", "null-body", 400)]
    [InlineData("an empty body is 400", "/api/v1/groups", "empty-body", 400)]
    [InlineData("an unknown field (isAdmin) is 400", "/api/v1/groups", "unknown-field", 400)]
    [InlineData("a duplicate key is 400, not last-one-wins", "/api/v1/groups", "duplicate-key", 400)]
    [InlineData("a duplicate key differing only in case is 400", "/api/v1/groups", "duplicate-key-case", 400)]
    [InlineData("a duplicate enum key (tag Guest, then User) is 400", "/api/v1/members", "member-duplicate-tag", 400)]
    [InlineData("a trailing comma is 400", "/api/v1/groups", "trailing-comma", 400)]
    [InlineData("a comment is 400", "/api/v1/groups", "comment", 400)]
    [InlineData("invalid UTF-8 bytes are 400", "/api/v1/groups", "invalid-utf8", 400)]
    [InlineData("a lone UTF-16 surrogate escape is 400", "/api/v1/groups", "lone-surrogate", 400)]
    [InlineData("JSON sent as text/plain is 415", "/api/v1/groups", "plain-text", 415)]
    [InlineData("a number beyond double (1e999) where a boolean belongs is 400", "/api/v1/members", "huge-number", 400)]
    [InlineData("an enum as an undefined number (tag 99) is 422", "/api/v1/members", "enum-number", 422)]
    [InlineData("an enum as an unknown name (tag Overlord) is 400", "/api/v1/members", "enum-name", 400)]
    public async Task HostileBody(string @case, string path, string kind, int status)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var before = await _kit.ActivityAsync(organization.Id);
        var userName = TestData.UniqueName("json").Replace("-", ".", StringComparison.Ordinal);
        using var client = _kit.Client(key);

        using var response = await client.PostAsync(path, Body(kind, userName));

        await ApiTestKit.AssertProblemAsync(response, (HttpStatusCode)status);
        Assert.Equal(before.Count, (await _kit.ActivityAsync(organization.Id)).Count);
        Assert.False(await _kit.Database.QueryAsync(db => db.Groups.AnyAsync(g => g.OrganizationId == organization.Id)));
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == userName)));
    }

    [Fact(DisplayName = "JSON: a rank given as an undefined number (7) is refused and the rank is unchanged")]
    public async Task UndefinedRankNumber()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        using var response = await client.PutAsync($"/api/v1/members/{target.AccountId}/rank",
            Json($$"""{"rank":7,"version":"{{await _kit.VersionOfAsync(target)}}"}"""));

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(MemberRank.Regular, await _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).Select(m => m.Rank).SingleAsync()));
    }

    /// <summary>A stream that cannot tell its length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
