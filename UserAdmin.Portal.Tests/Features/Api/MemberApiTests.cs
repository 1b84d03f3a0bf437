using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Users.Export;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>The member resource: list, get, create, update, remove and export.</summary>
public sealed class MemberApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    [Fact]
    public async Task TheListPagesThroughEveryMatchWithACursorAndCountsOnRequest()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        for (var i = 0; i < 4; i++)
        {
            await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Regular, configure: a => a.MustChangePassword = true);
        }

        await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Regular);
        using var client = _kit.Client(key);

        var seen = new List<string>();
        string? next = null;
        int? total = null;
        do
        {
            using var response = await client.GetAsync($"/api/v1/members?mustChangePassword=true&sort=UserName&limit=3&count=true{(next is null ? "" : "&cursor=" + next)}");
            await ApiTestKit.AssertOkAsync(response);
            var page = await ApiTestKit.ReadJsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("userName").GetString()!));
            Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("mustChangePassword").GetBoolean()));
            next = page.GetProperty("next").GetString();
            total = page.GetProperty("total").GetInt32();
        }
        while (next is not null);

        Assert.Equal(4, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(4, total);
    }

    [Fact]
    public async Task AListQueryWithBadValuesIs422NamingEachField()
    {
        var (_, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.GetAsync("/api/v1/members?limit=201&rank=Boss&sort=shoe&cursor=%%%"), "limit", "rank", "sort", "cursor");
    }

    [Fact]
    public async Task AMemberIsFoundByIdUsernameOrEmail()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.FirstName = "Grace");
        using var client = _kit.Client(key);

        foreach (var path in new[] { target.AccountId.ToString(), $"by-username/{target.UserName.ToUpperInvariant()}", $"by-email/{target.UserName}@portal.test" })
        {
            using var response = await client.GetAsync($"/api/v1/members/{path}");
            await ApiTestKit.AssertOkAsync(response);
            var member = await ApiTestKit.ReadJsonAsync(response);
            Assert.Equal((target.AccountId.ToString(), "Grace", "Regular"),
                (member.GetProperty("id").GetString(), member.GetProperty("firstName").GetString(), member.GetProperty("rank").GetString()));
            Assert.Equal(await _kit.VersionOfAsync(target), member.GetProperty("version").GetString());
        }

        await ApiTestKit.AssertProblemAsync(await client.GetAsync("/api/v1/members/by-username/nobody-here"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreatingAMemberWritesTheRecordTheGridWritesAndAnswers201()
    {
        var (organization, admin, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = _kit.Client(key);
        var userName = TestData.UniqueName("new");

        using var response = await client.PostAsJsonAsync("/api/v1/members", new
        {
            userName,
            email = $"{userName}@example.org",
            firstName = "Ada",
            lastName = "Lovelace",
            sendActivationEmail = true,
        });

        await ApiTestKit.AssertOkAsync(response, HttpStatusCode.Created);
        var member = await ApiTestKit.ReadJsonAsync(response);
        Assert.Equal(userName, member.GetProperty("userName").GetString());
        Assert.False(member.GetProperty("activated").GetBoolean());
        Assert.Equal($"/api/v1/members/{member.GetProperty("id").GetString()}", response.Headers.Location!.OriginalString);
        var record = (await _kit.ActivityAsync(organization.Id)).Single(r => r.Verb == "member.created");
        Assert.Equal((admin.AccountId, userName), (record.ActorAccountId!.Value, record.TargetName));
    }

    [Fact]
    public async Task AnInvalidNewMemberIs422WithFieldErrors()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = _kit.Client(key);

        using var response = await client.PostAsJsonAsync("/api/v1/members", new { userName = "X", email = "not-an-address" });

        await ApiTestKit.AssertInvalidAsync(response, "userName", "email", "password");
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Fact]
    public async Task AMemberCreatedWithoutEmailNeedsAPasswordAndIsAnsweredWithANullEmail()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = _kit.Client(key);
        var userName = TestData.UniqueName("kiosk");

        using var neither = await client.PostAsJsonAsync("/api/v1/members", new { userName });
        using var activation = await client.PostAsJsonAsync("/api/v1/members", new { userName, email = (string?)null, sendActivationEmail = true });
        using var created = await client.PostAsJsonAsync("/api/v1/members", new { userName, password = "a long and quiet passphrase" });

        await ApiTestKit.AssertInvalidAsync(neither, "password");
        await ApiTestKit.AssertInvalidAsync(activation, "email");
        await ApiTestKit.AssertOkAsync(created, HttpStatusCode.Created);
        var member = await ApiTestKit.ReadJsonAsync(created);
        Assert.Equal(JsonValueKind.Null, member.GetProperty("email").ValueKind);
        Assert.True(member.GetProperty("activated").GetBoolean());
        Assert.Null(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.UserName == userName).Select(a => a.Email).SingleAsync()));
        var listed = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members?q={userName}"));
        Assert.Equal(JsonValueKind.Null, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("email").ValueKind);
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Fact]
    public async Task AnEmptyEmailInAProfileUpdateRemovesItALeftOutOneKeepsItAndNoResetLinkFollows()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        var path = $"/api/v1/members/{target.AccountId}";
        var version = (await ApiTestKit.ReadJsonAsync(await client.GetAsync(path))).GetProperty("accountVersion").GetString();

        using var kept = await client.PutAsJsonAsync($"{path}/profile", new { firstName = "Lab", lastName = "Station", accountVersion = version });
        await ApiTestKit.AssertOkAsync(kept);
        var afterKeep = await ApiTestKit.ReadJsonAsync(kept);
        Assert.Equal($"{target.UserName}@portal.test", afterKeep.GetProperty("email").GetString());

        using var removed = await client.PutAsJsonAsync($"{path}/profile",
            new { firstName = "Lab", lastName = "Station", email = "", accountVersion = afterKeep.GetProperty("accountVersion").GetString() });
        await ApiTestKit.AssertOkAsync(removed);
        Assert.Equal(JsonValueKind.Null, (await ApiTestKit.ReadJsonAsync(removed)).GetProperty("email").ValueKind);
        Assert.Null(await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.NormalizedEmail).SingleAsync()));

        var resetLink = await ApiTestKit.AssertProblemAsync(await client.PostAsync($"{path}/password/reset-link", null), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(UserAdmin.Portal.Features.Accounts.AccountEmail.NoAddress, resetLink.GetProperty("detail").GetString());
        using var temporary = await client.PostAsync($"{path}/password/temporary", null);
        await ApiTestKit.AssertOkAsync(temporary);
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.password_reset_link_sent");
    }

    [Fact]
    public async Task AProfileUpdateQuotesTheAccountVersionAndAStaleOneIs409()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        var read = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}"));
        var version = read.GetProperty("accountVersion").GetString();
        var body = new { firstName = "Katherine", lastName = "Johnson", displayName = "", email = read.GetProperty("email").GetString(), accountVersion = version };

        using var saved = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", body);
        using var stale = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", body with { firstName = "Kay" });
        using var invalid = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", body with { email = "nope", accountVersion = "x" });
        using var missing = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", new { firstName = "K" });

        await ApiTestKit.AssertOkAsync(saved);
        var after = await ApiTestKit.ReadJsonAsync(saved);
        Assert.Equal("Katherine Johnson", after.GetProperty("displayName").GetString());
        Assert.NotEqual(version, after.GetProperty("accountVersion").GetString());
        await ApiTestKit.AssertProblemAsync(stale, HttpStatusCode.Conflict);
        await ApiTestKit.AssertInvalidAsync(invalid, "email");
        await ApiTestKit.AssertInvalidAsync(missing, "accountVersion");
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.profile_updated");
    }

    [Fact]
    public async Task RemovingAMemberTakesThemOutOfTheOrganizationOnly()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}"), "version");
        await ApiTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}?version=stale"), HttpStatusCode.Conflict);
        using var removed = await client.DeleteAsync($"/api/v1/members/{target.AccountId}?version={await _kit.VersionOfAsync(target)}");

        await ApiTestKit.AssertOkAsync(removed, HttpStatusCode.NoContent);
        Assert.False(await _kit.Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.Id == target.MembershipId)));
        Assert.True(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == target.AccountId)));
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.removed");
    }

    [Fact]
    public async Task TheExportIsTheGridsCsvForTheSameFilter()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var guest = await _kit.Database.AddMemberAsync(organization.Id);
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == guest.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        using var response = await client.GetAsync("/api/v1/members/export.csv?tag=Guest");

        await ApiTestKit.AssertOkAsync(response);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = Csv.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(guest.UserName, Assert.Single(rows.Skip(1))[1]);
    }
}
