namespace UserAdmin.Portal.Data;

/// <summary>
/// Append-only record of one change: who did what to whom. Never holds a password, token, key or PIN.
/// The auto-increment id orders the feed and makes keyset paging possible.
/// </summary>
public sealed class ActivityRecord
{
    public long Id { get; set; }
    public Guid? OrganizationId { get; set; }

    /// <summary>Null when the system acted (first-run setup, scheduled work).</summary>
    public Guid? ActorAccountId { get; set; }
    public string ActorName { get; set; } = "";
    public string Verb { get; set; } = "";
    public Guid? TargetAccountId { get; set; }
    public string TargetName { get; set; } = "";
    public string Title { get; set; } = "";
    public ActivityCategory Category { get; set; }

    /// <summary>JSON object: field name → { before, after }.</summary>
    public string? Diff { get; set; }
    public string? ClientAddress { get; set; }
    public DateTime OccurredAt { get; set; }
}

public sealed class ApiKey
{
    public const int NameMaxLength = 100;

    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The public part shown in lists and used to find the key; the secret is stored only as a hash.</summary>
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public ApiKeyScope Scope { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
