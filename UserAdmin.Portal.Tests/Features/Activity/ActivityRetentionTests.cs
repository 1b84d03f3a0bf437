using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

/// <summary>The retention pass, with a clock the test moves.</summary>
public sealed class ActivityRetentionTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private PortalServices _portal = null!;

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(
            settings: new Dictionary<string, string?> { ["Portal:Activity:RetentionDays"] = "30" },
            configure: s => s.AddSingleton<TimeProvider>(_clock));

    public Task DisposeAsync() => _portal.DisposeAsync();

    private ActivityRetention Retention => _portal.Get<ActivityRetention>();

    [Fact]
    public async Task StoppingTheHostEndsTheRetentionLoopQuietly()
    {
        using var stopping = new CancellationTokenSource();
        var retention = Retention;
        await retention.StartAsync(stopping.Token);

        // The loop waits for its next pass; stopping ends it as finished work (or cancels it before its first pass),
        // never as a failure that stops the host.
        await retention.StopAsync(CancellationToken.None);

        Assert.True(retention.ExecuteTask!.IsCompleted);
        Assert.False(retention.ExecuteTask.IsFaulted);
    }

    [Fact]
    public async Task RecordsOlderThanTheRetentionAreDeletedInBatchesAndNewerOnesStay()
    {
        var organization = await _portal.Database.AddOrganizationAsync();
        var admin = await _portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var now = _clock.GetUtcNow().UtcDateTime;
        var old = ActivityRetention.BatchSize * 2 + 7;
        await _portal.Database.ExecuteAsync(db =>
        {
            db.Activity.AddRange(Enumerable.Range(0, old).Select(i => new ActivityRecord
            {
                OrganizationId = organization.Id, ActorName = "system", Verb = "old.event", Title = $"oldtitle {i}",
                OccurredAt = now.AddDays(-400).AddMinutes(i),
            }));
            db.Activity.Add(new ActivityRecord { OrganizationId = organization.Id, ActorName = "system", Verb = "edge", Title = "just inside", OccurredAt = now.AddDays(-30).AddMinutes(1) });
            db.Activity.Add(new ActivityRecord { OrganizationId = organization.Id, ActorName = "system", Verb = "new", Title = "recent", OccurredAt = now.AddDays(-1) });
            return Task.CompletedTask;
        });

        var deleted = await Retention.PurgeAsync();

        Assert.Equal(old, deleted);
        var feed = (await _portal.Get<ActivityFeedService>().ListAsync(admin.Actor, new ActivityQuery())).Value!;
        Assert.Equal(["recent", "just inside"], feed.Items.Select(i => i.Title));
        Assert.Empty((await _portal.Get<ActivityFeedService>().ListAsync(admin.Actor, new ActivityQuery { Search = "oldtitle" })).Value!.Items);

        // Time passes: the record that was just inside is now outside.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await Retention.PurgeAsync());
        Assert.Equal(["recent"], (await _portal.Get<ActivityFeedService>().ListAsync(admin.Actor, new ActivityQuery())).Value!.Items.Select(i => i.Title));
    }

    [Fact]
    public async Task WithoutARetentionSettingNothingIsEverDeleted()
    {
        await using var portal = await PortalServices.CreateAsync(configure: s => s.AddSingleton<TimeProvider>(_clock));
        var organization = await portal.Database.AddOrganizationAsync();
        await portal.Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord { OrganizationId = organization.Id, ActorName = "system", Verb = "ancient", Title = "ancient", OccurredAt = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
            return Task.CompletedTask;
        });

        Assert.Null(portal.Get<IOptions<ActivityOptions>>().Value.RetentionDays);
        Assert.Equal(0, await portal.Get<ActivityRetention>().PurgeAsync());
        Assert.Single(await portal.Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public void TheRetentionPassRunsAsAHostedService() =>
        Assert.Contains(_portal.Services.GetServices<IHostedService>(), s => s is ActivityRetention);
}
