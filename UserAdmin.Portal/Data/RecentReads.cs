using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace UserAdmin.Portal.Data;

/// <summary>
/// Answers read from the database and trusted again while no change has committed in this process since they were
/// read (<see cref="CommittedChanges"/>), and for <c>lifetime</c> at most (what another process writes to the same
/// file). The caller notes <see cref="CommittedChanges.Generation"/> before it reads and hands it to
/// <see cref="Remember"/>, so a change that commits while the read runs makes the answer a miss at once. Bounded: when
/// full, it starts again empty.
/// </summary>
internal sealed class RecentReads<TKey, TValue>(TimeSpan lifetime, int capacity = 10_000) where TKey : notnull
{
    private sealed record Entry(long Generation, DateTime ReadAt, TValue Value);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public bool TryGet(TKey key, DateTime now, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == CommittedChanges.Generation && entry.ReadAt > now - lifetime)
        {
            value = entry.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <param name="generation">The count noted before the read.</param>
    public void Remember(TKey key, long generation, DateTime readAt, TValue value)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = new Entry(generation, readAt, value);
    }
}
