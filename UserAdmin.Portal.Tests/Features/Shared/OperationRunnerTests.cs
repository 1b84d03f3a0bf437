using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Shared;

public sealed class OperationRunnerTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private OperationRunner Runner => portal.Get<OperationRunner>();

    [Fact]
    public async Task ManyRecordsOfOneOperationAreWrittenTogetherAndEachGetsItsOwnRowsId()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var records = new List<ActivityRecord>();

        var result = await Runner.RunAsMemberAsync<bool>(admin.Actor, PortalPermissions.ManageUsers, op =>
        {
            for (var i = 0; i < 1_237; i++)
            {
                records.Add(op.Record("test.recorded", $"record number {i}", ActivityCategory.Admin, diff: new Dictionary<string, (object?, object?)> { ["n"] = (null, i) }));
            }

            return Task.FromResult(OperationResult<bool>.Ok(true));
        });

        Assert.True(result.Succeeded);
        var stored = (await Database.ActivityForAsync(organization.Id)).ToDictionary(r => r.Id);
        Assert.Equal(records.Count, stored.Count);
        Assert.All(records, r => Assert.Equal(r.Title, stored[r.Id].Title));
        Assert.All(records, r => Assert.Equal(r.Diff, stored[r.Id].Diff));
    }

    [Theory]
    [InlineData("quotes \"and\" back\\slashes, [brackets] and {braces}")]
    [InlineData("emoji 🧑‍💻 and a flag 🇳🇴")]
    [InlineData("right-to-left \u202Eevil\u202C, zero\u200Bwidth, combining e\u0301")]
    [InlineData("<script>alert('x')</script> & 'single' quotes")]
    [InlineData("line\nbreak\tand tab")]
    [InlineData("a lone surrogate \uD800 here")]
    public async Task EveryTextOfARecordIsStoredExactlyAsGiven(string text)
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        ActivityRecord? written = null;

        var result = await Runner.RunAsMemberAsync<bool>(admin.Actor, PortalPermissions.ManageUsers, op =>
        {
            written = op.Record("test.recorded", text, ActivityCategory.Security, admin.AccountId, text, new Dictionary<string, (object?, object?)> { ["name"] = (text, null) });
            return Task.FromResult(OperationResult<bool>.Ok(true));
        });

        Assert.True(result.Succeeded);
        var stored = Assert.Single(await Database.ActivityForAsync(organization.Id));
        // A lone surrogate cannot be stored as UTF-8 text: it becomes the replacement character, as EF would store it.
        var expected = text.Replace("\uD800", "\uFFFD", StringComparison.Ordinal);
        Assert.Equal(written!.Id, stored.Id);
        Assert.Equal(expected, stored.Title);
        Assert.Equal(expected, stored.TargetName);
        Assert.Equal(admin.AccountId, stored.TargetAccountId);
        Assert.Equal(organization.Id, stored.OrganizationId);
        Assert.Equal(ActivityCategory.Security, stored.Category);
        Assert.Equal(written.Diff, stored.Diff);
        Assert.Equal(written.OccurredAt, stored.OccurredAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(admin.Actor.ClientAddress, stored.ClientAddress);
    }

    [Fact]
    public async Task ASuccessfulOperationCommitsItsChangeAndRecordBeforeTheNoticeIsPublished()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var seen = new List<(ChangeNotice Notice, string DisplayName, bool RecordCommitted)>();
        using var subscription = portal.Get<IChangeNotifier>().Subscribe(organization.Id, async notice =>
        {
            // A separate connection sees only what has been committed.
            await using var db = Database.CreateContext();
            var displayName = await db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.DisplayName).SingleAsync();
            var recordCommitted = await db.Activity.AnyAsync(a => a.Id == notice.ActivityId);
            seen.Add((notice, displayName, recordCommitted));
        });

        var result = await Runner.RunAsMemberAsync<bool>(admin.Actor, PortalPermissions.ManageUsers, op => RenameAsync(op, organization.Id, "Renamed"));

        Assert.True(result.Succeeded);
        var (notice, displayNameAtPublish, recordCommittedAtPublish) = Assert.Single(seen);
        Assert.Equal("Renamed", displayNameAtPublish);
        Assert.True(recordCommittedAtPublish);
        Assert.Equal(admin.AccountId, notice.ActorAccountId);
        Assert.Equal("organization.renamed", notice.Verb);

        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(notice.ActivityId, record.Id);
        Assert.Equal(admin.AccountId, record.ActorAccountId);
        Assert.Equal(admin.UserName, record.ActorName);
        Assert.Equal(admin.Actor.ClientAddress, record.ClientAddress);
    }

    [Fact]
    public async Task ARefusedOperationWritesNothingAndPublishesNothingEvenWhatIdentitySavedOnTheWay()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var published = new List<ChangeNotice>();
        using var subscription = portal.Get<IChangeNotifier>().Subscribe(organization.Id, n => { published.Add(n); return Task.CompletedTask; });

        var result = await Runner.RunAsMemberAsync<bool>(admin.Actor, null, async op =>
        {
            await RenameAsync(op, organization.Id, "Renamed");

            // UserManager saves at once; only the operation's transaction can take this back.
            var account = await op.Users.FindByIdAsync(target.AccountId.ToString());
            account!.DisplayName = "Changed by Identity";
            Assert.True((await op.Users.UpdateAsync(account)).Succeeded);

            return OperationResult<bool>.Fail(OperationResult.Invalid("Changed my mind."));
        });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal("Changed my mind.", result.Message);
        await AssertUnchangedAsync(organization, target);
        Assert.Empty(published);
    }

    [Fact]
    public async Task AnOperationThatThrowsWritesNothingAndPublishesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var published = new List<ChangeNotice>();
        using var subscription = portal.Get<IChangeNotifier>().Subscribe(organization.Id, n => { published.Add(n); return Task.CompletedTask; });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Runner.RunAsMemberAsync<bool>(admin.Actor, null, async op =>
        {
            await RenameAsync(op, organization.Id, "Renamed");
            await op.Db.SaveChangesAsync();
            throw new InvalidOperationException("Something broke half-way.");
        }));

        await AssertUnchangedAsync(organization, target);
        Assert.Empty(published);
    }

    [Fact]
    public async Task AConcurrencyConflictIsReportedAsConflictAndWritesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var result = await Runner.RunAsMemberAsync<bool>(admin.Actor, null, async op =>
        {
            await RenameAsync(op, organization.Id, "Renamed");
            var membership = await op.Db.Memberships.SingleAsync(m => m.Id == target.MembershipId);

            // As if the row had been loaded before someone else saved it.
            op.Db.Entry(membership).Property(m => m.Version).OriginalValue = "stale";
            membership.Tag = MemberTag.Guest;
            return OperationResult<bool>.Ok(true);
        });

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        await AssertUnchangedAsync(organization, target);
        Assert.Equal(MemberTag.User, await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == target.MembershipId).Select(m => m.Tag).SingleAsync()));
    }

    [Theory]
    [InlineData("suspended")]
    [InlineData("member of another organization")]
    [InlineData("locked out")]
    [InlineData("not activated")]
    public async Task AnActorWhoIsNotAnActiveMemberIsRefusedBeforeTheOperationRuns(string standing)
    {
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var actor = standing switch
        {
            "suspended" => await Database.AddMemberAsync(organization.Id, MemberRank.Super, suspended: true),
            "member of another organization" => (await Database.AddMemberAsync(elsewhere.Id, MemberRank.Super)) with { OrganizationId = organization.Id },
            "locked out" => await Database.AddMemberAsync(organization.Id, MemberRank.Super, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(5)),
            _ => await Database.AddMemberAsync(organization.Id, MemberRank.Super, configure: a => a.IsActivated = false),
        };
        var ran = false;

        var result = await Runner.RunAsMemberAsync<bool>(actor.Actor, null, op =>
        {
            ran = true;
            return Task.FromResult(OperationResult<bool>.Ok(true));
        });

        Assert.Equal(OperationStatus.Forbidden, result.Status);
        Assert.False(ran);
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task AMemberNeedsTheOperationsPermissionWhichAGroupCanGrant()
    {
        var organization = await Database.AddOrganizationAsync();
        var plain = await Database.AddMemberAsync(organization.Id);
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);

        var refused = await Runner.RunAsMemberAsync<bool>(plain.Actor, PortalPermissions.ResetPasswords, _ => Task.FromResult(OperationResult<bool>.Ok(true)));
        var allowed = await Runner.RunAsMemberAsync<bool>(helpDesk.Actor, PortalPermissions.ResetPasswords, _ => Task.FromResult(OperationResult<bool>.Ok(true)));
        var beyondTheGroup = await Runner.RunAsMemberAsync<bool>(helpDesk.Actor, PortalPermissions.SuspendUsers, _ => Task.FromResult(OperationResult<bool>.Ok(true)));

        Assert.Equal(OperationStatus.Forbidden, refused.Status);
        Assert.Contains(PortalPermissions.ResetPasswords, refused.Message, StringComparison.Ordinal);
        Assert.True(allowed.Succeeded);
        Assert.Equal(OperationStatus.Forbidden, beyondTheGroup.Status);
    }

    [Fact]
    public async Task AnActorDemotedBetweenTwoCallsIsRefusedOnTheSecond()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var before = await Runner.RunAsMemberAsync<bool>(admin.Actor, PortalPermissions.SuspendUsers, op => RenameAsync(op, organization.Id, "First"));
        await Database.ExecuteAsync(async db => (await db.Memberships.SingleAsync(m => m.Id == admin.MembershipId)).Rank = MemberRank.Regular);
        var after = await Runner.RunAsMemberAsync<bool>(admin.Actor, PortalPermissions.SuspendUsers, op => RenameAsync(op, organization.Id, "Second"));

        Assert.True(before.Succeeded);
        Assert.Equal(OperationStatus.Forbidden, after.Status);
        Assert.Equal("First", await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task AFailingNotifierDoesNotUndoOrFailACommittedChange()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var at = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);
        var runner = new OperationRunner(portal.Get<IServiceScopeFactory>(), new BrokenNotifier(), new FixedClock(at), NullLogger<OperationRunner>.Instance);

        var result = await runner.RunAsMemberAsync<bool>(admin.Actor, null, op => RenameAsync(op, organization.Id, "Renamed"));

        Assert.True(result.Succeeded);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Equal(at.UtcDateTime, record.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, record.OccurredAt.Kind);
    }

    [Fact]
    public async Task ASystemOperationRecordsTheSystemAsTheActor()
    {
        var organization = await Database.AddOrganizationAsync();

        var result = await Runner.RunAsync<bool>(organization.Id, null, op => RenameAsync(op, organization.Id, "Renamed"));

        Assert.True(result.Succeeded);
        var record = Assert.Single(await Database.ActivityForAsync(organization.Id));
        Assert.Null(record.ActorAccountId);
        Assert.Equal("system", record.ActorName);
    }

    private static async Task<OperationResult<bool>> RenameAsync(OperationContext op, Guid organizationId, string displayName)
    {
        var organization = await op.Db.Organizations.SingleAsync(o => o.Id == organizationId);
        var before = organization.DisplayName;
        organization.DisplayName = displayName;
        var record = op.Record("organization.renamed", $"renamed to {displayName}", ActivityCategory.Admin,
            diff: new Dictionary<string, (object?, object?)> { ["displayName"] = (before, displayName) });
        op.Notify(ChangeEntities.Organization, organizationId.ToString(), "organization.renamed", record);
        return OperationResult<bool>.Ok(true);
    }

    private async Task AssertUnchangedAsync(TestOrganization organization, TestMember target)
    {
        await using var db = Database.CreateContext();
        Assert.Equal(organization.DisplayName, await db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.DisplayName).SingleAsync());
        Assert.Equal($"Display {target.UserName}", await db.Users.Where(a => a.Id == target.AccountId).Select(a => a.DisplayName).SingleAsync());
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    private sealed class BrokenNotifier : IChangeNotifier
    {
        public Task PublishAsync(IReadOnlyList<ChangeNotice> notices) => throw new InvalidOperationException("The notifier is down.");

        public IDisposable Subscribe(Guid organizationId, Func<ChangeNotice, Task> handler) => throw new NotSupportedException();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Holds the writer's turn with an operation that waits until released, so that the next ones queue behind it.</summary>
    private async Task<(Task<OperationResult<bool>> Blocker, TaskCompletionSource Release)> HoldTheTurnAsync(TestMember admin)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = Runner.RunAsMemberAsync<bool>(admin.Actor, null, async _ =>
        {
            started.SetResult();
            await release.Task;
            return OperationResult<bool>.Ok(true);
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (blocker, release);
    }

    [Fact]
    public async Task OperationsQueuedBehindATurnCommitTogetherAndAFailedOneTakesBackOnlyItsOwnChanges()
    {
        var organization = await Database.AddOrganizationAsync("Before");
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var (blocker, release) = await HoldTheTurnAsync(admin);
        var groupsBefore = Runner.GroupsCommitted;

        // Queued while the turn is held (each call queues its operation before it first waits).
        var names = Enumerable.Range(0, 6).Select(_ => TestData.UniqueName("grouped")).ToList();
        var succeeding = names.Select(name => Runner.RunAsMemberAsync<bool>(admin.Actor, null, op =>
        {
            op.Db.Organizations.Add(new Organization { Id = Guid.NewGuid(), Name = name, DisplayName = name, CreatedAt = op.Now });
            op.Record("test.grouped", name, ActivityCategory.Admin);
            return Task.FromResult(OperationResult<bool>.Ok(true));
        })).ToList();
        var refused = Runner.RunAsMemberAsync<bool>(admin.Actor, null, async op =>
        {
            await op.Db.Database.ExecuteSqlRawAsync("UPDATE Organizations SET DisplayName = 'refused' WHERE Id = {0}", organization.Id.ToString().ToUpperInvariant());
            return OperationResult<bool>.Fail(OperationResult.Invalid("name", "Not this one."));
        });
        var throwing = Runner.RunAsMemberAsync<bool>(admin.Actor, null, async op =>
        {
            await op.Db.Database.ExecuteSqlRawAsync("UPDATE Organizations SET DisplayName = 'thrown' WHERE Id = {0}", organization.Id.ToString().ToUpperInvariant());
            throw new InvalidOperationException("a bug in the body");
        });
        release.SetResult();

        Assert.True((await blocker).Succeeded);
        Assert.All(await Task.WhenAll(succeeding), r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(OperationStatus.Invalid, (await refused).Status);
        Assert.Equal("a bug in the body", (await Assert.ThrowsAsync<InvalidOperationException>(() => throwing)).Message);

        // The blocker's group and one group for all eight queued behind it.
        Assert.InRange(Runner.GroupsCommitted - groupsBefore, 2, 3);
        var stored = await Database.QueryAsync(db => db.Organizations.Where(o => names.Contains(o.Name) || o.Id == organization.Id).ToListAsync());
        Assert.Equal(names.Order(), stored.Where(o => o.Id != organization.Id).Select(o => o.Name).Order());
        Assert.Equal("Before", stored.Single(o => o.Id == organization.Id).DisplayName);
        var records = await Database.ActivityForAsync(organization.Id);
        Assert.Equal(names.Order(), records.Where(r => r.Verb == "test.grouped").Select(r => r.Title).Order());
    }

    [Fact]
    public async Task TwoChangesQuotingTheSameVersionInOneGroupCommitOneAndRefuseTheOtherAsStale()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);
        var profiles = portal.Get<UserAdmin.Portal.Features.Members.MemberProfileService>();
        var account = await Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => new { a.ConcurrencyStamp, a.Email }).SingleAsync());
        var (version, email) = (account.ConcurrencyStamp!, account.Email!);
        var (blocker, release) = await HoldTheTurnAsync(admin);

        var first = profiles.UpdateProfileAsync(admin.Actor, target.AccountId, Profile("First"), version);
        var second = profiles.UpdateProfileAsync(admin.Actor, target.AccountId, Profile("Second"), version);
        release.SetResult();
        await blocker;

        Assert.True((await first).Succeeded, (await first).Message);
        Assert.Equal(OperationStatus.Conflict, (await second).Status);
        Assert.Equal("First", await Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.DisplayName).SingleAsync()));
        Assert.Single(await Database.ActivityForAsync(organization.Id), r => r.Verb == "member.profile_updated");

        UserAdmin.Portal.Features.Members.ProfileInput Profile(string name) => new()
        {
            FirstName = name, LastName = "Member", DisplayName = name, Email = email,
        };
    }

    [Fact]
    public async Task AnOperationCancelledWhileItWaitsIsNeverRun()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var (blocker, release) = await HoldTheTurnAsync(admin);
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var waiting = Runner.RunAsMemberAsync<bool>(admin.Actor, null, _ =>
        {
            ran = true;
            return Task.FromResult(OperationResult<bool>.Ok(true));
        }, cancel.Token);
        await cancel.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.True((await blocker).Succeeded);
        Assert.False(ran);
    }
}
