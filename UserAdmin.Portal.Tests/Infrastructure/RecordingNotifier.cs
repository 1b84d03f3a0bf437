using System.Collections.Concurrent;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>Keeps every published notice, whatever its organization (for operations that create the organization).</summary>
public sealed class RecordingNotifier : IChangeNotifier
{
    private readonly ConcurrentQueue<ChangeNotice> _published = new();

    public IReadOnlyList<ChangeNotice> Published => [.. _published];

    public Task PublishAsync(IReadOnlyList<ChangeNotice> notices)
    {
        foreach (var notice in notices)
        {
            _published.Enqueue(notice);
        }

        return Task.CompletedTask;
    }

    public IDisposable Subscribe(Guid organizationId, Func<ChangeNotice, Task> handler) => throw new NotSupportedException();
}
