using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Tests.Realtime;

public sealed class LiveSubscriptionTests
{
    private static readonly Guid Org = Guid.NewGuid();

    private readonly InProcessChangeNotifier _notifier = new(NullLogger<InProcessChangeNotifier>.Instance);

    [Fact]
    public async Task ABurstOfNoticesArrivesAsOneBatchOnTheComponentsRenderer()
    {
        var batches = new List<IReadOnlyList<ChangeNotice>>();
        var applied = new TaskCompletionSource();
        var invoked = 0;
        using var live = LiveSubscription.Start(_notifier, Org, n => n.Entity == ChangeEntities.Member,
            batch => { batches.Add(batch); applied.TrySetResult(); return Task.CompletedTask; },
            work => { Interlocked.Increment(ref invoked); return work(); },
            TimeSpan.FromMilliseconds(100));

        await _notifier.PublishAsync(Enumerable.Range(0, 500).Select(i => Notice($"m{i}")).Append(Notice("g", ChangeEntities.Group)).ToList());
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var batch = Assert.Single(batches);
        Assert.Equal(500, batch.Count);
        Assert.Equal(1, invoked);
        Assert.DoesNotContain(batch, n => n.Entity == ChangeEntities.Group);
    }

    [Fact]
    public async Task TheNextChangeAfterABatchStartsANewOne()
    {
        var batches = new List<int>();
        var second = new TaskCompletionSource();
        using var live = LiveSubscription.Start(_notifier, Org, _ => true,
            batch => { batches.Add(batch.Count); if (batches.Count == 2) { second.TrySetResult(); } return Task.CompletedTask; },
            work => work(), TimeSpan.FromMilliseconds(20));

        await _notifier.PublishAsync([Notice("a"), Notice("b")]);
        await WaitUntilAsync(() => batches.Count == 1);
        await _notifier.PublishAsync([Notice("c")]);
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([2, 1], batches);
    }

    [Fact]
    public async Task AChangeShowsAtOnceAndWhatFollowsWaitsForThePause()
    {
        var batches = new List<int>();
        var first = new TaskCompletionSource();
        var second = new TaskCompletionSource();
        using var live = LiveSubscription.Start(_notifier, Org, _ => true,
            batch =>
            {
                batches.Add(batch.Count);
                (batches.Count == 1 ? first : second).TrySetResult();
                return Task.CompletedTask;
            },
            work => work(), TimeSpan.FromSeconds(3));

        await _notifier.PublishAsync([Notice("a")]);

        // Not after the 3-second pause: the first change is applied right away.
        await first.Task.WaitAsync(TimeSpan.FromSeconds(2));
        await _notifier.PublishAsync([Notice("b")]);
        await _notifier.PublishAsync([Notice("c")]);
        Assert.False(second.Task.IsCompleted);
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2], batches);
    }

    [Fact]
    public async Task NothingIsAppliedAfterTheComponentIsGone()
    {
        var applied = 0;
        var live = LiveSubscription.Start(_notifier, Org, _ => true, _ => { applied++; return Task.CompletedTask; }, work => work(), TimeSpan.FromMilliseconds(50));

        await _notifier.PublishAsync([Notice("a")]);
        live.Dispose();
        await _notifier.PublishAsync([Notice("b")]);

        // The pending batch's moment passes (and more) without anything applied.
        await Task.Delay(200);
        Assert.Equal(0, applied);
        Assert.Equal(0, _notifier.SubscriberCount);
    }

    private static ChangeNotice Notice(string id, string entity = ChangeEntities.Member) =>
        new(Org, entity, id, "member.suspended", null, null, DateTime.UtcNow);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var limit = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, "Gave up waiting.");
            await Task.Delay(10);
        }
    }
}
