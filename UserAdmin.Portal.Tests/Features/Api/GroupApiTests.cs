using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Groups, membership in them and effective permissions.</summary>
public sealed class GroupApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    [Fact]
    public async Task AGroupIsCreatedListedAndAMemberAddedAndRemovedWithTheirPermissionsFollowing()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        using var created = await client.PostAsJsonAsync("/api/v1/groups", new { name = "Printers", description = "Can print" });
        await ApiTestKit.AssertOkAsync(created, HttpStatusCode.Created);
        var groupId = (await ApiTestKit.ReadJsonAsync(created)).GetProperty("id").GetGuid();
        await _kit.Database.ExecuteAsync(db => { db.GroupPermissions.Add(new GroupPermission { GroupId = groupId, Permission = "view_users" }); return Task.CompletedTask; });
        var listed = await ApiTestKit.ReadJsonAsync(await client.GetAsync("/api/v1/groups"));
        Assert.Contains(listed.EnumerateArray(), g => g.GetProperty("name").GetString() == "Printers");

        await ApiTestKit.AssertOkAsync(await client.PutAsync($"/api/v1/members/{target.AccountId}/groups/{groupId}", null));
        var groups = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/groups"));
        var permissions = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/permissions"));
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}/groups/{groupId}"));

        Assert.True(groups.EnumerateArray().Single(g => g.GetProperty("groupId").GetGuid() == groupId).GetProperty("isMember").GetBoolean());
        var permission = Assert.Single(permissions.EnumerateArray());
        Assert.Equal(("view_users", "Printers"), (permission.GetProperty("key").GetString(), permission.GetProperty("grantedBy")[0].GetString()));
        Assert.Equal(["group.created", "member.group_added", "member.group_removed"],
            (await _kit.ActivityAsync(organization.Id)).Where(r => !r.Verb.StartsWith("api_key", StringComparison.Ordinal)).Select(r => r.Verb));
    }

    [Fact]
    public async Task AGroupWithoutANameIs422AndAnUnknownGroupIs404()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.PostAsJsonAsync("/api/v1/groups", new { name = "" }), "name");
        await ApiTestKit.AssertProblemAsync(await client.PutAsync($"/api/v1/members/{target.AccountId}/groups/{Guid.NewGuid()}", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NobodyChangesTheirOwnGroups()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var groupId = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db => { db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "Mine", CreatedAt = DateTime.UtcNow }); return Task.CompletedTask; });
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.PutAsync($"/api/v1/members/{admin.AccountId}/groups/{groupId}", null), HttpStatusCode.Forbidden);
        Assert.False(await _kit.Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == groupId)));
    }
}
