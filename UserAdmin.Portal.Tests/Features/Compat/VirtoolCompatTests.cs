using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>Virtool's users examples against the portal.</summary>
public sealed class VirtoolCompatTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Base = "/compat/virtool/api/users";
    private readonly ApiTestKit _kit = new(app);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        await ApiTestKit.AssertOkAsync(response, status);
        return await ApiTestKit.ReadJsonAsync(response);
    }

    private static async Task ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string id)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task CreateGetEditGroupsAndRemoveFollowTheDocumentedExamples()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var groups = app.Services.GetRequiredService<GroupService>();
        var foobar = await groups.CreateAsync(admin.Actor, "foobar", "");
        Assert.True((await groups.SetPermissionsAsync(admin.Actor, foobar.Value, [PortalPermissions.ViewUsers])).Succeeded);
        using var client = _kit.Client(key);

        // The documented body alone: the portal needs a stronger password, and says so in Virtool's shape.
        await ErrorAsync(await client.PostAsJsonAsync(Base, new { user_id = "bill", password = "foobar" }), HttpStatusCode.UnprocessableEntity, "invalid_input");
        var bill = await JsonAsync(await client.PostAsJsonAsync(Base, new { user_id = "bill", password = "granite-harbor-owl-58", email = "bill@example.org" }), HttpStatusCode.Created);
        Assert.Equal(("bill", true, ""), (bill.GetProperty("id").GetString(), bill.GetProperty("force_reset").GetBoolean(), bill.GetProperty("primary_group").GetString()));
        Assert.Equal(64, bill.GetProperty("identicon").GetString()!.Length);
        Assert.False(bill.GetProperty("permissions").GetProperty(PortalPermissions.ViewUsers).GetBoolean());

        var added = await JsonAsync(await client.PostAsJsonAsync($"{Base}/bill/group", new { group_id = "foobar" }), HttpStatusCode.Created);
        Assert.Equal(["foobar"], added.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(added.GetProperty("permissions").GetProperty(PortalPermissions.ViewUsers).GetBoolean());
        var edited = await JsonAsync(await client.PatchAsJsonAsync($"{Base}/bill", new { force_reset = true, primary_group = "foobar" }));
        Assert.Equal("foobar", edited.GetProperty("primary_group").GetString());
        // The documented edit sets a password; the portal takes one that passes its rules, as a temporary password.
        await ErrorAsync(await client.PatchAsJsonAsync($"{Base}/bill", new { force_reset = true, password = "foobar" }), HttpStatusCode.UnprocessableEntity, "invalid_input");
        var repassworded = await JsonAsync(await client.PatchAsJsonAsync($"{Base}/bill", new { force_reset = true, password = "copper-meadow-lantern-17" }));
        Assert.True(repassworded.GetProperty("force_reset").GetBoolean());
        Assert.False(string.IsNullOrEmpty(repassworded.GetProperty("last_password_change").GetString()));
        var billAccount = await _kit.Database.QueryAsync(db => db.Users.SingleAsync(a => a.UserName == "bill"));
        using (var scope = app.Services.CreateScope())
        {
            var hasher = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<Account>>();
            Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Success, hasher.VerifyHashedPassword(billAccount, billAccount.PasswordHash!, "copper-meadow-lantern-17"));
        }

        Assert.True(billAccount.MustChangePassword);

        var fetched = await JsonAsync(await client.GetAsync($"{Base}/bill"));
        Assert.Equal("foobar", fetched.GetProperty("primary_group").GetString());
        Assert.Contains((await JsonAsync(await client.GetAsync(Base))).EnumerateArray(), u => u.GetProperty("id").GetString() == "bill");
        var remaining = await JsonAsync(await client.DeleteAsync($"{Base}/bill/groups/foobar"));
        Assert.Empty(remaining.EnumerateArray());
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"{Base}/bill"), HttpStatusCode.NoContent);

        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == "bill")));
        var verbs = (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb).Where(v => v.StartsWith("member.", StringComparison.Ordinal)).ToList();
        Assert.Contains("member.created", verbs);
        Assert.Contains("member.account_deleted", verbs);
        Assert.Single(verbs, "member.password_set");
        Assert.DoesNotContain((await _kit.ActivityAsync(organization.Id)), r => (r.Diff ?? "").Contains("copper-meadow", StringComparison.Ordinal) || r.Title.Contains("copper-meadow", StringComparison.Ordinal));
        Assert.Equal(2, verbs.Count(v => v.Contains("group", StringComparison.Ordinal) && !v.Contains("primary", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreatingAUserWithOnlyAUserIdAndAPasswordAnswersWithVirtoolsUserShape()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = _kit.Client(key);
        var userId = TestData.UniqueName("virtool");

        using var response = await client.PostAsJsonAsync(Base, new { user_id = userId, password = "granite-harbor-owl-58" });

        var user = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal((userId, true), (user.GetProperty("id").GetString(), user.GetProperty("force_reset").GetBoolean()));
        Assert.Equal(["force_reset", "groups", "id", "identicon", "last_password_change", "permissions", "primary_group"],
            user.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal($"/compat/virtool/api/users/{userId}", response.Headers.Location!.OriginalString);
        var account = await _kit.Database.QueryAsync(db => db.Users.SingleAsync(a => a.UserName == userId));
        Assert.Equal((null, null, true), (account.Email, account.NormalizedEmail, account.IsActivated));
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created" && r.TargetName == userId);

        // A second user without email is fine too: only present addresses are unique.
        await JsonAsync(await client.PostAsJsonAsync(Base, new { user_id = userId + "b", password = "granite-harbor-owl-58" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheRefusalsComeInVirtoolsShape()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var stranger = await _kit.Database.AddMemberAsync((await _kit.Database.AddOrganizationAsync()).Id);
        var regular = await _kit.Database.AddMemberAsync(organization.Id);
        using var anonymous = _kit.Client(null);
        using var readOnly = _kit.Client(await _kit.KeyForAsync(admin, ApiKeyScope.ReadOnly));
        using var client = _kit.Client(key);
        using var plain = _kit.Client(await _kit.KeyForAsync(regular));

        await ErrorAsync(await anonymous.GetAsync(Base), HttpStatusCode.Unauthorized, "unauthorized");
        await ErrorAsync(await readOnly.PatchAsJsonAsync($"{Base}/{super.UserName}", new { force_reset = true }), HttpStatusCode.Forbidden, "not_permitted");
        await ErrorAsync(await client.GetAsync($"{Base}/{stranger.UserName}"), HttpStatusCode.NotFound, "not_found");
        await ErrorAsync(await client.PatchAsJsonAsync($"{Base}/{super.UserName}", new { force_reset = true }), HttpStatusCode.Forbidden, "not_permitted");
        await ErrorAsync(await client.DeleteAsync($"{Base}/{super.UserName}"), HttpStatusCode.Forbidden, "not_permitted");
        await ErrorAsync(await plain.PostAsJsonAsync(Base, new { user_id = "fred", password = "granite-harbor-owl-58", email = "fred@example.org" }), HttpStatusCode.Forbidden, "not_permitted");

        Assert.True(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == super.AccountId && !a.MustChangePassword)));

        // A password for a SUPER, or one the rules refuse alongside a primary group: refused before anything changes.
        var superHash = await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == super.AccountId).Select(a => a.PasswordHash).SingleAsync());
        await ErrorAsync(await client.PatchAsJsonAsync($"{Base}/{super.UserName}", new { password = "copper-meadow-lantern-17" }), HttpStatusCode.Forbidden, "not_permitted");
        await ErrorAsync(await readOnly.PatchAsJsonAsync($"{Base}/{regular.UserName}", new { password = "copper-meadow-lantern-17" }), HttpStatusCode.Forbidden, "not_permitted");
        await ErrorAsync(await client.PatchAsJsonAsync($"{Base}/{regular.UserName}", new { password = "" }), HttpStatusCode.UnprocessableEntity, "invalid_input");
        Assert.Equal(superHash, await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == super.AccountId).Select(a => a.PasswordHash).SingleAsync()));
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.password_set");
    }
}
