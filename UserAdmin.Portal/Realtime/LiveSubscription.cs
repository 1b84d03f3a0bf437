namespace UserAdmin.Portal.Realtime;

/// <summary>
/// A component's subscription to its organization's changes, for as long as the component lives. The first notice
/// that passes the filter is applied almost at once (after a few milliseconds that gather what was published with it),
/// on the component's renderer (through the <c>invoke</c> it gives, its <c>InvokeAsync</c>); notices that arrive
/// meanwhile wait and are applied as one batch, at most one batch per <see cref="DefaultDelay"/>. So one change shows
/// at once, and a bulk action over thousands of members costs a few refreshes, not one per member. No timer runs
/// while nothing changes: this is not polling.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly object _gate = new();
    private readonly Func<ChangeNotice, bool> _filter;
    private readonly Func<IReadOnlyList<ChangeNotice>, Task> _apply;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly TimeSpan _delay;
    private readonly IDisposable _subscription;
    private List<ChangeNotice>? _pending;
    private bool _running;
    private bool _disposed;

    private LiveSubscription(
        IChangeNotifier notifier,
        Guid organizationId,
        Func<ChangeNotice, bool> filter,
        Func<IReadOnlyList<ChangeNotice>, Task> apply,
        Func<Func<Task>, Task> invoke,
        TimeSpan delay)
    {
        _filter = filter;
        _apply = apply;
        _invoke = invoke;
        _delay = delay;
        _subscription = notifier.Subscribe(organizationId, OnNoticeAsync);
    }

    /// <summary>The shortest time between two batches applied to one component.</summary>
    public static TimeSpan DefaultDelay { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the first notice waits for others published with it (a bulk action's batch).</summary>
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    /// <param name="invoke">The component's <c>InvokeAsync</c>: the batch is applied on its renderer.</param>
    public static LiveSubscription Start(
        IChangeNotifier notifier,
        Guid organizationId,
        Func<ChangeNotice, bool> filter,
        Func<IReadOnlyList<ChangeNotice>, Task> apply,
        Func<Func<Task>, Task> invoke,
        TimeSpan? delay = null) =>
        new(notifier, organizationId, filter, apply, invoke, delay ?? DefaultDelay);

    private Task OnNoticeAsync(ChangeNotice notice)
    {
        if (!_filter(notice))
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            if (_pending is not null)
            {
                _pending.Add(notice);
                return Task.CompletedTask;
            }

            _pending = [notice];
            if (_running)
            {
                // The running loop takes it after its pause.
                return Task.CompletedTask;
            }

            _running = true;
        }

        // The publisher is not kept waiting: batches are applied later, on the component's own renderer.
        _ = ApplyLoopAsync();
        return Task.CompletedTask;
    }

    private async Task ApplyLoopAsync()
    {
        await Task.Delay(GatherWindow < _delay ? GatherWindow : _delay);
        while (true)
        {
            List<ChangeNotice> batch;
            lock (_gate)
            {
                if (_disposed || _pending is null)
                {
                    _running = false;
                    return;
                }

                batch = _pending;
                _pending = null;
            }

            try
            {
                await _invoke(() => _apply(batch));
            }
            catch (ObjectDisposedException)
            {
                // The component went away (circuit closed) while the batch waited.
                lock (_gate)
                {
                    _running = false;
                }

                return;
            }

            await Task.Delay(_delay);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pending = null;
        }

        _subscription.Dispose();
    }
}
