namespace UserAdmin.Portal.Realtime;

/// <summary>What changed, published after the transaction that changed it has committed.</summary>
/// <param name="OrganizationId">The organization the change belongs to; subscribers filter on it.</param>
/// <param name="Entity">The kind of thing that changed: see <see cref="ChangeEntities"/>.</param>
/// <param name="EntityId">Its id as text (a member's account id, a group id, …).</param>
/// <param name="Verb">The activity verb of the change, e.g. <c>member.suspended</c>.</param>
/// <param name="ActorAccountId">Who made the change, or null for the system.</param>
/// <param name="ActivityId">The activity record written with the change, if any.</param>
/// <param name="ActorName">Who made the change, as the activity feed names them ("system" for the system).</param>
/// <param name="Title">The change in words, as its activity record says it (never holds a secret).</param>
public sealed record ChangeNotice(
    Guid OrganizationId,
    string Entity,
    string EntityId,
    string Verb,
    Guid? ActorAccountId,
    long? ActivityId,
    DateTime At,
    string? ActorName = null,
    string? Title = null);

public static class ChangeEntities
{
    public const string Member = "member";
    public const string Group = "group";
    public const string Organization = "organization";
    public const string Policy = "policy";
}
