using Microsoft.AspNetCore.Identity;

namespace UserAdmin.Portal.Data;

/// <summary>The Identity user: one person, who may belong to several organizations.</summary>
public sealed class Account : IdentityUser<Guid>
{
    public const int NameMaxLength = 100;

    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string DisplayName { get; set; } = "";

    public bool MustChangePassword { get; set; }
    public DateTime? LastPasswordChangeAt { get; set; }

    /// <summary>Set while the password is a temporary one from the help desk: after this time it no longer signs in.</summary>
    public DateTime? TemporaryPasswordExpiresAt { get; set; }

    /// <summary>False while the account waits for its owner to follow the activation link.</summary>
    public bool IsActivated { get; set; } = true;
    public DateTime? ActivatedAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? EmailConfirmedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    public DeviceStatus DeviceStatus { get; set; }
    public DateTime? DeviceAddedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
    public List<CustomProperty> CustomProperties { get; set; } = [];
    public List<ComputerUsername> ComputerUsernames { get; set; } = [];
    public List<Smartcard> Smartcards { get; set; } = [];
    public List<ApiKey> ApiKeys { get; set; } = [];
}

/// <summary>A free key/value pair on an account (Usergrid's extra properties such as city or state).</summary>
public sealed class CustomProperty
{
    public const int KeyMaxLength = 64;
    public const int ValueMaxLength = 1024;

    public Guid AccountId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>A workstation login name mapped to the account.</summary>
public sealed class ComputerUsername
{
    public const int MaxLength = 64;

    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>A smartcard held by the account: a number of digits and an optional label. Never a PIN.</summary>
public sealed class Smartcard
{
    public const int NumberMaxLength = 32;
    public const int LabelMaxLength = 100;

    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public string Number { get; set; } = "";
    public string? Label { get; set; }
}
