namespace UserAdmin.Portal.Realtime;

/// <summary>
/// Fans committed changes out to whoever is looking. The in-process implementation serves one server;
/// a cross-server backplane implements the same interface (publish locally and to the bus, deliver what the bus brings).
/// </summary>
public interface IChangeNotifier
{
    /// <summary>Delivers the notices to every matching subscriber. Call only after the change has committed.</summary>
    Task PublishAsync(IReadOnlyList<ChangeNotice> notices);

    /// <summary>
    /// Subscribes to one organization's changes for as long as the returned handle is not disposed.
    /// Handlers run on the publisher's thread: a component must marshal through <c>InvokeAsync</c>.
    /// </summary>
    IDisposable Subscribe(Guid organizationId, Func<ChangeNotice, Task> handler);
}
