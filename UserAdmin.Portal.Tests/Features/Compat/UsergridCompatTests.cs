using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>Usergrid's admin-user examples, replayed with <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public sealed class UsergridCompatTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string StrongPassword = "copper-meadow-lantern-17";
    private readonly ApiTestKit _kit = new(app);

    /// <summary>As <c>curl -d '{…}'</c> sends it: JSON labelled as a form.</summary>
    private static StringContent Curl(string json) => new(json, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static async Task<JsonElement> OkEnvelopeAsync(HttpResponseMessage response, string action)
    {
        await ApiTestKit.AssertOkAsync(response);
        var body = await ApiTestKit.ReadJsonAsync(response);
        Assert.Equal(action, body.GetProperty("action").GetString());
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("timestamp").GetInt64() > 1_600_000_000_000);
        Assert.True(body.GetProperty("duration").GetInt64() >= 0);
        return body;
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.DoesNotContain("<html", text, StringComparison.OrdinalIgnoreCase);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
        return body;
    }

    private async Task<(TestOrganization Organization, TestMember Admin, HttpClient Client)> AdminAsync(MemberRank rank = MemberRank.Admin)
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(rank);
        return (organization, admin, _kit.Client(key, "Bearer"));
    }

    [Fact]
    public async Task TheDocumentedCreateGetAndUpdateWorkAndExtraPropertiesBecomeCustomProperties()
    {
        var (organization, _, client) = await AdminAsync();

        var created = await OkEnvelopeAsync(await client.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"jim.admin","name":"Jim Admin","email":"jim.admin@gmail.com","password":"{{StrongPassword}}"}""")), "post");
        var user = created.GetProperty("data").GetProperty("user");
        Assert.Equal(("jim.admin", "Jim Admin", "jim.admin@gmail.com", true), (user.GetProperty("username").GetString(), user.GetProperty("name").GetString(), user.GetProperty("email").GetString(), user.GetProperty("adminUser").GetBoolean()));
        var uuid = user.GetProperty("uuid").GetGuid();

        var updated = await OkEnvelopeAsync(await client.PutAsync($"/management/organizations/{organization.Name}/users/jim.admin",
            Curl("""{"city":"San Francisco","state":"California"}""")), "update user info");
        Assert.False(updated.TryGetProperty("data", out _));

        foreach (var identifier in new[] { "jim.admin", "jim.admin@gmail.com", uuid.ToString() })
        {
            var got = await OkEnvelopeAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{identifier}"), "get admin user");
            Assert.Equal("San Francisco", got.GetProperty("data").GetProperty("city").GetString());
            Assert.Equal(uuid, got.GetProperty("data").GetProperty("uuid").GetGuid());
        }

        var properties = await _kit.Database.QueryAsync(db => db.CustomProperties.Where(p => p.AccountId == uuid).OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value).ToListAsync());
        Assert.Equal(["city=San Francisco", "state=California"], properties);
        var verbs = (await _kit.ActivityAsync(organization.Id)).Where(r => r.TargetAccountId == uuid).Select(r => r.Verb).ToList();
        Assert.Contains("member.created", verbs);
        Assert.Contains("member.properties_updated", verbs);
    }

    [Theory]
    [InlineData("test12345")]
    [InlineData("foobar")]
    public async Task TheDocumentsWeakPasswordsAreRefusedByThePortalsRulesInTheErrorEnvelopeWithTheRule(string password)
    {
        var organization = await _kit.Database.AddOrganizationAsync();
        var admin = await _kit.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, StrongPassword, MemberRank.Admin);
        using var client = _kit.Client(await _kit.KeyForAsync(admin), "Bearer");
        var before = (await _kit.ActivityAsync(organization.Id)).Count;

        // The documented body with a fresh username: the example's jim.admin is created by another test here.
        var userName = TestData.UniqueName("jim").Replace('-', '.');
        var created = await ErrorAsync(await client.PostAsync($"/management/organizations/{organization.Name}/users",
            Curl($$"""{"username":"{{userName}}","name":"Jim Admin","email":"{{userName}}@gmail.com","password":"{{password}}"}""")), HttpStatusCode.BadRequest, "illegal_argument");
        var changed = await ErrorAsync(await client.PutAsync($"/management/users/{admin.UserName}/password",
            Curl($$"""{"oldpassword":"{{StrongPassword}}", "newpassword":"{{password}}"}""")), HttpStatusCode.BadRequest, "illegal_argument");

        foreach (var refusal in new[] { created, changed })
        {
            var description = refusal.GetProperty("error_description").GetString()!;
            Assert.True(description.Contains("at least 12", StringComparison.OrdinalIgnoreCase), description);
        }

        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == userName)));
        Assert.Equal(before, (await _kit.ActivityAsync(organization.Id)).Count);
    }

    [Fact]
    public async Task AnAdminSetsTheirOwnPasswordWithTheOldOneButNotSomeoneElses()
    {
        var organization = await _kit.Database.AddOrganizationAsync();
        var admin = await _kit.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, StrongPassword, MemberRank.Admin);
        var other = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(await _kit.KeyForAsync(admin), "Bearer");

        await ErrorAsync(await client.PutAsync($"/management/users/{admin.UserName}/password", Curl($$"""{"oldpassword":"wrong-old-password-1","newpassword":"mynewpassword-quartz-9"}""")), HttpStatusCode.BadRequest, "illegal_argument");
        await OkEnvelopeAsync(await client.PutAsync($"/management/users/{admin.UserName}/password", Curl($$"""{"oldpassword":"{{StrongPassword}}", "newpassword":"mynewpassword-quartz-9"}""")), "set user password");
        await ErrorAsync(await client.PutAsync($"/management/users/{other.UserName}/password", Curl("""{"oldpassword":"a","newpassword":"mynewpassword-quartz-9"}""")), HttpStatusCode.Forbidden, "forbidden");

        Assert.Contains(await _kit.ActivityAsync(organization.Id), r => r.TargetAccountId == admin.AccountId && r.Verb.Contains("password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheResetRequestAnswersTheSameWhetherOrNotTheAddressExists()
    {
        var (organization, admin, client) = await AdminAsync();

        var form = await OkEnvelopeAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/resetpw"), "reset user password form");
        Assert.EndsWith("/Account/ForgotPassword", form.GetProperty("data").GetProperty("form").GetString(), StringComparison.Ordinal);
        const string challenge = "\"recaptcha_response_field\":\"Atistophanes tseFia\",\"recaptcha_challenge_field\":\"Atistophanes tseFia\",";
        await OkEnvelopeAsync(await client.PostAsync($"/management/organizations/{organization.Name}/users/resetpw", Curl("{" + challenge + $"\"email\":\"{admin.UserName}@portal.test\"}}")), "reset user password");
        await OkEnvelopeAsync(await client.PostAsync($"/management/organizations/{organization.Name}/users/resetpw", Curl("{" + challenge + "\"email\":\"nobody@example.org\"}")), "reset user password");
        await ErrorAsync(await client.PostAsync($"/management/organizations/{organization.Name}/users/resetpw", Curl("{}")), HttpStatusCode.BadRequest, "illegal_argument");
    }

    [Fact]
    public async Task WithoutAKeyTheResetRoutesAnswer401InTheEnvelopeNamingThePortalsResetForm()
    {
        var (organization, admin, _) = await AdminAsync();
        using var anonymous = _kit.Client(null);
        var resetpw = $"/management/organizations/{organization.Name}/users/resetpw";
        var before = (await _kit.ActivityAsync(organization.Id)).Count;

        var requested = await ErrorAsync(await anonymous.PostAsync(resetpw, Curl($$"""{"email":"{{admin.UserName}}@portal.test"}""")), HttpStatusCode.Unauthorized, "unauthorized");
        var form = await ErrorAsync(await anonymous.GetAsync(resetpw), HttpStatusCode.Unauthorized, "unauthorized");
        var elsewhere = await ErrorAsync(await anonymous.GetAsync($"/management/organizations/{organization.Name}/users/{admin.UserName}"), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Contains("http://localhost/Account/ForgotPassword", requested.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Contains("http://localhost/Account/ForgotPassword", form.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ForgotPassword", elsewhere.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await _kit.ActivityAsync(organization.Id)).Count);
    }

    [Fact]
    public async Task ActivationNeedsAUsableTokenAndReactivateResendsTheLinkOfAPendingUser()
    {
        var (organization, _, client) = await AdminAsync();
        var pending = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);

        await ErrorAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{pending.UserName}/activate?token=33dd0563-cd0c-11e1-bcf7-12313d1c4491&password={StrongPassword}"), HttpStatusCode.BadRequest, "illegal_argument");
        // The documented request carries no password: it goes on to the portal's activation page, which refuses this token.
        using var documented = await client.GetAsync($"/management/organizations/{organization.Name}/users/{pending.UserName}/activate?token=33dd0563-cd0c-11e1-bcf7-12313d1c4491");
        Assert.Equal("/Account/Activate", documented.RedirectTarget());
        await OkEnvelopeAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{pending.UserName}/reactivate"), "reactivate user");

        Assert.Contains(await _kit.ActivityAsync(organization.Id), r => r.TargetAccountId == pending.AccountId && r.Verb == "member.activation_sent");
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == pending.AccountId).Select(a => a.IsActivated).SingleAsync()));
    }

    [Fact]
    public async Task TheFeedListsTheUsersActivityAsUsergridActivities()
    {
        var (organization, admin, client) = await AdminAsync();
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var api = _kit.Client(await _kit.KeyForAsync(admin));
        await ApiTestKit.AssertOkAsync(await api.PostAsync($"/api/v1/members/{target.AccountId}/suspend", null));
        await ApiTestKit.AssertOkAsync(await api.PostAsync($"/api/v1/members/{target.AccountId}/unsuspend", null));

        var feed = await OkEnvelopeAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{target.UserName}/feed?limit=1"), "get admin user feed");
        var entity = Assert.Single(feed.GetProperty("entities").EnumerateArray());
        var older = await OkEnvelopeAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{target.UserName}/feed?limit=5&cursor={feed.GetProperty("cursor").GetString()}"), "get admin user feed");

        Assert.Equal(("activity", "member.unsuspended", admin.UserName, "person"), (entity.GetProperty("type").GetString(), entity.GetProperty("verb").GetString(),
            entity.GetProperty("actor").GetProperty("displayName").GetString(), entity.GetProperty("actor").GetProperty("objectType").GetString()));
        Assert.Contains("suspended", entity.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(entity.GetProperty("published").GetInt64() > 1_600_000_000_000);
        Assert.Contains(older.GetProperty("entities").EnumerateArray(), e => e.GetProperty("verb").GetString() == "member.suspended");
    }

    [Fact]
    public async Task ASuperAddsListsAndRemovesOrganizationMemberships()
    {
        var (organization, _, client) = await AdminAsync(MemberRank.Super);
        var other = await _kit.Database.AddOrganizationAsync();
        var outsider = await _kit.Database.AddMemberAsync(other.Id);

        await OkEnvelopeAsync(await client.PutAsync($"/management/users/{outsider.UserName}/orgs/{organization.Name}", null), "add user to organization");
        var listed = await OkEnvelopeAsync(await client.GetAsync($"/management/users/{outsider.UserName}/orgs"), "get organizations for user");
        Assert.Equal(organization.Id, listed.GetProperty("data").GetProperty(organization.Name).GetGuid());
        Assert.Equal(other.Id, listed.GetProperty("data").GetProperty(other.Name).GetGuid());
        await OkEnvelopeAsync(await client.DeleteAsync($"/management/users/{outsider.UserName}/orgs/{organization.Name}"), "remove user from organization");

        Assert.False(await _kit.Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.AccountId == outsider.AccountId)));
        var verbs = (await _kit.ActivityAsync(organization.Id)).Where(r => r.TargetAccountId == outsider.AccountId).Select(r => r.Verb).ToList();
        Assert.Equal(2, verbs.Count);
    }

    [Fact]
    public async Task TheRefusalsComeInTheErrorEnvelope()
    {
        var (organization, admin, client) = await AdminAsync();
        var elsewhere = await _kit.Database.AddOrganizationAsync();
        var stranger = await _kit.Database.AddMemberAsync(elsewhere.Id);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        using var anonymous = _kit.Client(null);
        using var readOnly = _kit.Client(await _kit.KeyForAsync(admin, ApiKeyScope.ReadOnly), "Bearer");
        using var apiKeyForm = _kit.Client(await _kit.KeyForAsync(admin), "ApiKey");

        await ErrorAsync(await anonymous.GetAsync($"/management/organizations/{organization.Name}/users/{admin.UserName}"), HttpStatusCode.Unauthorized, "unauthorized");
        await ErrorAsync(await readOnly.PutAsync($"/management/organizations/{organization.Name}/users/{admin.UserName}", Curl("""{"city":"Oslo"}""")), HttpStatusCode.Forbidden, "forbidden");
        await OkEnvelopeAsync(await apiKeyForm.GetAsync($"/management/organizations/{organization.Name}/users/{admin.UserName}"), "get admin user");
        await ErrorAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{stranger.UserName}"), HttpStatusCode.NotFound, "service_resource_not_found");
        await ErrorAsync(await client.GetAsync($"/management/organizations/{elsewhere.Name}/users/{stranger.UserName}"), HttpStatusCode.NotFound, "service_resource_not_found");
        await ErrorAsync(await client.PutAsync($"/management/organizations/{organization.Name}/users/{super.UserName}", Curl("""{"city":"Oslo"}""")), HttpStatusCode.Forbidden, "forbidden");
        await ErrorAsync(await client.GetAsync($"/management/users/{admin.UserName}/orgs"), HttpStatusCode.Forbidden, "forbidden");
        await ErrorAsync(await client.GetAsync("/management/no/such/thing"), HttpStatusCode.NotFound, "service_resource_not_found");

        await _kit.Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.AccountId == admin.AccountId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow)));
        await ErrorAsync(await client.GetAsync($"/management/organizations/{organization.Name}/users/{admin.UserName}"), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.False(await _kit.Database.QueryAsync(db => db.CustomProperties.AnyAsync(p => p.AccountId == super.AccountId)));
    }

    [Fact]
    public async Task AUserWithoutEmailIsCreatedWithAPasswordAndAnEmptyEmailRemovesAnAddress()
    {
        var (organization, _, client) = await AdminAsync();
        var users = $"/management/organizations/{organization.Name}/users";
        var userName = TestData.UniqueName("kiosk");

        var created = await OkEnvelopeAsync(await client.PostAsync(users, Curl($$"""{"username":"{{userName}}","name":"Lab Kiosk","password":"{{StrongPassword}}"}""")), "post");
        var user = created.GetProperty("data").GetProperty("user");
        Assert.Equal(JsonValueKind.Null, user.GetProperty("email").ValueKind);
        Assert.Equal(userName, user.GetProperty("displayEmailAddress").GetString());
        await ErrorAsync(await client.PostAsync(users, Curl($$"""{"username":"{{userName}}x","name":"No Way In"}""")), HttpStatusCode.BadRequest, "illegal_argument");
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == userName + "x")));

        var withAddress = await _kit.Database.AddMemberAsync(organization.Id);
        await OkEnvelopeAsync(await client.PutAsync($"{users}/{withAddress.UserName}", Curl("""{"email":""}""")), "update user info");
        var fetched = await OkEnvelopeAsync(await client.GetAsync($"{users}/{withAddress.UserName}"), "get admin user");
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("data").GetProperty("email").ValueKind);
    }
}
