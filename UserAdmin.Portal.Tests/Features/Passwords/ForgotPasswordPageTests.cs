using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Passwords;

/// <summary>The app with its request pipeline, a capturing sender and the given settings, for the public reset form.</summary>
public abstract class ForgotPasswordHost(Dictionary<string, string?> settings) : IAsyncLifetime
{
    private PortalServices? _portal;

    public PortalServices Portal => _portal!;
    public CapturingEmailSender Email { get; } = new();

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(server: true, settings: settings, configure: s => s.AddSingleton<IEmailSender>(Email));

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}

public sealed class OpenForgotPasswordHost() : ForgotPasswordHost(new()
{
    ["Portal:BotChallenge:Enabled"] = "false",
    ["Portal:Passwords:ResetRequestMinimumMilliseconds"] = "50",
});

public sealed class LimitedForgotPasswordHost() : ForgotPasswordHost(new()
{
    ["Portal:BotChallenge:Enabled"] = "false",
    ["Portal:Passwords:ResetRequestsPerAddress"] = "3",
    ["Portal:Passwords:ResetRequestMinimumMilliseconds"] = "0",
});

public sealed class ChallengedForgotPasswordHost() : ForgotPasswordHost(new()
{
    ["Portal:BotChallenge:MaxNumber"] = "3000",
    ["Portal:Passwords:ResetRequestMinimumMilliseconds"] = "0",
});

internal static partial class ForgotPasswordForm
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string login, string? altcha = null, bool antiforgery = true)
    {
        var page = await client.GetStringAsync("/Account/ForgotPassword");
        var fields = new Dictionary<string, string> { ["_handler"] = "forgot-password", ["Input.Login"] = login };
        if (antiforgery)
        {
            fields[PortalHttp.AntiforgeryField] = PortalHttp.ReadAntiforgeryToken(page);
        }

        if (altcha is not null)
        {
            fields["altcha"] = altcha;
        }

        return await client.PostAsync("/Account/ForgotPassword", new FormUrlEncodedContent(fields));
    }

    public static string? Answer(string html) =>
        Requested().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;

    [GeneratedRegex("data-testid=\"reset-requested\">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex Requested();
}

public sealed class ForgotPasswordPageTests(OpenForgotPasswordHost host) : IClassFixture<OpenForgotPasswordHost>
{
    [Fact]
    public async Task AnExistingAndAnUnknownAccountGetTheSamePageAndOnlyTheExistingOneAnEmail()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();

        var known = await ForgotPasswordForm.PostAsync(client, member.UserName);
        var unknown = await ForgotPasswordForm.PostAsync(client, "nobody-" + Guid.NewGuid().ToString("N"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (known.StatusCode, unknown.StatusCode));
        var knownAnswer = ForgotPasswordForm.Answer(await known.Content.ReadAsStringAsync());
        Assert.Equal(PasswordResetService.RequestAnswer, knownAnswer);
        Assert.Equal(knownAnswer, ForgotPasswordForm.Answer(await unknown.Content.ReadAsStringAsync()));

        // Sent after the answer, by the outbox.
        var message = await Eventually.ReturnsAsync(() => Task.FromResult(host.Email.To($"{member.UserName}@portal.test") is [var first, ..] ? first : null), "the reset email");
        Assert.Equal(member.AccountId, CapturingEmailSender.ResetLink(message).AccountId);
        Assert.DoesNotContain(host.Email.Sent, m => m.To.StartsWith("nobody-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        using var client = host.Portal.CreateBrowser();

        var response = await ForgotPasswordForm.PostAsync(client, "admin", antiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TheChallengeEndpointIsOffWhenTheChallengeIs()
    {
        using var client = host.Portal.CreateBrowser();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/altcha/challenge")).StatusCode);
        Assert.DoesNotContain("altcha-widget", await client.GetStringAsync("/Account/ForgotPassword"), StringComparison.Ordinal);
    }
}

public sealed class ForgotPasswordRateLimitTests(LimitedForgotPasswordHost host) : IClassFixture<LimitedForgotPasswordHost>
{
    [Fact]
    public async Task TheFourthPostFromOneAddressIsAnsweredWith429AndRetryAfterWhileThePageStillOpens()
    {
        using var client = host.Portal.CreateBrowser();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ForgotPasswordForm.PostAsync(client, $"someone-{i}")).StatusCode);
        }

        var limited = await ForgotPasswordForm.PostAsync(client, "someone-else");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("Too many requests", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/ForgotPassword")).StatusCode);
    }
}

public sealed class ForgotPasswordChallengeTests(ChallengedForgotPasswordHost host) : IClassFixture<ChallengedForgotPasswordHost>
{
    /// <summary>What the widget does: fetch a challenge, find the number, post the payload.</summary>
    private static async Task<string> SolveAsync(HttpClient client)
    {
        var challenge = (await client.GetFromJsonAsync<JsonElement>("/altcha/challenge"))!;
        var salt = challenge.GetProperty("salt").GetString()!;
        var target = challenge.GetProperty("challenge").GetString()!;
        var number = Enumerable.Range(0, challenge.GetProperty("maxnumber").GetInt32() + 1).First(n =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + n.ToString(CultureInfo.InvariantCulture)))) == target);
        var payload = JsonSerializer.Serialize(new
        {
            algorithm = "SHA-256",
            challenge = target,
            number,
            salt,
            signature = challenge.GetProperty("signature").GetString(),
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
    }

    [Fact]
    public async Task WithoutASolvedChallengeNothingIsSentAndThePageSaysWhy()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();

        var response = await ForgotPasswordForm.PostAsync(client, member.UserName);

        var html = await response.Content.ReadAsStringAsync();
        Assert.Null(ForgotPasswordForm.Answer(html));
        Assert.Contains("not a robot", WebUtility.HtmlDecode(PortalHttp.ReadAlert(html) ?? ""), StringComparison.Ordinal);
        Assert.Contains("altcha-widget", html, StringComparison.Ordinal);
        Assert.Empty(host.Email.To($"{member.UserName}@portal.test"));
    }

    [Fact]
    public async Task ASolvedChallengeWorksOnceAndTheLinkIsSent()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();
        var solution = await SolveAsync(client);

        var first = await ForgotPasswordForm.PostAsync(client, member.UserName, solution);
        var replay = await ForgotPasswordForm.PostAsync(client, member.UserName, solution);

        Assert.Equal(PasswordResetService.RequestAnswer, ForgotPasswordForm.Answer(await first.Content.ReadAsStringAsync()));
        Assert.Null(ForgotPasswordForm.Answer(await replay.Content.ReadAsStringAsync()));
        await Eventually.ReturnsAsync(() => Task.FromResult(host.Email.To($"{member.UserName}@portal.test") is [var first, ..] ? first : null), "the reset email");
    }
}
