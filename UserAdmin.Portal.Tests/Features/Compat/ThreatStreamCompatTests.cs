using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>ThreatStream's org-admin examples, replayed against the portal with only the address and key changed.</summary>
public sealed class ThreatStreamCompatTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private static HttpRequestMessage Request(HttpMethod method, string path, string body = "{\n    \"must_change_password\": true\n}") =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private HttpClient ClientFor(TestMember member, string key) => _kit.Client($"{member.UserName}:{key}", "apikey");

    [Fact]
    public async Task TheDocumentedListRequestWithABodyOnGetListsTheOrganizationsUsersWithTheirNumericIds()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var elsewhere = await _kit.Database.AddMemberAsync((await _kit.Database.AddOrganizationAsync()).Id);
        using var client = ClientFor(admin, key);

        using var response = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/orgadmin/"));

        await ApiTestKit.AssertOkAsync(response);
        var body = await ApiTestKit.ReadJsonAsync(response);
        Assert.Equal(2, body.GetProperty("meta").GetProperty("total_count").GetInt32());
        Assert.Equal(JsonNull, body.GetProperty("meta").GetProperty("next").ValueKind);
        var users = body.GetProperty("objects").EnumerateArray().ToList();
        Assert.Equal(new[] { admin.MembershipId, target.MembershipId }.Order(), users.Select(u => u.GetProperty("id").GetInt64()).Order());
        Assert.DoesNotContain(users, u => u.GetProperty("id").GetInt64() == elsewhere.MembershipId);
        var listed = users.Single(u => u.GetProperty("id").GetInt64() == target.MembershipId);
        Assert.Equal(target.UserName, listed.GetProperty("username").GetString());
        Assert.False(listed.GetProperty("must_change_password").GetBoolean());
        Assert.Equal($"/api/v1/orgadmin/{target.MembershipId}/", listed.GetProperty("resource_uri").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task TheListPagesWithMetaNext()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        await _kit.Database.AddMemberAsync(organization.Id);
        await _kit.Database.AddMemberAsync(organization.Id);
        using var client = ClientFor(admin, key);

        var first = await ApiTestKit.ReadJsonAsync(await client.GetAsync("/api/v1/orgadmin/?limit=2"));
        var next = first.GetProperty("meta").GetProperty("next").GetString()!;
        var second = await ApiTestKit.ReadJsonAsync(await client.GetAsync(next));

        Assert.Equal(2, first.GetProperty("objects").GetArrayLength());
        Assert.Equal(1, second.GetProperty("objects").GetArrayLength());
        Assert.Equal(JsonNull, second.GetProperty("meta").GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task TheDocumentedPatchForcesAPasswordChangeAndWritesTheServicesRecord()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = ClientFor(admin, key);

        using var response = await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{target.MembershipId}/"));

        await ApiTestKit.AssertOkAsync(response);
        var user = await ApiTestKit.ReadJsonAsync(response);
        Assert.Equal(target.MembershipId, user.GetProperty("id").GetInt64());
        Assert.True(user.GetProperty("must_change_password").GetBoolean());
        Assert.True(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
        var record = (await _kit.ActivityAsync(organization.Id)).Last();
        Assert.Equal(("member.password_change_forced", target.AccountId, admin.AccountId), (record.Verb, record.TargetAccountId, record.ActorAccountId));
    }

    [Fact]
    public async Task APatchOfAnythingButForcingAChangeIs400AndChangesNothing()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = ClientFor(admin, key);

        await ApiTestKit.AssertProblemAsync(await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{target.MembershipId}/", "{\"must_change_password\": false}")), HttpStatusCode.BadRequest);
        await ApiTestKit.AssertProblemAsync(await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{target.MembershipId}/", "{\"must_change_password\": true, \"is_active\": false}")), HttpStatusCode.BadRequest);
        await ApiTestKit.AssertProblemAsync(await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{target.MembershipId}/", "{\"must_change")), HttpStatusCode.BadRequest);

        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.password_change_forced");
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("\"true\"")]
    [InlineData("1")]
    public async Task OnlyTheJsonBooleanTrueForcesAChangeAnythingElseIs400NamingTheField(string value)
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = ClientFor(admin, key);

        var problem = await ApiTestKit.AssertProblemAsync(
            await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{target.MembershipId}/", $"{{\"must_change_password\": {value}}}")), HttpStatusCode.BadRequest);

        Assert.Equal("must_change_password must be true or false.", problem.GetProperty("detail").GetString());
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.password_change_forced");
    }

    [Fact]
    public async Task TheRefusalsOfTheApiApply()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var elsewhere = await _kit.Database.AddMemberAsync((await _kit.Database.AddOrganizationAsync()).Id);
        var readOnlyKey = await _kit.KeyForAsync(admin, ApiKeyScope.ReadOnly);
        var helpDesk = await _kit.Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        using var anonymous = _kit.Client(null);
        using var readOnly = ClientFor(admin, readOnlyKey);
        using var client = ClientFor(admin, key);
        using var helpDeskClient = ClientFor(helpDesk, await _kit.KeyForAsync(helpDesk));
        var patch = $"/api/v1/orgadmin/{target.MembershipId}/";

        await ApiTestKit.AssertProblemAsync(await anonymous.SendAsync(Request(HttpMethod.Get, "/api/v1/orgadmin/")), HttpStatusCode.Unauthorized);
        await ApiTestKit.AssertProblemAsync(await readOnly.SendAsync(Request(HttpMethod.Patch, patch)), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertOkAsync(await readOnly.GetAsync("/api/v1/orgadmin/"));
        await ApiTestKit.AssertProblemAsync(await client.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{elsewhere.MembershipId}/")), HttpStatusCode.NotFound);
        await ApiTestKit.AssertProblemAsync(await client.SendAsync(Request(HttpMethod.Patch, "/api/v1/orgadmin/not-a-number/")), HttpStatusCode.NotFound);
        await ApiTestKit.AssertProblemAsync(await helpDeskClient.SendAsync(Request(HttpMethod.Patch, $"/api/v1/orgadmin/{super.MembershipId}/")), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertOkAsync(await helpDeskClient.SendAsync(Request(HttpMethod.Patch, patch)));

        await _kit.Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.AccountId == admin.AccountId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow)));
        await ApiTestKit.AssertProblemAsync(await client.GetAsync("/api/v1/orgadmin/"), HttpStatusCode.Unauthorized);
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == super.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
    }
}
