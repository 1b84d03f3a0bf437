using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// The real portal (request pipeline on a TestServer, real services, migrated SQLite file) with a capturing email
/// sender and a clock the tests may move forward, for attacks on the static account forms. The bot challenge is off
/// so that the forgot-password form reaches the service; everything else is as configured in production.
/// </summary>
public abstract class PortalAbuseHost(Dictionary<string, string?> settings) : IAsyncLifetime
{
    private PortalServices? _portal;

    public PortalServices Portal => _portal!;
    public CapturingEmailSender Email { get; } = new();
    public TestClock Clock { get; } = new();

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(server: true, settings: settings, configure: s =>
        {
            s.AddSingleton<IEmailSender>(Email);
            s.AddSingleton<TimeProvider>(Clock);
        });

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}

/// <summary>The portal as configured in production, apart from the bot challenge.</summary>
public sealed class AbuseHost() : PortalAbuseHost(new Dictionary<string, string?>
{
    ["Portal:BotChallenge:Enabled"] = "false",
    ["Portal:Passwords:ResetRequestMinimumMilliseconds"] = "50",
    // The timing tests post the public forms dozens of times from one address; the limit has its own tests.
    ["Portal:Passwords:ResetRequestsPerAddress"] = "1000",
});

/// <summary>The same portal with a small per-address limit on the public reset forms.</summary>
public sealed class RateLimitedAbuseHost() : PortalAbuseHost(new Dictionary<string, string?>
{
    ["Portal:BotChallenge:Enabled"] = "false",
    ["Portal:Passwords:ResetRequestsPerAddress"] = "4",
    ["Portal:Passwords:ResetRequestMinimumMilliseconds"] = "0",
});

/// <summary>Posting the static forms the way a hostile page or script would: with or without the antiforgery token.</summary>
internal static class HostileForms
{
    /// <summary>Posts to <paramref name="url"/>; with <paramref name="antiforgeryFrom"/> set, first reads the token from that page.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> fields, string? antiforgeryFrom)
    {
        if (antiforgeryFrom is not null)
        {
            fields[PortalHttp.AntiforgeryField] = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(antiforgeryFrom));
        }

        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    public static Dictionary<string, string> SignIn(string login, string password) => new()
    {
        ["_handler"] = "sign-in",
        ["Input.Login"] = login,
        ["Input.Password"] = password,
        ["Input.ReturnUrl"] = "/",
    };

    public static Dictionary<string, string> NewPassword(string handler, string password) => new()
    {
        ["_handler"] = handler,
        ["Input.NewPassword"] = password,
        ["Input.ConfirmPassword"] = password,
    };

    public static Dictionary<string, string> Forgot(string login) => new()
    {
        ["_handler"] = "forgot-password",
        ["Input.Login"] = login,
    };
}
