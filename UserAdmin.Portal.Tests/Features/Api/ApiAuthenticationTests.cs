using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Who may call the API: the key, its scope, its owner's standing now, and that the cookie is never enough.</summary>
public sealed class ApiAuthenticationTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401WithAnApiKeyChallengeAndAProblem()
    {
        using var client = _kit.Client(null);

        using var response = await client.GetAsync("/api/v1/members");

        await ApiTestKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task TheSignInCookieIsNotAcceptedByTheApi()
    {
        const string password = "amber-lantern-river-42";
        var organization = await _kit.Database.AddOrganizationAsync();
        var admin = await _kit.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, password, MemberRank.Super);
        using var browser = app.CreateBrowser();
        using var signIn = await browser.SignInAsync(admin.UserName, password);
        Assert.Equal("/", signIn.RedirectTarget());

        using var read = await browser.GetAsync("/api/v1/members");
        using var write = await browser.PostAsync($"/api/v1/members/{admin.AccountId}/must-change-password", null);

        await ApiTestKit.AssertProblemAsync(read, HttpStatusCode.Unauthorized);
        await ApiTestKit.AssertProblemAsync(write, HttpStatusCode.Unauthorized);
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == admin.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
    }

    [Fact]
    public async Task TheCompatibilityFormNamesTheOwnerInAnyCaseOfTheSchemeName()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        using var right = _kit.Client($"{member.UserName}:{key}", "apikey");
        using var wrong = _kit.Client($"someone-else:{key}", "APIKEY");

        await ApiTestKit.AssertOkAsync(await right.GetAsync($"/api/v1/members/{member.AccountId}"));
        await ApiTestKit.AssertProblemAsync(await wrong.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnUnknownKeyOrAnotherSchemeIs401()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        using var wrongSecret = _kit.Client(key[..^6] + "abcdef");
        using var bearer = _kit.Client(key, "Bearer");

        await ApiTestKit.AssertProblemAsync(await wrongSecret.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);
        await ApiTestKit.AssertProblemAsync(await bearer.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ARevokedKeyIs401()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        await _kit.Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.AccountId == member.AccountId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow)));
        using var client = _kit.Client(key);

        var problem = await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);

        Assert.Equal("This API key has been revoked.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnExpiredKeyIs401()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        await _kit.Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.AccountId == member.AccountId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AKeyWhoseOwnerWasSuspendedAfterItsCreationIs401()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsSuspended, true)));
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/{member.AccountId}"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AKeyWhoseOwnerWasDemotedAfterItsCreationCannotDoWhatOnlyAnAdminMay()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        await ApiTestKit.AssertOkAsync(await client.PostAsync($"/api/v1/members/{target.AccountId}/suspend", null));
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == admin.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Rank, MemberRank.Regular)));

        await ApiTestKit.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{target.AccountId}/unsuspend", null), HttpStatusCode.Forbidden);

        Assert.Equal(["api_key.created", "member.suspended"], (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb));
    }

    [Fact]
    public async Task AReadOnlyKeyReadsButEveryWriteIs403()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super, ApiKeyScope.ReadOnly);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertOkAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}"));
        var problem = await ApiTestKit.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{target.AccountId}/suspend", null), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}?version=x"), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertProblemAsync(await client.PostAsync("/api/v1/groups", Json("""{"name":"x"}""")), HttpStatusCode.Forbidden);

        Assert.Contains("read-only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["api_key.created"], (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb));
    }

    [Fact]
    public async Task AMemberOfAnotherOrganizationIsNotFound()
    {
        var (_, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var elsewhere = await _kit.Database.AddOrganizationAsync();
        var stranger = await _kit.Database.AddMemberAsync(elsewhere.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/{stranger.AccountId}"), HttpStatusCode.NotFound);
        await ApiTestKit.AssertProblemAsync(await client.GetAsync($"/api/v1/members/by-username/{stranger.UserName}"), HttpStatusCode.NotFound);
        await ApiTestKit.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{stranger.AccountId}/suspend", null), HttpStatusCode.NotFound);
        Assert.Empty(await _kit.ActivityAsync(elsewhere.Id));
    }

    [Fact]
    public async Task AnAdminCannotActOnASuperAndARegularMemberCannotList()
    {
        var (organization, _, adminKey) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var regular = await _kit.Database.AddMemberAsync(organization.Id);
        using var admin = _kit.Client(adminKey);
        using var plain = _kit.Client(await _kit.KeyForAsync(regular));

        await ApiTestKit.AssertProblemAsync(await admin.PostAsync($"/api/v1/members/{super.AccountId}/suspend", null), HttpStatusCode.Forbidden);
        await ApiTestKit.AssertProblemAsync(await plain.GetAsync("/api/v1/members"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ErrorsOutsideTheServicesAreProblemsToo()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertProblemAsync(await client.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await ApiTestKit.AssertProblemAsync(await client.PostAsync("/api/v1/members", Json("{ not json")), HttpStatusCode.BadRequest);
        var unknown = await ApiTestKit.AssertProblemAsync(await client.PostAsync("/api/v1/groups", Json("""{"name":"Ops","colour":"red"}""")), HttpStatusCode.BadRequest);
        await ApiTestKit.AssertProblemAsync(await client.PostAsync("/api/v1/groups", Json($$"""{"name":"{{new string('x', 70_000)}}"}""")), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("colour", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["api_key.created"], (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb));
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
