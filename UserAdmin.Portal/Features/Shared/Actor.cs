using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>Who asks for an operation, as the edge (page or API) knows it. Services never trust more than this.</summary>
public sealed record Actor(Guid AccountId, Guid OrganizationId, string? ClientAddress = null)
{
    /// <summary>How the caller proved who they are; a page's actor is a session unless the API says otherwise.</summary>
    public ActorCredential Credential { get; init; } = ActorCredential.Session;

    /// <summary>A proof that the session's owner typed their password again moments ago (ReauthenticationService).</summary>
    public string? Reauthentication { get; init; }
}

public enum ActorCredential
{
    /// <summary>A signed-in browser session: the cookie was earned once, possibly hours ago.</summary>
    Session,

    /// <summary>An API key, presented afresh with every request.</summary>
    ApiKey,
}

/// <summary>
/// The acting member as the database says right now: loaded inside every operation,
/// so a demotion or suspension takes effect on the next click.
/// </summary>
public sealed record ActingMember(
    Guid AccountId,
    string UserName,
    long MembershipId,
    Guid OrganizationId,
    MemberRank Rank,
    IReadOnlySet<string> Permissions)
{
    public bool IsAdmin => Rank >= MemberRank.Admin;

    /// <summary>
    /// SUPER holds everything; ADMIN holds every portal permission; beyond that, anyone holds what their groups grant.
    /// An organization's own application permissions (say <c>create_sample</c>) come to an ADMIN only through a group,
    /// so an ADMIN cannot grant one they were never given.
    /// </summary>
    public bool Has(string permission) =>
        Rank == MemberRank.Super || (IsAdmin && PortalPermissions.IsPortalPermission(permission)) || Permissions.Contains(permission);
}

/// <summary>What a rule needs to know about the member being acted on.</summary>
public sealed record TargetMember(Guid AccountId, MemberRank Rank, bool IsLastSuper);
