namespace UserAdmin.Portal.Features.Accounts;

/// <summary>The "Portal:Tokens" configuration section: how long emailed links work.</summary>
public sealed class TokenOptions
{
    /// <summary>An activation link's lifetime (configuration format d.hh:mm:ss, e.g. 3.00:00:00).</summary>
    public TimeSpan ActivationLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>A password-reset link's lifetime: short, since the link alone lets its holder choose the password.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the link confirming a changed email address works.</summary>
    public TimeSpan EmailConfirmationLifetime { get; set; } = TimeSpan.FromHours(72);
}
