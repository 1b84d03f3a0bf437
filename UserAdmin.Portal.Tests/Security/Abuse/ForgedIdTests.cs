using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Insecure direct object references: a SUPER of organization A, with a read-write key, sends every member route
/// of the API the ids of organization B (its member, group, policy, the organization itself), even quoting the
/// member's real versions as if they had leaked. Each answer is 404 and nothing in B changes. The full matrix of
/// actors and statuses is the authorization suite's; the member page's own refusal is proven in
/// MemberPageComponentTests (AMemberOfAnotherOrganizationIsNotShown) and OrganizationIsolationTests.
/// </summary>
public sealed class ForgedIdTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private sealed record Victim(TestOrganization Organization, TestMember Member, Guid GroupId, Guid PolicyId, string Version, string AccountVersion);

    private async Task<Victim> OrganizationBAsync()
    {
        var organization = await _kit.Database.AddOrganizationAsync();
        await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var member = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(5));
        var groupId = Guid.NewGuid();
        var policyId = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "B's group", CreatedAt = DateTime.UtcNow });
            db.GroupMembers.Add(new GroupMember { GroupId = groupId, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
            db.Policies.Add(new Policy { Id = policyId, OrganizationId = organization.Id, Name = "B's policy", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        var version = await _kit.VersionOfAsync(member);
        var accountVersion = await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
        return new Victim(organization, member, groupId, policyId, version, accountVersion);
    }

    /// <summary>Everything about B an attack could change: the member, the account, B's feed, groups and policies.</summary>
    private Task<string> SnapshotAsync(Victim b) => _kit.Database.QueryAsync(async db =>
    {
        var membership = await db.Memberships.AsNoTracking().SingleAsync(m => m.Id == b.Member.MembershipId);
        var account = await db.Users.AsNoTracking().SingleAsync(a => a.Id == b.Member.AccountId);
        var activity = await db.Activity.CountAsync(a => a.OrganizationId == b.Organization.Id);
        var groups = await db.GroupMembers.CountAsync(g => g.MembershipId == b.Member.MembershipId);
        var policies = await db.Policies.CountAsync(p => p.OrganizationId == b.Organization.Id);
        var policyMembers = await db.PolicyMembers.CountAsync(p => p.PolicyId == b.PolicyId);
        var tokens = await db.AccountTokens.CountAsync(t => t.AccountId == b.Member.AccountId);
        return string.Join("|", membership.Version, membership.Rank, membership.IsSuspended, account.ConcurrencyStamp, account.SecurityStamp,
            account.PasswordHash, account.LockoutEnd, account.MustChangePassword, account.IsActivated, activity, groups, policies, policyMembers, tokens);
    });

    [Theory(DisplayName = "IDOR")]
    [InlineData("GET a member of another organization by id is 404", "GET", "/api/v1/members/{victim}", null)]
    [InlineData("GET a member of another organization by username is 404", "GET", "/api/v1/members/by-username/{victimName}", null)]
    [InlineData("GET a member of another organization by email is 404", "GET", "/api/v1/members/by-email/{victimEmail}", null)]
    [InlineData("PUT another organization's member's profile is 404", "PUT", "/api/v1/members/{victim}/profile", """{"firstName":"P","lastName":"W","displayName":"pwned","email":"pwned@example.org","accountVersion":"{AV}"}""")]
    [InlineData("DELETE (remove) another organization's member is 404", "DELETE", "/api/v1/members/{victim}?version={V}", null)]
    [InlineData("POST suspend on another organization's member is 404", "POST", "/api/v1/members/{victim}/suspend?version={V}", null)]
    [InlineData("POST unsuspend on another organization's member is 404", "POST", "/api/v1/members/{victim}/unsuspend?version={V}", null)]
    [InlineData("POST must-change-password on another organization's member is 404", "POST", "/api/v1/members/{victim}/must-change-password", null)]
    [InlineData("POST unlock on another organization's member is 404", "POST", "/api/v1/members/{victim}/unlock", null)]
    [InlineData("POST sign-out-everywhere on another organization's member is 404", "POST", "/api/v1/members/{victim}/sign-out-everywhere", null)]
    [InlineData("POST a temporary password for another organization's member is 404", "POST", "/api/v1/members/{victim}/password/temporary", null)]
    [InlineData("POST a reset link for another organization's member is 404", "POST", "/api/v1/members/{victim}/password/reset-link", null)]
    [InlineData("PUT rank of another organization's member is 404", "PUT", "/api/v1/members/{victim}/rank", """{"rank":"Admin","version":"{V}"}""")]
    [InlineData("PUT tag of another organization's member is 404", "PUT", "/api/v1/members/{victim}/tag", """{"tag":"User","version":"{V}"}""")]
    [InlineData("GET groups of another organization's member is 404", "GET", "/api/v1/members/{victim}/groups", null)]
    [InlineData("GET permissions of another organization's member is 404", "GET", "/api/v1/members/{victim}/permissions", null)]
    [InlineData("PUT another organization's member into its group is 404", "PUT", "/api/v1/members/{victim}/groups/{groupB}", null)]
    [InlineData("DELETE another organization's member from its group is 404", "DELETE", "/api/v1/members/{victim}/groups/{groupB}", null)]
    [InlineData("PUT one's own member into another organization's group is 404", "PUT", "/api/v1/members/{memberA}/groups/{groupB}", null)]
    [InlineData("POST activation send for another organization's member is 404", "POST", "/api/v1/members/{victim}/activation/send", null)]
    [InlineData("POST deactivate another organization's member is 404", "POST", "/api/v1/members/{victim}/deactivate", null)]
    [InlineData("POST reactivate another organization's member is 404", "POST", "/api/v1/members/{victim}/reactivate", null)]
    [InlineData("DELETE another organization's member's account is 404", "DELETE", "/api/v1/members/{victim}/account?accountVersion={AV}", null)]
    [InlineData("GET properties of another organization's member is 404", "GET", "/api/v1/members/{victim}/properties", null)]
    [InlineData("PUT properties of another organization's member is 404", "PUT", "/api/v1/members/{victim}/properties", """{"properties":[{"key":"pwned","value":"1"}],"accountVersion":"{AV}"}""")]
    [InlineData("GET devices of another organization's member is 404", "GET", "/api/v1/members/{victim}/devices", null)]
    [InlineData("PUT smartcards of another organization's member is 404", "PUT", "/api/v1/members/{victim}/smartcards", """{"smartcards":[{"number":"12345678"}],"accountVersion":"{AV}"}""")]
    [InlineData("PUT computer usernames of another organization's member is 404", "PUT", "/api/v1/members/{victim}/computer-usernames", """{"names":["pwned"],"accountVersion":"{AV}"}""")]
    [InlineData("PUT primary group of another organization's member is 404", "PUT", "/api/v1/members/{victim}/primary-group", """{"groupId":"{groupB}","version":"{V}"}""")]
    [InlineData("GET organizations of another organization's member is 404", "GET", "/api/v1/members/{victim}/organizations", null)]
    [InlineData("DELETE another organization's member from their organization is 404", "DELETE", "/api/v1/members/{victim}/organizations/{orgB}?version={V}", null)]
    [InlineData("GET activity of another organization's member is 404", "GET", "/api/v1/members/{victim}/activity", null)]
    [InlineData("PUT another organization's member onto one's own policy is 404", "PUT", "/api/v1/policies/{policyA}/members/{victim}", null)]
    [InlineData("PUT another organization's member onto its policy is 404", "PUT", "/api/v1/policies/{policyB}/members/{victim}", null)]
    [InlineData("DELETE another organization's policy is 404", "DELETE", "/api/v1/policies/{policyB}", null)]
    [InlineData("PUT another organization's group onto its policy is 404", "PUT", "/api/v1/policies/{policyB}/groups/{groupB}", null)]
    public async Task ForgedIdOfAnotherOrganization(string @case, string method, string path, string? body)
    {
        Assert.NotEmpty(@case);
        var (organizationA, superA, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var memberA = await _kit.Database.AddMemberAsync(organizationA.Id);
        var policyA = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Policies.Add(new Policy { Id = policyA, OrganizationId = organizationA.Id, Name = "A's policy", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        var b = await OrganizationBAsync();
        string Fill(string text) => text
            .Replace("{victimName}", b.Member.UserName, StringComparison.Ordinal)
            .Replace("{victimEmail}", Uri.EscapeDataString($"{b.Member.UserName}@portal.test"), StringComparison.Ordinal)
            .Replace("{victim}", b.Member.AccountId.ToString(), StringComparison.Ordinal)
            .Replace("{memberA}", memberA.AccountId.ToString(), StringComparison.Ordinal)
            .Replace("{groupB}", b.GroupId.ToString(), StringComparison.Ordinal)
            .Replace("{policyA}", policyA.ToString(), StringComparison.Ordinal)
            .Replace("{policyB}", b.PolicyId.ToString(), StringComparison.Ordinal)
            .Replace("{orgB}", b.Organization.Id.ToString(), StringComparison.Ordinal)
            .Replace("{AV}", Uri.EscapeDataString(b.AccountVersion), StringComparison.Ordinal)
            .Replace("{V}", Uri.EscapeDataString(b.Version), StringComparison.Ordinal);
        var before = await SnapshotAsync(b);
        using var client = _kit.Client(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
        if (body is not null)
        {
            request.Content = new StringContent(Fill(body).Replace(Uri.EscapeDataString(b.AccountVersion), b.AccountVersion, StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(b.Version), b.Version, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        await ApiTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(before, await SnapshotAsync(b));
        Assert.DoesNotContain(await _kit.ActivityAsync(organizationA.Id), r => r.TargetAccountId == b.Member.AccountId);
        Assert.NotEqual(superA.AccountId, b.Member.AccountId);
    }
}
