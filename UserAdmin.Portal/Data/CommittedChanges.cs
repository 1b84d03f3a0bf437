namespace UserAdmin.Portal.Data;

/// <summary>
/// A counter that moves after every committed operation of this process (<see cref="Features.Shared.OperationRunner"/>
/// bumps it). Short-lived caches of what the database said (a verified API key, for one) note the count before they
/// read and trust an entry only while the count has not moved: any change at all — a key revoked, an owner suspended,
/// demoted, removed, locked out — makes every entry a miss at once. It only ever invalidates, so sharing it between
/// hosts in one process (tests) costs misses, never a stale answer.
/// </summary>
internal static class CommittedChanges
{
    private static long _generation;

    public static long Generation => Interlocked.Read(ref _generation);

    public static void Bump() => Interlocked.Increment(ref _generation);
}
