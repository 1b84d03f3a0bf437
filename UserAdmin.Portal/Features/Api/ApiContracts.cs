using System.ComponentModel;
using System.Text.Json.Serialization;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Api;

// The API's own shapes: stable names for scripts, independent of the pages' view models. Request bodies refuse
// fields they do not know (a typo must not be silently ignored).

/// <summary>One member of the organization, with the versions a later change must quote.</summary>
public sealed record ApiMember(
    Guid Id,
    string UserName,
    [property: Description("Null when the member has no email address.")] string? Email,
    bool EmailConfirmed,
    string FirstName,
    string LastName,
    string DisplayName,
    MemberRank Rank,
    MemberTag Tag,
    bool Suspended,
    bool Activated,
    bool LockedOut,
    bool MustChangePassword,
    DateTime CreatedAt,
    DateTime JoinedAt,
    DateTime? LastSignInAt,
    DateTime? LastPasswordChangeAt,
    Guid? PrimaryGroupId,
    [property: Description("The membership's version: quote it when changing rank, tag or removing the member (409 when stale).")] string Version,
    [property: Description("The account's version: quote it when changing the profile (409 when stale).")] string AccountVersion)
{
    public static ApiMember From(MemberDetail d, DateTimeOffset now) => new(
        d.AccountId, d.UserName, d.Email.Length == 0 ? null : d.Email, d.EmailConfirmed, d.FirstName, d.LastName, d.DisplayName, d.Rank, d.Tag, d.IsSuspended,
        d.IsActivated, d.IsLockedOut(now), d.MustChangePassword, d.CreatedAt, d.JoinedAt, d.LastSignInAt, d.LastPasswordChangeAt,
        d.PrimaryGroupId, d.Version, d.AccountVersion);
}

public sealed record ApiMemberListItem(
    Guid Id, string UserName, [property: Description("Null when the member has no email address.")] string? Email, string DisplayName, MemberRank Rank, MemberTag Tag, MemberStatus Status, string Groups,
    DateTime CreatedAt, DateTime? LastSignInAt, bool EmailConfirmed, bool MustChangePassword, DeviceStatus DeviceStatus)
{
    public static ApiMemberListItem From(MemberRow r) => new(
        r.AccountId, r.UserName, r.Email.Length == 0 ? null : r.Email, r.DisplayName, r.Rank, r.Tag, r.Status, r.GroupNames, r.CreatedAt, r.LastSignInAt,
        r.EmailConfirmed, r.MustChangePassword, r.DeviceStatus);
}

public sealed record ApiMemberPage(
    IReadOnlyList<ApiMemberListItem> Items,
    [property: Description("Pass as ?cursor= (with the same filters and sort) for the next page; null on the last page.")] string? Next,
    [property: Description("The number of matches, only with ?count=true.")] int? Total);

/// <summary>The outcome of an action: false when the member already was so (nothing written).</summary>
public sealed record ApiChanged(bool Changed);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiCreateMember
{
    public string? UserName { get; set; }

    [Description("Optional; without one, a password is needed (no activation email can be sent).")]
    public string? Email { get; set; }

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? DisplayName { get; set; }

    [Description("An initial password; leave it out and set sendActivationEmail to let the member choose one.")]
    public string? Password { get; set; }

    [Description("Require a new password at first sign-in (default true).")]
    public bool? MustChangePassword { get; set; }

    public bool? SendActivationEmail { get; set; }

    [Description("User (default) or Guest.")]
    public MemberTag? Tag { get; set; }

    public NewMember ToNewMember() => new()
    {
        UserName = UserName ?? "",
        Email = Email ?? "",
        FirstName = FirstName ?? "",
        LastName = LastName ?? "",
        DisplayName = DisplayName,
        Password = Password,
        MustChangePassword = MustChangePassword ?? true,
        SendActivationEmail = SendActivationEmail ?? false,
        Tag = Tag ?? MemberTag.User,
    };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiUpdateProfile
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? DisplayName { get; set; }

    [Description("Left out or null keeps the address; an empty string removes it (not from an account pending activation).")]
    public string? Email { get; set; }

    [Description("The member's accountVersion as last read.")]
    public string? AccountVersion { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiSetRank
{
    [Description("Regular, Admin or Super.")]
    public MemberRank? Rank { get; set; }

    [Description("The member's version as last read.")]
    public string? Version { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiSetTag
{
    [Description("User: promotes a guest (the only change of tag there is).")]
    public MemberTag? Tag { get; set; }

    public string? Version { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiCreateGroup
{
    public string? Name { get; set; }
    public string? Description { get; set; }
}

public sealed record ApiSetPassword(
    [property: Description("The temporary password you chose: at least 12 characters, not a common one, not containing the username. Never recorded or logged.")] string? Password);

public sealed record ApiTemporaryPassword(
    [property: Description("Shown once: pass it to the member over a trusted channel.")] string Password, DateTime ExpiresAt);

public sealed record ApiEmailOutcome(string Email, bool Sent, string? Problem);

public sealed record ApiCreated(Guid Id);

public sealed record ApiActivityPage(
    IReadOnlyList<ActivityItem> Items,
    [property: Description("Pass as ?before= for the next (older) page; null when there is none.")] long? Next);

internal static class ApiActor
{
    /// <summary>The key's owner in the key's organization; the services re-check their standing on every call.</summary>
    public static Actor Of(HttpContext http) =>
        new(http.User.AccountId()!.Value, http.User.OrganizationId()!.Value, http.Connection.RemoteIpAddress?.ToString())
        {
            // Only a principal the key handler made counts as a key; anything else is treated as a session.
            Credential = http.User.Identity?.AuthenticationType == ApiKeyDefaults.Scheme ? ActorCredential.ApiKey : ActorCredential.Session,
        };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiSmartcard
{
    [Description("4–32 digits.")]
    public string? Number { get; set; }

    public string? Label { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiReplaceSmartcards
{
    [Description("The whole list; empty clears.")]
    public List<ApiSmartcard>? Smartcards { get; set; }

    [Description("Allow a number another member of the organization holds.")]
    public bool? AllowDuplicates { get; set; }

    public string? AccountVersion { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiReplaceComputerUsernames
{
    [Description("The whole list (DOMAIN\\name, name, or a machine account ending in $); empty clears.")]
    public List<string>? Names { get; set; }

    public string? AccountVersion { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiProperty
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiReplaceProperties
{
    [Description("The whole list; empty clears.")]
    public List<ApiProperty>? Properties { get; set; }

    public string? AccountVersion { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiSetPrimaryGroup
{
    [Description("A group the member is in, or null for none.")]
    public Guid? GroupId { get; set; }

    public string? Version { get; set; }
}

public sealed record ApiProperties(IReadOnlyList<PropertyInput> Properties);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiCreatePolicy
{
    public string? Name { get; set; }
    public string? Description { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiAddExistingAccount
{
    [Description("The username or email of an account that exists in another organization.")]
    public string? Login { get; set; }
}
