using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Faults;

/// <summary>
/// Twenty scripts write one member's profile at the same moment through the API: every answer is a success or a 409
/// for a stale version, never a lost update and never a 500 from a busy database.
/// </summary>
public sealed class ConcurrentWriterTests
{
    private const int Writers = 20;

    [Fact]
    public async Task TwentyWritersQuotingOneVersionGetOneSuccessAndNineteenConflicts()
    {
        await using var app = Portal();
        var kit = new ApiTestKit(app);
        var (organization, _, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await kit.Database.AddMemberAsync(organization.Id);
        var (email, version) = await ReadAsync(kit, key, target);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = Enumerable.Range(0, Writers).Select(async i =>
        {
            using var client = kit.Client(key);
            await start.Task;
            var response = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile",
                new { firstName = $"Writer{i:00}", lastName = "Race", displayName = "", email, accountVersion = version });
            return (Writer: i, Response: response, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(writes);

        Assert.All(answers, a => Assert.True(a.Response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.Response.StatusCode}: {a.Body}"));
        var winner = Assert.Single(answers, a => a.Response.StatusCode == HttpStatusCode.OK);
        Assert.Equal(Writers - 1, answers.Count(a => a.Response.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal($"Writer{winner.Writer:00}", await kit.Database.QueryAsync(db => Task.FromResult(db.Users.Single(a => a.Id == target.AccountId).FirstName)));
        var record = Assert.Single(await kit.ActivityAsync(organization.Id), r => r.Verb == "member.profile_updated");
        Assert.Contains($"Writer{winner.Writer:00}", record.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwentyWritersThatRereadOnConflictAllSucceedOneAfterAnother()
    {
        await using var app = Portal();
        var kit = new ApiTestKit(app);
        var (organization, _, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await kit.Database.AddMemberAsync(organization.Id);
        var (_, first) = await ReadAsync(kit, key, target);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = Enumerable.Range(0, Writers).Select(async i =>
        {
            await start.Task;
            for (var attempt = 1; ; attempt++)
            {
                var (email, version) = await ReadAsync(kit, key, target);
                using var client = kit.Client(key);
                using var response = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile",
                    new { firstName = $"Writer{i:00}", lastName = "Retry", displayName = "", email, accountVersion = version });
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (await ApiTestKit.ReadJsonAsync(response)).GetProperty("accountVersion").GetString()!;
                }

                Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"Writer {i}, attempt {attempt}: {(int)response.StatusCode} {body}");
                Assert.True(attempt < 100, $"Writer {i} never got through.");
            }
        }).ToList();
        start.SetResult();
        var versions = await Task.WhenAll(writes);

        // Every success moved the version on: none answered the first. (An answer shows the member as read after its
        // write committed, which under group commit may already include a later writer's change and version, so two
        // answers can carry the same version; that every write landed is what the records below count.)
        Assert.DoesNotContain(first, versions);
        var (_, last) = await ReadAsync(kit, key, target);
        Assert.Contains(last, versions);
        var records = (await kit.ActivityAsync(organization.Id)).Where(r => r.Verb == "member.profile_updated").ToList();
        Assert.Equal(Writers, records.Count);
        Assert.Equal(Writers, records.Select(r => r.Diff).Distinct().Count());
    }

    [Fact]
    public async Task ALockHeldPastTheBusyTimeoutIsA503SayingBusyAndNothingChanges()
    {
        // One second of retries by Microsoft.Data.Sqlite after SQLite's own 5 s busy timeout, instead of 30 s.
        await using var app = Portal(settings => settings["ConnectionStrings:Portal"] += ";Default Timeout=1");
        var kit = new ApiTestKit(app);
        var (organization, _, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        var target = await kit.Database.AddMemberAsync(organization.Id);
        var (email, version) = await ReadAsync(kit, key, target);
        using var client = kit.Client(key);
        var body = new { firstName = "Locked", lastName = "Out", displayName = "", email, accountVersion = version };

        await using (var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = kit.Database.FilePath, Pooling = false }.ToString()))
        {
            await holder.OpenAsync();
            await using var transaction = holder.BeginTransaction(deferred: false);
            using var blocked = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", body);
            var problem = await ApiTestKit.AssertProblemAsync(blocked, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(DatabaseFaults.BusyMessage, problem.GetProperty("detail").GetString());
        }

        Assert.DoesNotContain(await kit.ActivityAsync(organization.Id), r => r.Verb == "member.profile_updated");
        using var retried = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", body);
        await ApiTestKit.AssertOkAsync(retried);
    }

    private static PortalAppFactory Portal(Action<Dictionary<string, string?>>? adjust = null)
    {
        var app = PortalAppFactory.For(Environments.Development, settings =>
        {
            // The retrying writers make a few hundred requests in a second: above the default per-key limit.
            settings["Portal:Api:RequestsPerMinute"] = "100000";
            adjust?.Invoke(settings);
        });
        _ = app.Services; // start it: migrate and bootstrap before the test seeds
        return app;
    }

    private static async Task<(string Email, string Version)> ReadAsync(ApiTestKit kit, string key, TestMember member)
    {
        using var client = kit.Client(key);
        using var response = await client.GetAsync($"/api/v1/members/{member.AccountId}");
        await ApiTestKit.AssertOkAsync(response);
        var json = await ApiTestKit.ReadJsonAsync(response);
        return (json.GetProperty("email").GetString()!, json.GetProperty("accountVersion").GetString()!);
    }
}
