namespace UserAdmin.Portal.Realtime;

/// <summary>
/// A component's subscription to its organization's changes, for as long as the component lives. Notices that pass
/// the filter are gathered for a short moment and handed over as one batch on the component's renderer (through
/// the <c>invoke</c> it gives, its <c>InvokeAsync</c>), so a bulk action over thousands of members costs one
/// refresh per moment, not one per member. No timer runs while nothing changes: this is not polling.
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

    /// <summary>The moment notices are gathered for before they are applied.</summary>
    public static TimeSpan DefaultDelay { get; } = TimeSpan.FromMilliseconds(250);

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
        }

        // The publisher is not kept waiting: the batch is applied later, on the component's own renderer.
        _ = FlushLaterAsync();
        return Task.CompletedTask;
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(_delay);
        List<ChangeNotice> batch;
        lock (_gate)
        {
            if (_disposed || _pending is null)
            {
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
