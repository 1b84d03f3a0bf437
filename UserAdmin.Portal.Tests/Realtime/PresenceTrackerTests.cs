using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Tests.Realtime;

public sealed class PresenceTrackerTests
{
    private static readonly Guid Org = Guid.NewGuid();

    private readonly InProcessPresenceTracker _tracker = new(NullLogger<InProcessPresenceTracker>.Instance);

    [Fact]
    public void ViewersAreListedPerTopicWithWhetherTheyAreEditingUntilTheyLeave()
    {
        var alice = _tracker.Join(Org, "member:1", Guid.NewGuid(), "alice");
        var bob = _tracker.Join(Org, "member:1", Guid.NewGuid(), "bob");
        using var elsewhere = _tracker.Join(Org, "member:2", Guid.NewGuid(), "carol");

        bob.SetEditing(true);
        Assert.Equal([("alice", false), ("bob", true)], _tracker.Who(Org, "member:1").Select(v => (v.UserName, v.Editing)));

        alice.Dispose();
        alice.Dispose();
        Assert.Equal(["bob"], _tracker.Who(Org, "member:1").Select(v => v.UserName));
        Assert.Empty(_tracker.Who(Guid.NewGuid(), "member:1"));
        bob.Dispose();
        Assert.Empty(_tracker.Who(Org, "member:1"));
    }

    [Fact]
    public async Task WatchersHearArrivalsEditsAndDeparturesOfTheirTopicOnly()
    {
        var heard = 0;
        using var watch = _tracker.Watch(Org, "member:1", () => { Interlocked.Increment(ref heard); return Task.CompletedTask; });

        var alice = _tracker.Join(Org, "member:1", Guid.NewGuid(), "alice");
        alice.SetEditing(true);
        alice.SetEditing(true);
        using (_tracker.Join(Org, "member:2", Guid.NewGuid(), "carol"))
        {
        }

        alice.Dispose();
        alice.SetEditing(false);

        await Task.Yield();
        Assert.Equal(3, Volatile.Read(ref heard));
    }
}
