using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Faults;

/// <summary>
/// A full disk and a read-only database file under the running portal: writes answer a clear 503 problem (and the
/// pages a clear message), reads go on, and the file keeps its data and passes SQLite's integrity check.
/// </summary>
public sealed class DiskFaultTests
{
    [Fact]
    public async Task AWriteOnAFullDiskIsA503SayingFullAndThePreviousDataStays()
    {
        var injector = new DatabaseFaultInjector();
        await using var app = Portal(injector);
        var kit = new ApiTestKit(app);
        var (organization, _, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await kit.Database.AddMemberAsync(organization.Id);
        using var client = kit.Client(key);
        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/properties",
            new { properties = new[] { new { key = "city", value = "Lyon" } }, accountVersion = await AccountVersionAsync(client, target) }));

        // No free page left in the file and no room to grow: the next write that needs a page fails as on a full disk.
        await ExecuteAsync(kit.Database, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;");
        injector.MaxPageCount = await PageCountAsync(kit.Database);

        var many = Enumerable.Range(0, 50).Select(i => new { key = $"note{i:00}", value = new string('x', 1000) }).ToArray();
        using var full = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/properties",
            new { properties = many, accountVersion = await AccountVersionAsync(client, target) });

        var problem = await ApiTestKit.AssertProblemAsync(full, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(DatabaseFaults.FullMessage, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Exception", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var properties = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}/properties"));
        Assert.Equal(["city"], properties.GetProperty("properties").EnumerateArray().Select(p => p.GetProperty("key").GetString()));
        Assert.DoesNotContain(await kit.ActivityAsync(organization.Id), r => r.Verb == "member.properties_updated" && r.Diff!.Contains("note00", StringComparison.Ordinal));
        Assert.Equal("ok", await IntegrityAsync(kit.Database));

        // Space again: the same write goes through.
        injector.MaxPageCount = null;
        await ApiTestKit.AssertOkAsync(await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/properties",
            new { properties = many, accountVersion = await AccountVersionAsync(client, target) }));
    }

    [Fact]
    public async Task AReadOnlyDatabaseServesReadsAndRefusesWritesWithA503SayingReadOnly()
    {
        var injector = new DatabaseFaultInjector();
        await using var app = Portal(injector);
        var kit = new ApiTestKit(app);
        var (organization, _, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await kit.Database.AddMemberAsync(organization.Id, configure: a => a.FirstName = "Ada");
        using var client = kit.Client(key);
        var version = await AccountVersionAsync(client, target);

        injector.ReadOnly = true;
        using var list = await client.GetAsync("/api/v1/members?limit=10");
        using var one = await client.GetAsync($"/api/v1/members/{target.AccountId}");
        using var write = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile",
            new { firstName = "Grace", lastName = "", displayName = "", email = $"{target.UserName}@portal.test", accountVersion = version });
        using var action = await client.PostAsync($"/api/v1/members/{target.AccountId}/suspend", null);

        await ApiTestKit.AssertOkAsync(list);
        await ApiTestKit.AssertOkAsync(one);
        Assert.Equal("Ada", (await ApiTestKit.ReadJsonAsync(one)).GetProperty("firstName").GetString());
        foreach (var refused in new[] { write, action })
        {
            var problem = await ApiTestKit.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(DatabaseFaults.ReadOnlyMessage, problem.GetProperty("detail").GetString());
        }

        injector.ReadOnly = false;
        Assert.Equal("ok", await IntegrityAsync(kit.Database));
        var member = await kit.Database.QueryAsync(db => Task.FromResult(db.Memberships.Single(m => m.Id == target.MembershipId)));
        Assert.False(member.IsSuspended);
        Assert.Equal("Ada", await kit.Database.QueryAsync(db => Task.FromResult(db.Users.Single(a => a.Id == target.AccountId).FirstName)));
    }

    internal static PortalAppFactory Portal(DatabaseFaultInjector injector)
    {
        var app = PortalAppFactory.For(Environments.Development, services: DatabaseFaultInjector.Register(injector));
        _ = app.Services; // start it: migrate and bootstrap before the test seeds
        return app;
    }

    private static async Task<string> AccountVersionAsync(HttpClient client, TestMember member) =>
        (await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{member.AccountId}"))).GetProperty("accountVersion").GetString()!;

    internal static async Task<string> IntegrityAsync(TestDatabase database) =>
        Convert.ToString(await ScalarAsync(database, "PRAGMA integrity_check"), CultureInfo.InvariantCulture)!;

    private static async Task<long> PageCountAsync(TestDatabase database) =>
        Convert.ToInt64(await ScalarAsync(database, "PRAGMA page_count"), CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(TestDatabase database, string sql) => await ScalarAsync(database, sql);

    private static async Task<object?> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.FilePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
