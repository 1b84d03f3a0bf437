using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Actions on one member: each writes the same activity record as the member page, and refuses as the page does.</summary>
public sealed class MemberActionApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private Task<Account> AccountAsync(TestMember member) =>
        _kit.Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == member.AccountId));

    private static async Task<string> PostAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(path, null);
        await ApiTestKit.AssertOkAsync(response, expected);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task SuspendAndUnsuspendWriteTheMemberPagesRecordsAndRepeatingChangesNothing()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        Assert.Contains("\"changed\":true", await PostAsync(client, $"/api/v1/members/{target.AccountId}/suspend"), StringComparison.Ordinal);
        Assert.Contains("\"changed\":false", await PostAsync(client, $"/api/v1/members/{target.AccountId}/suspend"), StringComparison.Ordinal);
        await ApiTestKit.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{target.AccountId}/unsuspend?version=stale", null), HttpStatusCode.Conflict);
        await PostAsync(client, $"/api/v1/members/{target.AccountId}/unsuspend");

        Assert.Equal(["member.suspended", "member.unsuspended"],
            (await _kit.ActivityAsync(organization.Id)).Where(r => r.Verb.StartsWith("member.", StringComparison.Ordinal)).Select(r => r.Verb));
    }

    [Fact]
    public async Task AHelpDeskKeyForcesAPasswordChangeButCannotSuspend()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Regular, permissions: PortalPermissions.HelpDesk);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await PostAsync(client, $"/api/v1/members/{target.AccountId}/must-change-password");
        await ApiTestKit.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{target.AccountId}/suspend", null), HttpStatusCode.Forbidden);

        Assert.True((await AccountAsync(target)).MustChangePassword);
        var record = (await _kit.ActivityAsync(organization.Id)).Last();
        Assert.Equal(("member.password_change_forced", ActivityCategory.Security), (record.Verb, record.Category));
    }

    [Fact]
    public async Task TheHelpDesksPasswordActionsWorkAndWriteTheirRecords()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id, configure: a => { a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10); a.AccessFailedCount = 5; });
        var stamp = (await AccountAsync(target)).SecurityStamp;
        using var client = _kit.Client(key);

        using var temporary = await client.PostAsync($"/api/v1/members/{target.AccountId}/password/temporary", null);
        await ApiTestKit.AssertOkAsync(temporary);
        var password = (await ApiTestKit.ReadJsonAsync(temporary)).GetProperty("password").GetString();
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", password);
        Assert.True(temporary.Headers.CacheControl?.NoStore);
        await PostAsync(client, $"/api/v1/members/{target.AccountId}/unlock");
        await PostAsync(client, $"/api/v1/members/{target.AccountId}/sign-out-everywhere");
        using var link = await client.PostAsync($"/api/v1/members/{target.AccountId}/password/reset-link", null);
        await ApiTestKit.AssertOkAsync(link);

        var account = await AccountAsync(target);
        Assert.Null(account.LockoutEnd);
        Assert.NotEqual(stamp, account.SecurityStamp);
        var verbs = (await _kit.ActivityAsync(organization.Id)).Select(r => r.Verb).ToList();
        Assert.Equal(["member.temporary_password_set", "member.unlocked", "member.signed_out_everywhere", "member.password_reset_link_sent"],
            verbs.Where(v => v.StartsWith("member.", StringComparison.Ordinal) && v != "member.password_reset_email_failed"));
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => (r.Diff ?? "").Contains(password!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChosenTemporaryPasswordMustPassTheRulesAndIsNeverRecorded()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var before = await AccountAsync(target);
        using var client = _kit.Client(key);

        using var weak = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/password", new { password = "test12345" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Contains("12", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/password", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(before.PasswordHash, (await AccountAsync(target)).PasswordHash);

        using var set = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/password", new { password = "copper-meadow-lantern-17" });
        await ApiTestKit.AssertOkAsync(set);
        Assert.True((await ApiTestKit.ReadJsonAsync(set)).GetProperty("changed").GetBoolean());

        var account = await AccountAsync(target);
        Assert.True(account.MustChangePassword);
        Assert.NotNull(account.TemporaryPasswordExpiresAt);
        Assert.NotEqual(before.SecurityStamp, account.SecurityStamp);
        var records = await _kit.ActivityAsync(organization.Id);
        Assert.Single(records, r => r.Verb == "member.password_set");
        Assert.DoesNotContain(records, r => (r.Diff ?? "").Contains("copper-meadow", StringComparison.Ordinal) || r.Title.Contains("copper-meadow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlyASuperChangesRanksQuotingTheVersion()
    {
        var (organization, _, superKey) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var admin = await _kit.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var super = _kit.Client(superKey);
        using var byAdmin = _kit.Client(await _kit.KeyForAsync(admin));

        await ApiTestKit.AssertInvalidAsync(await super.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/rank", new { version = "v" }), "rank");
        await ApiTestKit.AssertProblemAsync(
            await super.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/rank", new { rank = "Admin", version = "stale" }), HttpStatusCode.Conflict);
        await ApiTestKit.AssertProblemAsync(
            await byAdmin.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/rank", new { rank = "Admin", version = await _kit.VersionOfAsync(target) }), HttpStatusCode.Forbidden);
        using var changed = await super.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/rank", new { rank = "Admin", version = await _kit.VersionOfAsync(target) });

        await ApiTestKit.AssertOkAsync(changed);
        Assert.Equal(MemberRank.Admin, await _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).Select(m => m.Rank).SingleAsync()));
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.rank_changed");
    }

    [Fact]
    public async Task AGuestIsPromotedToUser()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var guest = await _kit.Database.AddMemberAsync(organization.Id);
        await _kit.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == guest.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.PutAsJsonAsync($"/api/v1/members/{guest.AccountId}/tag", new { tag = "Guest", version = "v" }), "tag");
        using var promoted = await client.PutAsJsonAsync($"/api/v1/members/{guest.AccountId}/tag", new { tag = "User", version = await _kit.VersionOfAsync(guest) });

        await ApiTestKit.AssertOkAsync(promoted);
        Assert.Single(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.promoted");
    }
}
