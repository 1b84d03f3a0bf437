using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Tests.Realtime;

public sealed class InProcessChangeNotifierTests
{
    private static readonly Guid OrgA = Guid.NewGuid();
    private static readonly Guid OrgB = Guid.NewGuid();

    private readonly InProcessChangeNotifier _notifier = new(NullLogger<InProcessChangeNotifier>.Instance);

    [Fact]
    public async Task ASubscriberHearsOnlyItsOwnOrganization()
    {
        var heardByA = new List<ChangeNotice>();
        var heardByB = new List<ChangeNotice>();
        using var a = _notifier.Subscribe(OrgA, n => Record(heardByA, n));
        using var b = _notifier.Subscribe(OrgB, n => Record(heardByB, n));
        var forA = Notice(OrgA, "member.suspended");
        var forB = Notice(OrgB, "member.unsuspended");

        await _notifier.PublishAsync([forA, forB, forA with { Verb = "member.added" }]);

        Assert.Equal(["member.suspended", "member.added"], heardByA.Select(n => n.Verb));
        Assert.Equal([forB], heardByB);
    }

    [Fact]
    public async Task DisposingASubscriptionStopsItsDeliveries()
    {
        var heard = new List<ChangeNotice>();
        var subscription = _notifier.Subscribe(OrgA, n => Record(heard, n));
        await _notifier.PublishAsync([Notice(OrgA, "first")]);

        subscription.Dispose();
        await _notifier.PublishAsync([Notice(OrgA, "second")]);

        Assert.Equal(["first"], heard.Select(n => n.Verb));
        Assert.Equal(0, _notifier.SubscriberCount);
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var subscription = _notifier.Subscribe(OrgA, _ => Task.CompletedTask);
        using var other = _notifier.Subscribe(OrgA, _ => Task.CompletedTask);

        subscription.Dispose();
        subscription.Dispose();

        Assert.Equal(1, _notifier.SubscriberCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AThrowingSubscriberDoesNotStopTheOthers(bool throwingSubscribesFirst)
    {
        var heard = new List<ChangeNotice>();
        using var first = throwingSubscribesFirst
            ? _notifier.Subscribe(OrgA, _ => throw new InvalidOperationException("broken page"))
            : _notifier.Subscribe(OrgA, n => Record(heard, n));
        using var second = throwingSubscribesFirst
            ? _notifier.Subscribe(OrgA, n => Record(heard, n))
            : _notifier.Subscribe(OrgA, async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("broken page");
            });

        await _notifier.PublishAsync([Notice(OrgA, "one"), Notice(OrgA, "two")]);

        Assert.Equal(["one", "two"], heard.Select(n => n.Verb));
    }

    [Fact]
    public async Task AnEmptyBatchOrAnotherOrganizationsNoticeReachesNobody()
    {
        var heard = new List<ChangeNotice>();
        using var a = _notifier.Subscribe(OrgA, n => Record(heard, n));

        await _notifier.PublishAsync([]);
        await _notifier.PublishAsync([Notice(OrgB, "unheard")]);

        Assert.Empty(heard);
        Assert.Equal(1, _notifier.SubscriberCount);
    }

    private static Task Record(List<ChangeNotice> heard, ChangeNotice notice)
    {
        heard.Add(notice);
        return Task.CompletedTask;
    }

    private static ChangeNotice Notice(Guid organizationId, string verb) =>
        new(organizationId, ChangeEntities.Member, Guid.NewGuid().ToString(), verb, null, null, DateTime.UtcNow);
}
