using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Email;

namespace UserAdmin.Portal.Hosting;

/// <summary>The "Portal" configuration section.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    public BootstrapOptions Bootstrap { get; set; } = new();
    public LockoutSettings Lockout { get; set; } = new();

    /// <summary>How long a sign-in lasts without activity.</summary>
    public int SessionHours { get; set; } = 8;

    /// <summary>Where people reach the portal; the base of every link in an email.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    public EmailOptions Email { get; set; } = new();
    public TokenOptions Tokens { get; set; } = new();

    public PasswordSettings Passwords { get; set; } = new();
    public BotChallengeSettings BotChallenge { get; set; } = new();

    /// <summary>Usernames of the instance operators, who may create organizations (/organizations/new).</summary>
    public List<string> Operators { get; set; } = [];

    public UserAdmin.Portal.Features.Api.ApiSettings Api { get; set; } = new();
}

public sealed class PasswordSettings
{
    /// <summary>How long a help-desk temporary password works if its owner does not use it to choose their own.</summary>
    public int TemporaryPasswordHours { get; set; } = 24;

    /// <summary>
    /// The public reset form always takes at least this long to answer, whether or not the account exists, so its
    /// timing tells nothing (email goes out in the background).
    /// </summary>
    public int ResetRequestMinimumMilliseconds { get; set; } = 400;

    /// <summary>Reset requests one client address may send per window (the rate limiter answers 429 beyond).</summary>
    public int ResetRequestsPerAddress { get; set; } = 10;

    /// <summary>Reset emails one account (or one typed username/email) can receive per window; beyond, requests are quietly dropped.</summary>
    public int ResetRequestsPerAccount { get; set; } = 3;

    public int ResetRequestWindowMinutes { get; set; } = 15;
}

/// <summary>The self-hosted proof-of-work challenge (ALTCHA) on public forms.</summary>
public sealed class BotChallengeSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>The HMAC key that signs challenges; a random one per process when not configured (fine for one server).</summary>
    public string? HmacKey { get; set; }

    /// <summary>The largest number the browser may have to try: the work asked of it (~0.1–1 s at the default).</summary>
    public int MaxNumber { get; set; } = 100_000;

    public int LifetimeMinutes { get; set; } = 10;
}

/// <summary>The first organization and its SUPER admin, created on an empty database.</summary>
public sealed class BootstrapOptions
{
    public string OrganizationName { get; set; } = "default";
    public string OrganizationDisplayName { get; set; } = "Default organization";
    public string AdminUserName { get; set; } = "admin";
    public string AdminEmail { get; set; } = "admin@localhost";

    /// <summary>Must come from configuration or the environment (Portal__Bootstrap__AdminPassword); never a default.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Make the first admin choose a new password at first sign-in (default on outside Development).</summary>
    public bool? AdminMustChangePassword { get; set; }
}

public sealed class LockoutSettings
{
    public int MaxFailedAttempts { get; set; } = 5;
    public int Minutes { get; set; } = 15;
}

/// <summary>Thrown when the portal cannot start with the configuration it was given; the message says why.</summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
