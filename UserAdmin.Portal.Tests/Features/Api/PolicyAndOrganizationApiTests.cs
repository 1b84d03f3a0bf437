using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Policies and memberships across organizations over the API.</summary>
public sealed class PolicyAndOrganizationApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private async Task<IReadOnlyList<string>> VerbsAsync(Guid organizationId) =>
        (await _kit.ActivityAsync(organizationId)).Select(r => r.Verb).Where(v => !v.StartsWith("api_key.", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task APolicyIsCreatedAssignedToAMemberAndAGroupListedAndDeleted()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var groupId = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "Drivers", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        using var client = _kit.Client(key);

        using var created = await client.PostAsJsonAsync("/api/v1/policies", new { name = "Night access", description = "After 22:00" });
        await ApiTestKit.AssertOkAsync(created, HttpStatusCode.Created);
        var policyId = (await ApiTestKit.ReadJsonAsync(created)).GetProperty("id").GetGuid();
        await ApiTestKit.AssertOkAsync(await client.PutAsync($"/api/v1/policies/{policyId}/members/{target.AccountId}", null));
        await ApiTestKit.AssertOkAsync(await client.PutAsync($"/api/v1/policies/{policyId}/groups/{groupId}", null));
        var listed = await ApiTestKit.ReadJsonAsync(await client.GetAsync("/api/v1/policies"));
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"/api/v1/policies/{policyId}/members/{target.AccountId}"));
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"/api/v1/policies/{policyId}/groups/{groupId}"));
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"/api/v1/policies/{policyId}"), HttpStatusCode.NoContent);

        var policy = listed.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == policyId);
        Assert.Equal((1, 1), (policy.GetProperty("memberCount").GetInt32(), policy.GetProperty("groupCount").GetInt32()));
        var verbs = await VerbsAsync(organization.Id);
        Assert.Equal("policy.created", verbs[0]);
        Assert.Equal("policy.deleted", verbs[^1]);
        Assert.Equal(6, verbs.Count);
        Assert.False(await _kit.Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == policyId)));
    }

    [Fact]
    public async Task APolicyWithoutANameIs422AndAnUnknownOneIs404()
    {
        var (_, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.PostAsJsonAsync("/api/v1/policies", new { name = " " }), "name");
        await ApiTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/v1/policies/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ASuperAddsAnExistingAccountListsItsOrganizationsAndRemovesItFromThisOne()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var elsewhere = await _kit.Database.AddOrganizationAsync();
        var person = await _kit.Database.AddMemberAsync(elsewhere.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.PostAsJsonAsync("/api/v1/organization/members", new { login = "nobody-at-all" }), "login");
        await ApiTestKit.AssertOkAsync(await client.PostAsJsonAsync("/api/v1/organization/members", new { login = person.UserName }), HttpStatusCode.Created);
        var organizations = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{person.AccountId}/organizations"));
        var here = organizations.EnumerateArray().Single(o => o.GetProperty("organizationId").GetGuid() == organization.Id);
        Assert.Equal(2, organizations.GetArrayLength());

        await ApiTestKit.AssertInvalidAsync(await client.DeleteAsync($"/api/v1/members/{person.AccountId}/organizations/{organization.Id}"), "version");
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync(
            $"/api/v1/members/{person.AccountId}/organizations/{organization.Id}?version={here.GetProperty("version").GetString()}"), HttpStatusCode.NoContent);

        Assert.Equal(["member.added", "member.removed"], await VerbsAsync(organization.Id));
        Assert.True(await _kit.Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.AccountId == person.AccountId && m.OrganizationId == elsewhere.Id)));
    }

    [Fact]
    public async Task OnlyASuperManagesMembershipsAcrossOrganizations()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/organizations"), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/organization/members", new { login = target.UserName }), HttpStatusCode.Forbidden);
    }
}
