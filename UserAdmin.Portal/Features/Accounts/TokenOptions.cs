namespace UserAdmin.Portal.Features.Accounts;

/// <summary>The "Portal:Tokens" configuration section: how long emailed links work.</summary>
public sealed class TokenOptions
{
    /// <summary>An activation link's lifetime (configuration format d.hh:mm:ss, e.g. 3.00:00:00).</summary>
    public TimeSpan ActivationLifetime { get; set; } = TimeSpan.FromHours(72);
}
