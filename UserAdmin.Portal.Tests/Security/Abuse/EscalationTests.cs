using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Privilege escalation attempts through the real API: an ADMIN granting SUPER or ADMIN, anyone changing their own
/// rank or groups, two SUPERs demoting each other at once (the organization must keep a SUPER), the help desk using
/// an editor it does not have, and a read-only key writing. Each is refused (403) and nothing changes. The help desk's
/// member page shows no editors at all (MemberPageComponentTests.AHelpDeskViewerSeesOnlyThePasswordActionsAndTheActivity);
/// the authorization matrix covers every other endpoint and actor.
/// </summary>
public sealed class EscalationTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private Task<MemberRank> RankOfAsync(TestMember member) =>
        _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Rank).SingleAsync());

    private async Task<HttpResponseMessage> SetRankAsync(HttpClient client, TestMember target, MemberRank rank) =>
        await client.PutAsync($"/api/v1/members/{target.AccountId}/rank", Json($$"""{"rank":"{{rank}}","version":"{{await _kit.VersionOfAsync(target)}}"}"""));

    [Theory(DisplayName = "Escalation")]
    [InlineData("ADMIN granting SUPER to a regular member is 403 and the rank stays", MemberRank.Super)]
    [InlineData("ADMIN granting ADMIN to a regular member is 403 and the rank stays", MemberRank.Admin)]
    public async Task AdminGrantsRank(string @case, MemberRank rank)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var regular = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await SetRankAsync(client, regular, rank), HttpStatusCode.Forbidden);

        Assert.Equal(MemberRank.Regular, await RankOfAsync(regular));
    }

    [Theory(DisplayName = "Escalation")]
    [InlineData("ADMIN promoting themselves to SUPER is 403", MemberRank.Admin, MemberRank.Super)]
    [InlineData("REGULAR with every group permission promoting themselves to ADMIN is 403", MemberRank.Regular, MemberRank.Admin)]
    [InlineData("SUPER demoting themselves (the last SUPER) is 403 and the organization keeps its SUPER", MemberRank.Super, MemberRank.Regular)]
    public async Task SelfRankChange(string @case, MemberRank rank, MemberRank wanted)
    {
        Assert.NotEmpty(@case);
        var all = new[] { PortalPermissions.ViewUsers, PortalPermissions.ManageUsers, PortalPermissions.ManageGroups, PortalPermissions.SuspendUsers };
        var (_, self, key) = await _kit.MemberWithKeyAsync(rank, permissions: rank == MemberRank.Regular ? all : null);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await SetRankAsync(client, self, wanted), HttpStatusCode.Forbidden);

        Assert.Equal(rank, await RankOfAsync(self));
    }

    [Fact(DisplayName = "Escalation: two SUPERs demoting each other at the same moment leave the organization at least one SUPER")]
    public async Task MutualDemotionRace()
    {
        for (var round = 0; round < 3; round++)
        {
            var (organization, first, firstKey) = await _kit.MemberWithKeyAsync(MemberRank.Super);
            var second = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
            var secondKey = await _kit.KeyForAsync(second);
            using var a = _kit.Client(firstKey);
            using var b = _kit.Client(secondKey);
            var firstVersion = await _kit.VersionOfAsync(first);
            var secondVersion = await _kit.VersionOfAsync(second);

            var answers = await Task.WhenAll(
                a.PutAsync($"/api/v1/members/{second.AccountId}/rank", Json($$"""{"rank":"Regular","version":"{{secondVersion}}"}""")),
                b.PutAsync($"/api/v1/members/{first.AccountId}/rank", Json($$"""{"rank":"Regular","version":"{{firstVersion}}"}""")));

            Assert.All(answers, r => Assert.NotEqual(HttpStatusCode.InternalServerError, r.StatusCode));
            Assert.True(answers.Count(r => r.IsSuccessStatusCode) <= 1, string.Join(", ", answers.Select(r => (int)r.StatusCode)));
            Assert.InRange(await _kit.Database.QueryAsync(db => db.Memberships.CountAsync(m => m.OrganizationId == organization.Id && m.Rank == MemberRank.Super)), 1, 2);
        }
    }

    [Theory(DisplayName = "Escalation")]
    [InlineData("ADMIN suspending the organization's only SUPER is 403", "POST", "/api/v1/members/{target}/suspend?version={V}", null)]
    [InlineData("ADMIN removing the organization's only SUPER is 403", "DELETE", "/api/v1/members/{target}?version={V}", null)]
    [InlineData("ADMIN demoting the organization's only SUPER is 403", "PUT", "/api/v1/members/{target}/rank", """{"rank":"Regular","version":"{V}"}""")]
    [InlineData("ADMIN setting a temporary password on the only SUPER is 403", "POST", "/api/v1/members/{target}/password/temporary", null)]
    public async Task AdminAgainstTheSuper(string @case, string method, string path, string? body)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        await AssertRefusedAsync(key, super, method, path, body);
    }

    [Theory(DisplayName = "Escalation")]
    [InlineData("help desk saving a profile is 403", "PUT", "/api/v1/members/{target}/profile", """{"firstName":"H","lastName":"D","displayName":"edited by help desk","email":"hd@example.org","accountVersion":"{AV}"}""")]
    [InlineData("help desk replacing custom properties is 403", "PUT", "/api/v1/members/{target}/properties", """{"properties":[{"key":"k","value":"v"}],"accountVersion":"{AV}"}""")]
    [InlineData("help desk replacing smartcards is 403", "PUT", "/api/v1/members/{target}/smartcards", """{"smartcards":[{"number":"12345678"}],"accountVersion":"{AV}"}""")]
    [InlineData("help desk changing a rank is 403", "PUT", "/api/v1/members/{target}/rank", """{"rank":"Admin","version":"{V}"}""")]
    [InlineData("help desk adding a member to a group is 403", "PUT", "/api/v1/members/{target}/groups/{group}", null)]
    [InlineData("help desk suspending a member is 403", "POST", "/api/v1/members/{target}/suspend?version={V}", null)]
    [InlineData("help desk removing a member is 403", "DELETE", "/api/v1/members/{target}?version={V}", null)]
    [InlineData("help desk creating a group is 403", "POST", "/api/v1/groups", """{"name":"Help desk plus"}""")]
    public async Task HelpDeskEditor(string @case, string method, string path, string? body)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Regular, permissions: PortalPermissions.HelpDesk);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        await AssertRefusedAsync(key, target, method, path, body);
    }

    [Fact(DisplayName = "Escalation: help desk setting a temporary password on an ADMIN is 403; on a REGULAR member it works")]
    public async Task HelpDeskAgainstAnAdmin()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Regular, permissions: PortalPermissions.HelpDesk);
        var admin = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var regular = await _kit.Database.AddMemberAsync(organization.Id);

        await AssertRefusedAsync(key, admin, "POST", "/api/v1/members/{target}/password/temporary", null);

        using var client = _kit.Client(key);
        await ApiTestKit.AssertOkAsync(await client.PostAsync($"/api/v1/members/{regular.AccountId}/password/temporary", null));
    }

    [Theory(DisplayName = "Escalation")]
    [InlineData("read-only key suspending a member is 403", "POST", "/api/v1/members/{target}/suspend?version={V}", null)]
    [InlineData("read-only key saving a profile is 403", "PUT", "/api/v1/members/{target}/profile", """{"firstName":"R","lastName":"O","displayName":"edited","email":"ro@example.org","accountVersion":"{AV}"}""")]
    [InlineData("read-only key removing a member is 403", "DELETE", "/api/v1/members/{target}?version={V}", null)]
    [InlineData("read-only key changing a rank is 403", "PUT", "/api/v1/members/{target}/rank", """{"rank":"Admin","version":"{V}"}""")]
    [InlineData("read-only key creating a member is 403", "POST", "/api/v1/members", """{"userName":"ro.created","email":"ro.created@example.org","sendActivationEmail":true}""")]
    [InlineData("read-only key creating a group is 403", "POST", "/api/v1/groups", """{"name":"Read-only wrote this"}""")]
    [InlineData("read-only key sending a reset link is 403", "POST", "/api/v1/members/{target}/password/reset-link", null)]
    public async Task ReadOnlyKeyWriting(string @case, string method, string path, string? body)
    {
        Assert.NotEmpty(@case);
        var organization = await _kit.Database.AddOrganizationAsync();
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var key = await _kit.KeyForAsync(super, ApiKeyScope.ReadOnly);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        await AssertRefusedAsync(key, target, method, path, body);
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == "ro.created")));
    }

    [Fact(DisplayName = "Escalation: ADMIN adding themselves to a group is 403 (nobody changes their own groups)")]
    public async Task SelfIntoGroup()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var group = await app.Services.GetRequiredService<GroupService>().CreateAsync(admin.Actor, "Operators", "");
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.PutAsync($"/api/v1/members/{admin.AccountId}/groups/{group.Value}", null), HttpStatusCode.Forbidden);

        Assert.False(await _kit.Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == group.Value)));
        Assert.NotEqual(Guid.Empty, organization.Id);
    }

    [Fact(DisplayName = "Escalation: a group manager granting manage_users (which they lack) to a group is refused")]
    public async Task GrantingAPermissionNotHeld()
    {
        var organization = await _kit.Database.AddOrganizationAsync();
        var manager = await _kit.Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups]);
        var groups = app.Services.GetRequiredService<GroupService>();
        var group = await groups.CreateAsync(manager.Actor, "Ladder", "");
        Assert.True(group.Succeeded, group.Message);

        var granted = await groups.SetPermissionsAsync(manager.Actor, group.Value, [PortalPermissions.ManageUsers]);

        Assert.Equal(OperationStatus.Forbidden, granted.Status);
        Assert.False(await _kit.Database.QueryAsync(db => db.Set<GroupPermission>().AnyAsync(p => p.GroupId == group.Value)));
    }

    /// <summary>Sends the request as the key's owner and asserts 403 and that the target and the feed are unchanged.</summary>
    private async Task AssertRefusedAsync(string key, TestMember target, string method, string path, string? body)
    {
        var groupId = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = target.OrganizationId, Name = "Group " + groupId.ToString("N")[..6], CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        var version = await _kit.VersionOfAsync(target);
        var accountVersion = await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
        string Fill(string text, bool url) => text
            .Replace("{target}", target.AccountId.ToString(), StringComparison.Ordinal)
            .Replace("{group}", groupId.ToString(), StringComparison.Ordinal)
            .Replace("{V}", url ? Uri.EscapeDataString(version) : version, StringComparison.Ordinal)
            .Replace("{AV}", url ? Uri.EscapeDataString(accountVersion) : accountVersion, StringComparison.Ordinal);
        var before = await _kit.ActivityAsync(target.OrganizationId);
        using var client = _kit.Client(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path, url: true));
        if (body is not null)
        {
            request.Content = Json(Fill(body, url: false));
        }

        using var response = await client.SendAsync(request);

        await ApiTestKit.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(version, await _kit.VersionOfAsync(target));
        Assert.Equal(accountVersion, await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync()));
        Assert.Equal(before.Count, (await _kit.ActivityAsync(target.OrganizationId)).Count);
    }
}
