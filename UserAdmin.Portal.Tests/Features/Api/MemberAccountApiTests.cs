using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Api;

/// <summary>Account-wide data and actions over the API: activation, deletion, properties, smartcards, computer usernames, primary group.</summary>
public sealed class MemberAccountApiTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static readonly string[] DomainName = [@"ACME\jdoe"];
    private static readonly string[] TooShort = ["a"];
    private static readonly string[] PlainName = ["jdoe"];

    private readonly ApiTestKit _kit = new(app);

    private Task<string> AccountVersionAsync(TestMember member) =>
        _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());

    private async Task<IReadOnlyList<string>> MemberVerbsAsync(Guid organizationId) =>
        (await _kit.ActivityAsync(organizationId)).Select(r => r.Verb).Where(v => v.StartsWith("member.", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task APendingAccountGetsItsActivationLinkAndAnActiveOneIsDeactivatedAndReactivated()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var pending = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        var active = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.ActivatedAt = DateTime.UtcNow);
        using var client = _kit.Client(key);

        using var sent = await client.PostAsync($"/api/v1/members/{pending.AccountId}/activation/send", null);
        await ApiTestKit.AssertOkAsync(sent);
        await ApiTestKit.AssertInvalidAsync(await client.PostAsync($"/api/v1/members/{pending.AccountId}/deactivate", null));
        await ApiTestKit.AssertOkAsync(await client.PostAsync($"/api/v1/members/{active.AccountId}/deactivate", null));
        await ApiTestKit.AssertOkAsync(await client.PostAsync($"/api/v1/members/{active.AccountId}/reactivate", null));

        Assert.Equal((await ApiTestKit.ReadJsonAsync(sent)).GetProperty("email").GetString(), $"{pending.UserName}@portal.test");
        Assert.Equal(["member.activation_sent", "member.deactivated", "member.reactivated"], (await MemberVerbsAsync(organization.Id)).Where(v => v != "member.activation_email_failed"));
    }

    [Fact]
    public async Task DeletingTheAccountQuotesItsVersion()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}/account"), "accountVersion");
        await ApiTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}/account?accountVersion=stale"), HttpStatusCode.Conflict);
        await ApiTestKit.AssertOkAsync(await client.DeleteAsync($"/api/v1/members/{target.AccountId}/account?accountVersion={await AccountVersionAsync(target)}"), HttpStatusCode.NoContent);

        Assert.False(await _kit.Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == target.AccountId)));
        Assert.Contains("member.account_deleted", await MemberVerbsAsync(organization.Id));
    }

    [Fact]
    public async Task PropertiesSmartcardsAndComputerUsernamesAreReplacedAsWholeListsAndRead()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);

        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/properties",
            new { properties = new[] { new { key = "city", value = "Lyon" } }, accountVersion = await AccountVersionAsync(target) }));
        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/smartcards",
            new { smartcards = new[] { new { number = "12345678", label = "badge" } }, accountVersion = await AccountVersionAsync(target) }));
        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/computer-usernames",
            new { names = DomainName, accountVersion = await AccountVersionAsync(target) }));

        var properties = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/properties"));
        var devices = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/devices"));
        Assert.Equal("Lyon", properties.GetProperty("properties")[0].GetProperty("value").GetString());
        Assert.Equal("12345678", devices.GetProperty("smartcards")[0].GetProperty("number").GetString());
        Assert.Equal(@"ACME\jdoe", devices.GetProperty("computerUsernames")[0].GetString());
        Assert.Equal(["member.properties_updated", "member.smartcards_replaced", "member.computer_usernames_replaced"], await MemberVerbsAsync(organization.Id));
    }

    [Fact]
    public async Task InvalidListsAre422NamingTheItemAndAStaleVersionIs409()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        var version = await AccountVersionAsync(target);

        await ApiTestKit.AssertInvalidAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/smartcards",
            new { smartcards = new[] { new { number = "12ab" } }, accountVersion = version }), "smartcards[0].number");
        await ApiTestKit.AssertInvalidAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/properties",
            new { properties = new[] { new { key = "9 bad", value = "x" } }, accountVersion = version }), "properties[0].key");
        await ApiTestKit.AssertInvalidAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/computer-usernames", new { names = TooShort }), "accountVersion");
        await ApiTestKit.AssertProblemAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/computer-usernames",
            new { names = PlainName, accountVersion = "stale" }), HttpStatusCode.Conflict);
        Assert.Empty(await MemberVerbsAsync(organization.Id));
    }

    [Fact]
    public async Task ThePrimaryGroupIsOneOfTheMembersGroups()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var groupId = Guid.NewGuid();
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "Field", CreatedAt = DateTime.UtcNow,
                Members = [new GroupMember { MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow }] });
            return Task.CompletedTask;
        });
        using var client = _kit.Client(key);

        await ApiTestKit.AssertInvalidAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/primary-group", new { groupId }), "version");
        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/primary-group", new { groupId, version = await _kit.VersionOfAsync(target) }));

        Assert.Equal(groupId, await _kit.Database.QueryAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).Select(m => m.PrimaryGroupId).SingleAsync()));
        Assert.Equal(["member.primary_group_changed"], await MemberVerbsAsync(organization.Id));
    }
}
