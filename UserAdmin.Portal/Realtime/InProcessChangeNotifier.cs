using System.Collections.Concurrent;

namespace UserAdmin.Portal.Realtime;

/// <summary>Singleton notifier for one server process. A failing subscriber never stops delivery to the others.</summary>
internal sealed class InProcessChangeNotifier(ILogger<InProcessChangeNotifier> logger) : IChangeNotifier
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public int SubscriberCount => _subscriptions.Count;

    public async Task PublishAsync(IReadOnlyList<ChangeNotice> notices)
    {
        if (notices.Count == 0)
        {
            return;
        }

        foreach (var subscription in _subscriptions.Keys)
        {
            foreach (var notice in notices)
            {
                if (notice.OrganizationId != subscription.OrganizationId)
                {
                    continue;
                }

                try
                {
                    await subscription.Handler(notice);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "A change subscriber failed on {Verb}", notice.Verb);
                }
            }
        }
    }

    public IDisposable Subscribe(Guid organizationId, Func<ChangeNotice, Task> handler)
    {
        var subscription = new Subscription(this, organizationId, handler);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    private sealed class Subscription(InProcessChangeNotifier owner, Guid organizationId, Func<ChangeNotice, Task> handler) : IDisposable
    {
        public Guid OrganizationId { get; } = organizationId;
        public Func<ChangeNotice, Task> Handler { get; } = handler;

        public void Dispose() => owner._subscriptions.TryRemove(this, out _);
    }
}
