using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Tests.Features.Passwords;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>Median of a few timings, and the ratio test the enumeration cases share.</summary>
internal static class Timing
{
    public const int Tries = 9;

    /// <summary>Generous on purpose: the machine is shared, and the real difference would be a hash (~90 ms) against none (~1 ms).</summary>
    public const double MaxRatio = 3.0;

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>Runs the two paths alternately (so load on the machine falls on both alike) and returns their medians in ms.</summary>
    public static async Task<(double A, double B)> CompareAsync(Func<int, Task> a, Func<int, Task> b, Func<Task>? between = null)
    {
        // One untimed run of each warms up the code paths and the connection pool.
        await a(-1);
        await b(-1);
        var timesA = new List<double>();
        var timesB = new List<double>();
        for (var i = 0; i < Tries; i++)
        {
            if (between is not null)
            {
                await between();
            }

            var watch = Stopwatch.StartNew();
            await a(i);
            timesA.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await b(i);
            timesB.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (Median(timesA), Median(timesB));
    }

    public static void AssertSimilar(ITestOutputHelper output, string what, (double A, double B) medians, string a, string b)
    {
        var ratio = Math.Max(medians.A, medians.B) / Math.Max(0.001, Math.Min(medians.A, medians.B));
        output.WriteLine($"{what}: median {a} {medians.A:0.0} ms, {b} {medians.B:0.0} ms, ratio {ratio:0.00} (limit {MaxRatio})");
        Assert.True(ratio <= MaxRatio, $"{what}: {a} {medians.A:0.0} ms vs {b} {medians.B:0.0} ms (ratio {ratio:0.00}) tells them apart.");
    }
}

/// <summary>
/// User enumeration through the sign-in and forgot-password forms: an unknown account and a known one with a wrong
/// password get the same page, the same message and (within a generous factor) the same time, because the unknown
/// path verifies a dummy PBKDF2 hash (<c>SignInService</c>, <c>DummyPasswordHash</c>).
/// </summary>
public sealed partial class FormEnumerationTests(AbuseHost host, ITestOutputHelper output) : IClassFixture<AbuseHost>
{
    private const string Password = "amber-lantern-river-42";

    // Data-protected values (the antiforgery field and any other protected payload) differ per request.
    [GeneratedRegex("CfDJ8[A-Za-z0-9_+/=-]+")]
    private static partial Regex AntiforgeryValue();

    /// <summary>The page without what legitimately differs: the antiforgery token and the login the visitor typed.</summary>
    private static string Normalised(string html, string login) =>
        AntiforgeryValue().Replace(html, "TOKEN").Replace(WebUtility.HtmlEncode(login), "LOGIN", StringComparison.Ordinal).Replace(login, "LOGIN", StringComparison.Ordinal);

