using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

/// <summary>
/// Through the real app over HTTP (cookie, antiforgery, prerendered pages): an admin of organization A reaches
/// nothing of organization B by its ids, and cannot make the session act in B. Service-level counterparts are in
/// PolicyServiceTests and OrganizationMembershipServiceTests.
/// </summary>
public sealed class OrganizationIsolationTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Password = "quiet-meadow-copper-58";

    [Fact]
    public async Task AMemberGroupOrPolicyOfAnotherOrganizationIsNotFoundByItsId()
    {
        var (a, b) = await TwoOrganizationsAsync();
        using var client = await SignedInAsync(a.Admin);

        var member = await client.GetStringAsync($"/users/{b.Member.AccountId}");
        var group = await client.GetStringAsync($"/groups/{b.GroupId}");
        var policy = await client.GetStringAsync($"/policies/{b.PolicyId}");

        Assert.Contains("There is no such member in this organization.", member, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Member.UserName, member, StringComparison.Ordinal);
        Assert.Contains("There is no such group in this organization.", group, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Name, group, StringComparison.Ordinal);
        Assert.Contains("There is no such policy in this organization.", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Name, policy, StringComparison.Ordinal);

        // The same pages do show organization A's own rows: the refusals above are about the organization.
        Assert.Contains(a.Member.UserName, await client.GetStringAsync($"/users/{a.Member.AccountId}"), StringComparison.Ordinal);
        Assert.Contains(a.Name, await client.GetStringAsync($"/groups/{a.GroupId}"), StringComparison.Ordinal);
        Assert.Contains(a.Name, await client.GetStringAsync($"/policies/{a.PolicyId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACraftedSwitchToAnOrganizationTheAccountIsNotInIsRefusedAndTheSessionStaysWhereItWas()
    {
        var (a, b) = await TwoOrganizationsAsync();
        using var client = await SignedInAsync(a.Admin);
        var dashboard = await client.GetStringAsync("/");

        using var response = await SwitchAsync(client, dashboard, b.OrganizationId, $"/users/{b.Member.AccountId}");

        Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget(), StringComparison.Ordinal);
        Assert.Contains("There is no such member in this organization.", await client.GetStringAsync($"/users/{b.Member.AccountId}"), StringComparison.Ordinal);
        Assert.Contains(a.DisplayName, await client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchingToAnotherOrganizationOfTheAccountShowsItsMembersAndNoLongerTheFirstOnes()
    {
        var (a, b) = await TwoOrganizationsAsync();
        await app.Database.AddMembershipAsync(b.OrganizationId, a.Admin.AccountId, MemberRank.Admin);
        using var client = await SignedInAsync(a.Admin);

        using var response = await SwitchAsync(client, await client.GetStringAsync("/"), b.OrganizationId, "/organizations");

        Assert.Equal("/organizations", response.RedirectTarget());
        Assert.Contains(b.Member.UserName, await client.GetStringAsync($"/users/{b.Member.AccountId}"), StringComparison.Ordinal);
        Assert.Contains("There is no such member in this organization.", await client.GetStringAsync($"/users/{a.Member.AccountId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionInAnOrganizationTheAccountIsRemovedFromLosesItAtTheNextRequest()
    {
        var (a, b) = await TwoOrganizationsAsync();
        var inB = await app.Database.AddMembershipAsync(b.OrganizationId, a.Admin.AccountId, MemberRank.Admin);
        using var client = await SignedInAsync(a.Admin);
        using var switched = await SwitchAsync(client, await client.GetStringAsync("/"), b.OrganizationId, "/");
        Assert.Equal("/", switched.RedirectTarget());

        await app.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == inB.MembershipId).ExecuteDeleteAsync());

        using var page = await client.GetAsync($"/users/{b.Member.AccountId}");
        Assert.StartsWith("/Account/AccessDenied", page.RedirectTarget(), StringComparison.Ordinal);

        // The way out: the organizations page still opens and offers the organization the account is still in.
        var organizations = await client.GetStringAsync("/organizations");
        Assert.Contains($"value=\"{a.OrganizationId}\"", organizations, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{b.OrganizationId}\"", organizations, StringComparison.Ordinal);
        using var back = await SwitchAsync(client, organizations, a.OrganizationId, "/");
        Assert.Equal("/", back.RedirectTarget());
        Assert.Contains(a.Member.UserName, await client.GetStringAsync($"/users/{a.Member.AccountId}"), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SwitchAsync(HttpClient client, string page, Guid organizationId, string returnUrl) =>
        client.PostAsync("/Account/SwitchOrganization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [PortalHttp.AntiforgeryField] = PortalHttp.ReadAntiforgeryToken(page),
            ["organizationId"] = organizationId.ToString(),
            ["returnUrl"] = returnUrl,
        }));

    private async Task<HttpClient> SignedInAsync(TestMember admin)
    {
        var client = app.CreateBrowser();
        using var signIn = await client.SignInAsync(admin.UserName, Password);
        Assert.Equal("/", signIn.RedirectTarget());
        return client;
    }

    private async Task<(Seeded A, Seeded B)> TwoOrganizationsAsync() => (await SeedAsync(), await SeedAsync());

    /// <summary>An organization with a SUPER (who can sign in), a member, and a group and a policy named alike.</summary>
    private async Task<Seeded> SeedAsync()
    {
        var organization = await app.Database.AddOrganizationAsync(TestData.UniqueName("Org"));
        var admin = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password, MemberRank.Super);
        var member = await app.Database.AddMemberAsync(organization.Id);
        var name = TestData.UniqueName("secret");
        var groupId = Guid.NewGuid();
        var policyId = Guid.NewGuid();
        await app.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = name, CreatedAt = DateTime.UtcNow });
            db.Policies.Add(new Policy { Id = policyId, OrganizationId = organization.Id, Name = name, CreatedAt = DateTime.UtcNow, Members = [new PolicyMember { MembershipId = member.MembershipId }] });
            return Task.CompletedTask;
        });
        return new Seeded(organization.Id, organization.DisplayName, admin, member, groupId, policyId, name);
    }

    private sealed record Seeded(Guid OrganizationId, string DisplayName, TestMember Admin, TestMember Member, Guid GroupId, Guid PolicyId, string Name);
}
