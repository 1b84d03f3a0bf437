using System.Collections.Concurrent;

namespace UserAdmin.Portal.Realtime;

/// <summary>Someone looking at a page right now, and whether they have unsaved edits there.</summary>
public sealed record PresentViewer(Guid SessionId, Guid AccountId, string UserName, bool Editing);

/// <summary>
/// Who is on which page (a "topic", e.g. one member's detail page) right now. The in-process tracker serves one
/// server; a cross-server one implements the same interface over a shared store with expiring entries.
/// </summary>
public interface IPresenceTracker
{
    /// <summary>Marks a viewer present on a topic until the handle is disposed.</summary>
    PresenceHandle Join(Guid organizationId, string topic, Guid accountId, string userName);

    IReadOnlyList<PresentViewer> Who(Guid organizationId, string topic);

    /// <summary>Calls <paramref name="changed"/> (on the changer's thread) whenever the topic's viewers change.</summary>
    IDisposable Watch(Guid organizationId, string topic, Func<Task> changed);
}

/// <summary>One viewer's presence: say when they start or stop editing; dispose when they leave.</summary>
public sealed class PresenceHandle(Guid sessionId, Action<bool> setEditing, Action leave) : IDisposable
{
    private int _left;

    public Guid SessionId { get; } = sessionId;

    public void SetEditing(bool editing)
    {
        if (Volatile.Read(ref _left) == 0)
        {
            setEditing(editing);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            leave();
        }
    }
}

internal sealed class InProcessPresenceTracker(ILogger<InProcessPresenceTracker> logger) : IPresenceTracker
{
    private readonly ConcurrentDictionary<(Guid, string), ConcurrentDictionary<Guid, PresentViewer>> _topics = new();
    private readonly ConcurrentDictionary<(Guid, string), ConcurrentDictionary<Guid, Func<Task>>> _watchers = new();

    public PresenceHandle Join(Guid organizationId, string topic, Guid accountId, string userName)
    {
        var key = (organizationId, topic);
        var session = Guid.NewGuid();
        var viewers = _topics.GetOrAdd(key, _ => new());
        viewers[session] = new PresentViewer(session, accountId, userName, false);
        Announce(key);
        return new PresenceHandle(
            session,
            editing =>
            {
                if (viewers.TryGetValue(session, out var viewer) && viewer.Editing != editing)
                {
                    viewers[session] = viewer with { Editing = editing };
                    Announce(key);
                }
            },
            () =>
            {
                viewers.TryRemove(session, out _);
                Announce(key);
            });
    }

    public IReadOnlyList<PresentViewer> Who(Guid organizationId, string topic) =>
        _topics.TryGetValue((organizationId, topic), out var viewers) ? viewers.Values.OrderBy(v => v.UserName, StringComparer.Ordinal).ToList() : [];

    public IDisposable Watch(Guid organizationId, string topic, Func<Task> changed)
    {
        var key = (organizationId, topic);
        var id = Guid.NewGuid();
        _watchers.GetOrAdd(key, _ => new())[id] = changed;
        return new Unwatch(() => _watchers.GetOrAdd(key, _ => new()).TryRemove(id, out _));
    }

    private void Announce((Guid, string) key)
    {
        if (!_watchers.TryGetValue(key, out var watchers))
        {
            return;
        }

        foreach (var watcher in watchers.Values)
        {
            _ = NotifyAsync(watcher);
        }
    }

    private async Task NotifyAsync(Func<Task> watcher)
    {
        try
        {
            await watcher();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A presence watcher failed");
        }
    }

    private sealed class Unwatch(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