    private async Task<TestMember> MemberAsync()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        return await host.Portal.Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, Password);
    }

    private async Task<(HttpStatusCode Status, string Html)> SignInAsync(string login, string password)
    {
        using var client = host.Portal.CreateBrowser();
        using var response = await client.SignInAsync(login, password);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task ClearFailuresAsync(TestMember member) =>
        host.Portal.Database.ExecuteAsync(async db => await db.Users.Where(a => a.Id == member.AccountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, 0).SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null)));

    [Fact(DisplayName = "Enumeration: sign-in with an unknown username and with a wrong password give the same status, message and page")]
    public async Task SignInSamePage()
    {
        var member = await MemberAsync();
        var unknown = "nobody-" + member.UserName[^10..];

        var wrongPassword = await SignInAsync(member.UserName, "not-the-right-password");
        var unknownUser = await SignInAsync(unknown, "not-the-right-password");

        Assert.Equal(HttpStatusCode.OK, wrongPassword.Status);
        Assert.Equal(wrongPassword.Status, unknownUser.Status);
        Assert.Equal(SignInOutcome.GenericFailure, PortalHttp.ReadAlert(wrongPassword.Html));
        Assert.Equal(Normalised(wrongPassword.Html, member.UserName), Normalised(unknownUser.Html, unknown));
    }

    [Fact(DisplayName = "Enumeration: sign-in with an unknown email and with a known email's wrong password give the same message")]
    public async Task SignInByEmailSameMessage()
    {
        var member = await MemberAsync();

        var known = await SignInAsync($"{member.UserName}@portal.test", "not-the-right-password");
        var unknown = await SignInAsync($"nobody-{Guid.NewGuid():N}@portal.test", "not-the-right-password");

        Assert.Equal(SignInOutcome.GenericFailure, PortalHttp.ReadAlert(known.Html));
        Assert.Equal(PortalHttp.ReadAlert(known.Html), PortalHttp.ReadAlert(unknown.Html));
    }

    [Fact(DisplayName = "Enumeration: sign-in time of an unknown username is within 3x of a wrong password's (both verify a hash; medians printed)")]
    public async Task SignInTiming()
    {
        var member = await MemberAsync();

        var medians = await Timing.CompareAsync(
            i => SignInAsync($"nobody-{i}-{member.UserName}", "not-the-right-password"),
            _ => SignInAsync(member.UserName, "not-the-right-password"),
            between: () => ClearFailuresAsync(member));

        Timing.AssertSimilar(output, "sign-in", medians, "unknown user", "wrong password");
        // The unknown path must pay for a hash too: PBKDF2 at 210,000 iterations is tens of milliseconds on any machine.
        Assert.True(medians.A > 15, $"An unknown user's sign-in took {medians.A:0.0} ms: no hash was verified.");
    }

    [Fact(DisplayName = "Enumeration: forgot-password with a known and an unknown username give the same status and page")]
    public async Task ForgotSamePage()
    {
        var member = await MemberAsync();
        var unknown = "nobody-" + member.UserName[^10..];
        using var client = host.Portal.CreateBrowser();

        using var known = await HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot(member.UserName), "/Account/ForgotPassword");
        using var stranger = await HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot(unknown), "/Account/ForgotPassword");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (known.StatusCode, stranger.StatusCode));
        var knownHtml = await known.Content.ReadAsStringAsync();
        Assert.Equal(PasswordResetService.RequestAnswer, ForgotPasswordForm.Answer(knownHtml));
        Assert.Equal(Normalised(knownHtml, member.UserName), Normalised(await stranger.Content.ReadAsStringAsync(), unknown));
    }

    [Fact(DisplayName = "Enumeration: forgot-password time of an unknown address is within 3x of a known one's (the email goes out after the answer; medians printed)")]
    public async Task ForgotTiming()
    {
        var member = await MemberAsync();
        using var client = host.Portal.CreateBrowser();

        var medians = await Timing.CompareAsync(
            i => HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot($"nobody-{i}@portal.test"), "/Account/ForgotPassword"),
            _ => HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot($"{member.UserName}@portal.test"), "/Account/ForgotPassword"));

        Timing.AssertSimilar(output, "forgot-password", medians, "unknown address", "known address");
    }
}

/// <summary>
/// User enumeration through the API's credentials: <c>apikey &lt;username&gt;:&lt;key&gt;</c> with an unknown username,
/// with a real username and a wrong key, and a made-up key all get the same 401 and the same problem; a made-up prefix
/// costs the same hash and comparison as a real one (<c>ApiKeyService.AuthenticateAsync</c>).
/// </summary>
public sealed class ApiEnumerationTests(PortalAppFactory app, ITestOutputHelper output) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private async Task<(HttpStatusCode Status, string Detail)> AskAsync(string scheme, string credential)
    {
        using var client = _kit.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, credential);
        using var response = await client.GetAsync("/api/v1/members?limit=1");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, problem.GetProperty("detail").GetString()!);
    }

    private static string WrongSecret(string key) => key[..^8] + (key[^1] == '0' ? "11111111" : "00000000");

    [Fact(DisplayName = "Enumeration: API with an unknown username, a known username with a wrong key, and a made-up key all get the same 401 problem")]
    public async Task ApiSameAnswer()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        var madeUp = "uap_abcdefghijkl_" + new string('0', 64);

        var unknownUser = await AskAsync("apikey", $"nobody-{Guid.NewGuid():N}:{key}");
        var wrongKey = await AskAsync("apikey", $"{member.UserName}:{WrongSecret(key)}");
        var unknownKey = await AskAsync("ApiKey", madeUp);
        var unknownUserUnknownKey = await AskAsync("apikey", $"nobody:{madeUp}");

        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.Status);
        Assert.Equal(unknownUser, wrongKey);
        Assert.Equal(unknownUser, unknownKey);
        Assert.Equal(unknownUser, unknownUserUnknownKey);
    }

    [Fact(DisplayName = "Enumeration: API time of a made-up key prefix is within 3x of a real prefix with a wrong secret (medians printed)")]
    public async Task ApiTiming()
    {
        var (_, member, key) = await _kit.MemberWithKeyAsync();
        var wrong = WrongSecret(key);

        var medians = await Timing.CompareAsync(
            i => AskAsync("apikey", $"{member.UserName}:uap_{Guid.NewGuid().ToString("N")[..12]}_{new string('0', 64)}"),
            _ => AskAsync("apikey", $"{member.UserName}:{wrong}"));

        Timing.AssertSimilar(output, "API key", medians, "unknown prefix", "known prefix, wrong secret");
    }
}
