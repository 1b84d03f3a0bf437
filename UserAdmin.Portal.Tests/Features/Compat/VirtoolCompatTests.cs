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
    public async Task AUsersPermissionsListEveryPermissionOfTheOrganizationAsHeldOrNot()
    {
        var (organization, admin, _) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var keys = app.Services.GetRequiredService<ApplicationPermissionService>();
        var groups = app.Services.GetRequiredService<GroupService>();
        Assert.True((await keys.AddPresetAsync(admin.Actor, PermissionPresets.Virtool)).Succeeded);
        Assert.True((await keys.AddAsync(admin.Actor, "export_report", "Not Virtool's")).Succeeded);
        var lab = await groups.CreateAsync(admin.Actor, "lab", "");
        // Granting an application permission, or a group that grants one, takes a SUPER (ADMIN holds only the portal's
        // permissions by rank).
        var super = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        Assert.True((await groups.SetPermissionsAsync(super.Actor, lab.Value, ["create_sample", "upload_file"])).Succeeded);
        var fred = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(await _kit.KeyForAsync(super));
        await JsonAsync(await client.PostAsJsonAsync($"{Base}/{fred.UserName}/group", new { group_id = "lab" }), HttpStatusCode.Created);

        var permissions = (await JsonAsync(await client.GetAsync($"{Base}/{fred.UserName}"))).GetProperty("permissions")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetBoolean());
        var listed = (await JsonAsync(await client.GetAsync(Base))).EnumerateArray()
            .Single(u => u.GetProperty("id").GetString() == admin.UserName).GetProperty("permissions");

        var every = PortalPermissions.All.Concat(PermissionPresets.Virtool.Permissions.Select(p => p.Key)).Append("export_report").Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(every, permissions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["create_sample", "upload_file"], permissions.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(every, listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(listed.GetProperty(PortalPermissions.ManageUsers).GetBoolean());
        Assert.False(listed.GetProperty("cancel_job").GetBoolean());
    }

    [Fact]
    public async Task ForceResetYesIs422NamingTheFieldAndChangesNothing()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        var before = (await _kit.ActivityAsync(organization.Id)).Count;

        using var response = await client.PatchAsync($"{Base}/{target.UserName}", new StringContent("""{"force_reset": "yes"}""", System.Text.Encoding.UTF8, "application/json"));

        await ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_input");
        var body = await ApiTestKit.ReadJsonAsync(response);
        Assert.Equal("force_reset must be true or false.", body.GetProperty("errors").GetProperty("force_reset")[0].GetString());
        Assert.False(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
        Assert.Equal(before, (await _kit.ActivityAsync(organization.Id)).Count);
    }

    [Fact]
    public async Task AUserIdOrEmailAlreadyInUseIs409Conflict()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var existing = await _kit.Database.AddMemberAsync(organization.Id);
        var elsewhere = await _kit.Database.AddMemberAsync((await _kit.Database.AddOrganizationAsync()).Id);
        using var client = _kit.Client(key);

        await ErrorAsync(await client.PostAsJsonAsync(Base, new { user_id = existing.UserName, password = "granite-harbor-owl-58", email = "fresh@example.org" }), HttpStatusCode.Conflict, "conflict");
        // A username held in another organization is taken too: usernames are unique across the portal.
        await ErrorAsync(await client.PostAsJsonAsync(Base, new { user_id = elsewhere.UserName, password = "granite-harbor-owl-58", email = "fresh@example.org" }), HttpStatusCode.Conflict, "conflict");
        await ErrorAsync(await client.PostAsJsonAsync(Base, new { user_id = "fresh.name", password = "granite-harbor-owl-58", email = $"{existing.UserName}@portal.test" }), HttpStatusCode.Conflict, "conflict");

        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Theory]
    [InlineData("foobar")]
    [InlineData("test12345")]
    public async Task TheDocumentsPasswordsAreRefusedWithTheRuleTheyBreak(string password)
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        var before = (await _kit.ActivityAsync(organization.Id)).Count;
        using var created = await client.PostAsJsonAsync(Base, new { user_id = "bill", password, email = "bill@example.org" });
        using var edited = await client.PatchAsJsonAsync($"{Base}/{target.UserName}", new { force_reset = true, password });

        foreach (var response in new[] { created, edited })
        {
            await ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_input");
            var body = await ApiTestKit.ReadJsonAsync(response);
            var reasons = string.Join(" ", body.GetProperty("errors").EnumerateObject().Where(e => e.Name.Equals("password", StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value.EnumerateArray()).Select(v => v.GetString()));
            Assert.Contains("at least 12", reasons, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(before, (await _kit.ActivityAsync(organization.Id)).Count);
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
