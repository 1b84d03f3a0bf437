using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>Allthenticate's users endpoints, with the documented parameters, against the portal.</summary>
public sealed class AllthenticateCompatTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Base = "/compat/allthenticate";
    private readonly ApiTestKit _kit = new(app);

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        await ApiTestKit.AssertOkAsync(response);
        return await ApiTestKit.ReadJsonAsync(response);
    }

    private static async Task<string> SuccessAsync(HttpResponseMessage response) =>
        (await OkAsync(response)).GetProperty("success").GetString()!;

    private static async Task ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()));
    }

    private static JsonContent Body(object value) => JsonContent.Create(value);

    [Fact]
    public async Task ComputerUsernamesAndSmartcardsAreReplacedAsWholeListsAndRead()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await SuccessAsync(await client.PostAsync($"{Base}/modifyallusernames", Body(new { email_id = target.MembershipId, computer_usernames = new[] { new { computer_username = "jdeveloper" } } })));
        await SuccessAsync(await client.PostAsync($"{Base}/modifysmartcard", Body(new { email_id = target.MembershipId, smartcards = new[] { new { number = "123456", label = "Test" } } })));
        var other = await _kit.Database.AddMemberAsync(organization.Id);
        await ErrorAsync(await client.PostAsync($"{Base}/modifysmartcard", Body(new { email_id = other.MembershipId, smartcards = new[] { new { number = "123456" } } })), HttpStatusCode.BadRequest);
        // A form post with the list serialized as JSON, as the documentation describes it.
        await SuccessAsync(await client.PostAsync($"{Base}/modifysmartcard", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email_id"] = other.MembershipId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["smartcards"] = """[{"number": "123456"}]""",
            ["allow_duplicates"] = "true",
        })));

        var cards = await OkAsync(await client.GetAsync($"{Base}/modifysmartcard?email_id={target.MembershipId}"));
        Assert.Equal(target.MembershipId, cards.GetProperty("email_id").GetInt64());
        var card = Assert.Single(cards.GetProperty("smartcards").EnumerateArray());
        Assert.Equal(("Test", "123456"), (card.GetProperty("label").GetString(), card.GetProperty("number").GetString()));
        var user = await OkAsync(await client.GetAsync($"{Base}/user?email_id={target.MembershipId}"));
        Assert.Equal(["jdeveloper"], user.GetProperty("computer_usernames").EnumerateArray().Select(e => e.GetString()));
        Assert.Single(user.GetProperty("smartcards").EnumerateArray());

        await SuccessAsync(await client.PostAsync($"{Base}/modifyallusernames", Body(new { email_id = target.MembershipId, computer_usernames = Array.Empty<object>() })));
        Assert.False(await _kit.Database.QueryAsync(db => db.ComputerUsernames.AnyAsync(c => c.AccountId == target.AccountId)));
        var verbs = (await _kit.ActivityAsync(organization.Id)).Where(r => r.TargetAccountId == target.AccountId).Select(r => r.Verb).ToList();
        Assert.Equal(["member.computer_usernames_replaced", "member.smartcards_replaced", "member.computer_usernames_replaced"], verbs);
    }

    [Fact]
    public async Task RankGuestsAndSuspensionChangeThroughTheServices()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var guest = await _kit.Database.AddMemberAsync(organization.Id);
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == guest.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        using var client = _kit.Client(key);

        await SuccessAsync(await client.PostAsync($"{Base}/modifyrank", Body(new { admin_user_id = target.MembershipId, rank = "ADMIN" })));
        await ErrorAsync(await client.PostAsync($"{Base}/modifyrank", Body(new { admin_user_id = target.MembershipId, rank = "OWNER" })), HttpStatusCode.BadRequest);
        var guests = await OkAsync(await client.GetAsync($"{Base}/multipleusers?user_tag=GUEST&email=true"));
        var listedGuest = Assert.Single(guests.EnumerateArray());
        Assert.Equal(guest.MembershipId, listedGuest.GetProperty("user_id").GetInt64());
        Assert.Equal(guest.MembershipId, listedGuest.GetProperty("email_id").GetInt64());
        Assert.Contains($"({guest.UserName}@portal.test)", listedGuest.GetProperty("name").GetString(), StringComparison.Ordinal);
        await SuccessAsync(await client.PostAsync($"{Base}/promoteguest", Body(new { email_id = guest.MembershipId })));
        Assert.Contains("SUSPENDED", await SuccessAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { email_id = target.MembershipId }))), StringComparison.Ordinal);
        Assert.Contains("ACTIVE", await SuccessAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { email_id = target.MembershipId }))), StringComparison.Ordinal);

        var users = (await OkAsync(await client.GetAsync($"{Base}/multipleusers"))).EnumerateArray().ToList();
        Assert.Equal(3, users.Count);
        var listed = users.Single(u => u.GetProperty("user_id").GetInt64() == target.MembershipId);
        foreach (var field in new[] { "ad_status", "active_date", "confirmed", "created", "device_added", "email", "email_id", "email_status", "first_name", "groups", "last_name", "name", "user_id", "username", "unique_id" })
        {
            Assert.True(listed.TryGetProperty(field, out _), $"multipleusers lacks {field}");
        }

        Assert.Equal(MemberRank.Admin, await _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).Select(m => m.Rank).SingleAsync()));
        var verbs = (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb).Where(v => v.StartsWith("member.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["member.rank_changed", "member.promoted", "member.suspended", "member.unsuspended"], verbs);
    }

    [Fact]
    public async Task DeletingAUserRemovesThemFromTheOrganizationOnlyAndTheUserViewShowsPolicies()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var byEmail = await _kit.Database.AddMemberAsync(organization.Id);
        var policies = app.Services.GetRequiredService<PolicyService>();
        var policy = await policies.CreateAsync(admin.Actor, "test_policy", "");
        Assert.True((await policies.SetMemberAsync(admin.Actor, policy.Value, target.AccountId, true)).Succeeded);
        using var client = _kit.Client(key);

        var user = await OkAsync(await client.GetAsync($"{Base}/user?email_id={target.MembershipId}"));
        Assert.Equal("test_policy", user.GetProperty("policies")[0][0].GetString());
        var message = await SuccessAsync(await client.DeleteAsync($"{Base}/user?email_id={target.MembershipId}"));
        Assert.Equal($"User {target.UserName}@portal.test/{target.UserName} was successfully deleted from your organization.", message);
        await SuccessAsync(await client.DeleteAsync($"{Base}/user?email={byEmail.UserName}@portal.test"));

        Assert.True(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == target.AccountId)));
        Assert.False(await _kit.Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.Id == target.MembershipId || m.Id == byEmail.MembershipId)));
        Assert.False(await _kit.Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == policy.Value)));
        Assert.Equal(2, (await _kit.ActivityAsync(organization.Id)).Count(r => r.Verb == "member.removed"));
    }

    [Fact]
    public async Task TheDocumentedFormExamplesWorkWithTextValues()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        using var client = _kit.Client(key);
        var id = target.MembershipId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

        // curl -d email_id=1 --data-urlencode 'smartcards=[…]' -d allow_duplicates=false, then -d email_id=1 on the others.
        await SuccessAsync(await client.PostAsync($"{Base}/modifysmartcard", Form(("email_id", id), ("smartcards", """[{"number": "123456", "label": "Test"}]"""), ("allow_duplicates", "false"))));
        await SuccessAsync(await client.PostAsync($"{Base}/promoteguest", Form(("email_id", id))));
        Assert.Contains("SUSPENDED", await SuccessAsync(await client.PostAsync($"{Base}/togglesuspension", Form(("email_id", id)))), StringComparison.Ordinal);

        var membership = await _kit.Database.QueryAsync(db => db.Memberships.SingleAsync(m => m.Id == target.MembershipId));
        Assert.Equal((MemberTag.User, true), (membership.Tag, membership.IsSuspended));
        Assert.Equal("123456", await _kit.Database.QueryAsync(db => db.Smartcards.Where(c => c.AccountId == target.AccountId).Select(c => c.Number).SingleAsync()));
    }

    [Fact]
    public async Task AModifyrankNamingAdminUserIdTwiceIsRefusedAndNeitherMemberChanges()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var first = await _kit.Database.AddMemberAsync(organization.Id);
        var last = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        using var response = await client.PostAsync($"{Base}/modifyrank", new StringContent(
            $$"""{"admin_user_id": {{first.MembershipId}}, "admin_user_id": {{last.MembershipId}}, "rank": "ADMIN"}""", System.Text.Encoding.UTF8, "application/json"));

        await ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("'admin_user_id' more than once", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([MemberRank.Regular, MemberRank.Regular], await _kit.Database.QueryAsync(db =>
            db.Memberships.Where(m => m.Id == first.MembershipId || m.Id == last.MembershipId).Select(m => m.Rank).ToListAsync()));
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.rank_changed");
    }

    [Fact]
    public async Task TheRefusalsAreErrorsInAllthenticatesShape()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var stranger = await _kit.Database.AddMemberAsync((await _kit.Database.AddOrganizationAsync()).Id);
        using var anonymous = _kit.Client(null);
        using var readOnly = _kit.Client(await _kit.KeyForAsync(admin, ApiKeyScope.ReadOnly));
        using var client = _kit.Client(key);

        await ErrorAsync(await anonymous.GetAsync($"{Base}/multipleusers"), HttpStatusCode.Unauthorized);
        await ErrorAsync(await readOnly.PostAsync($"{Base}/togglesuspension", Body(new { email_id = super.MembershipId })), HttpStatusCode.Forbidden);
        await ErrorAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { email_id = stranger.MembershipId })), HttpStatusCode.BadRequest);
        await ErrorAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { email_id = super.MembershipId })), HttpStatusCode.Forbidden);
        await ErrorAsync(await client.PostAsync($"{Base}/modifyrank", Body(new { admin_user_id = super.MembershipId, rank = "REGULAR" })), HttpStatusCode.Forbidden);
        await ErrorAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { })), HttpStatusCode.BadRequest);
        await ErrorAsync(await client.GetAsync($"{Base}/nosuchthing"), HttpStatusCode.NotFound);

        await _kit.Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.AccountId == admin.AccountId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow)));
        await ErrorAsync(await client.GetAsync($"{Base}/multipleusers"), HttpStatusCode.Unauthorized);
        Assert.False(await _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == super.MembershipId).Select(m => m.IsSuspended).SingleAsync()));
    }

    [Fact]
    public async Task AMemberWithoutEmailIsListedWithANullEmailAndNamedByUsername()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var kiosk = await _kit.Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.Email = null;
            a.NormalizedEmail = null;
            a.EmailConfirmed = false;
            a.DisplayName = "Lab Kiosk";
        });
        using var client = _kit.Client(key);

        var listed = (await OkAsync(await client.GetAsync($"{Base}/multipleusers?email=true"))).EnumerateArray()
            .Single(u => u.GetProperty("username").GetString() == kiosk.UserName);
        var suspended = await SuccessAsync(await client.PostAsync($"{Base}/togglesuspension", Body(new { email_id = kiosk.MembershipId })));

        Assert.Equal((JsonValueKind.Null, "Lab Kiosk", "UNCONFIRMED"),
            (listed.GetProperty("email").ValueKind, listed.GetProperty("name").GetString(), listed.GetProperty("email_status").GetString()));
        Assert.Equal($"{kiosk.UserName} is now SUSPENDED.", suspended);
    }
}
