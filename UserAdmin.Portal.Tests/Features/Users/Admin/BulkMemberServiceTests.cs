using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Admin;

public sealed class BulkMemberServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private BulkMemberService Service => portal.Get<BulkMemberService>();

    private async Task<List<BulkMemberOutcome>> ApplyAsync(Actor actor, BulkRequest request)
    {
        var outcomes = new List<BulkMemberOutcome>();
        var result = await Service.ApplyAsync(actor, request, outcomes.AddRange, progress: null);
        Assert.True(result.Succeeded, result.Message);
        return outcomes;
    }

    [Fact]
    public async Task APreviewCountsWhatWouldChangeAndWhyTheRestIsRefusedAndChangesNothing()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var regular = await Database.AddMemberAsync(organization.Id);
        var suspended = await Database.AddMemberAsync(organization.Id, suspended: true);
        var otherAdmin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var preview = await Service.PreviewAsync(admin.Actor, new BulkRequest(
            BulkActionKind.Suspend, [regular.MembershipId, suspended.MembershipId, otherAdmin.MembershipId, admin.MembershipId], null));

        Assert.True(preview.Succeeded, preview.Message);
        Assert.Equal((1, 1, 2), (preview.Value!.WillChange, preview.Value.Unchanged, preview.Value.Refused));
        Assert.Contains(preview.Value.Refusals, r => r.Reason.Contains("SUPER", StringComparison.Ordinal) && r.Examples.Contains(otherAdmin.UserName));
        Assert.Contains(preview.Value.Refusals, r => r.Reason.Contains("own account", StringComparison.Ordinal));
        Assert.False(await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == regular.MembershipId).Select(m => m.IsSuspended).SingleAsync()));
        Assert.Empty(await Database.ActivityForAsync(organization.Id));
    }

    [Fact]
    public async Task HelpDeskUnlocksLockedMembersAndLeavesTheOthersAsTheyAre()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var locked = await Database.AddMemberAsync(organization.Id, configure: a => { a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(30); a.AccessFailedCount = 5; });
        var fine = await Database.AddMemberAsync(organization.Id);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(30));

        var outcomes = await ApplyAsync(helpDesk.Actor, new BulkRequest(BulkActionKind.Unlock, [locked.MembershipId, fine.MembershipId, admin.MembershipId], null));

        Assert.Equal([BulkVerdict.WillChange, BulkVerdict.Unchanged, BulkVerdict.Refused], outcomes.Select(o => o.Verdict));
        var after = await Database.QueryAsync(db => db.Users.Where(a => a.Id == locked.AccountId || a.Id == admin.AccountId).ToDictionaryAsync(a => a.Id));
        Assert.Equal((null, 0), (after[locked.AccountId].LockoutEnd, after[locked.AccountId].AccessFailedCount));
        Assert.NotNull(after[admin.AccountId].LockoutEnd);
        Assert.Equal("member.unlocked", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
    }

    [Fact]
    public async Task SigningOutEverywhereRotatesEachStampButNotForAnAccountElsewhereTheActorMayNotTouch()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var here = await Database.AddMemberAsync(organization.Id);
        var alsoElsewhere = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(other.Id, alsoElsewhere.AccountId);
        var stamps = await StampsAsync(here, alsoElsewhere);

        var outcomes = await ApplyAsync(helpDesk.Actor, new BulkRequest(BulkActionKind.SignOutEverywhere, [here.MembershipId, alsoElsewhere.MembershipId], null));

        Assert.Equal([BulkVerdict.WillChange, BulkVerdict.Refused], outcomes.Select(o => o.Verdict));
        var after = await StampsAsync(here, alsoElsewhere);
        Assert.NotEqual(stamps[0], after[0]);
        Assert.Equal(stamps[1], after[1]);
        Assert.Equal("member.signed_out_everywhere", Assert.Single(await Database.ActivityForAsync(organization.Id)).Verb);
    }

    [Fact]
    public async Task AddingToAGroupThatGrantsMoreThanTheActorHoldsIsRefusedPerMember()
    {
        var organization = await Database.AddOrganizationAsync();
        var manager = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups]);
        var target = await Database.AddMemberAsync(organization.Id);
        var powerful = Guid.NewGuid();
        await Database.ExecuteAsync(db => Task.FromResult(db.Groups.Add(new Group
        {
            Id = powerful, OrganizationId = organization.Id, Name = "Powerful", CreatedAt = DateTime.UtcNow,
            Permissions = [new GroupPermission { Permission = PortalPermissions.ManageUsers }],
        })));

        var outcomes = await ApplyAsync(manager.Actor, new BulkRequest(BulkActionKind.AddToGroup, [target.MembershipId], null, powerful));

        var outcome = Assert.Single(outcomes);
        Assert.Equal((BulkVerdict.Refused, "The group Powerful grants manage_users, which you do not hold yourself."), (outcome.Verdict, outcome.Reason));
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.GroupId == powerful)));
    }

    private Task<List<string?>> StampsAsync(params TestMember[] members) =>
        Database.QueryAsync(async db =>
        {
            var ids = members.Select(m => m.AccountId).ToList();
            var stamps = await db.Users.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.SecurityStamp);
            return ids.Select(id => stamps[id]).ToList();
        });

    [Fact]
    public async Task ApplyingSuspendsTheAllowedMembersWithOneRecordEachAndReportsEveryMember()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var targets = new List<TestMember>();
        for (var i = 0; i < 3; i++)
        {
            targets.Add(await Database.AddMemberAsync(organization.Id));
        }

        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var outcomes = await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.Suspend, [.. targets.Select(t => t.MembershipId), super.MembershipId], null));

        Assert.Equal(4, outcomes.Count);
        Assert.Equal(3, outcomes.Count(o => o.Verdict == BulkVerdict.WillChange));
        Assert.Equal(BulkVerdict.Refused, outcomes.Single(o => o.MembershipId == super.MembershipId).Verdict);
        var records = await Database.ActivityForAsync(organization.Id);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal("member.suspended", r.Verb));
        Assert.Equal(targets.Select(t => t.AccountId).Order(), records.Select(r => r.TargetAccountId!.Value).Order());
        Assert.Equal(3, await Database.QueryAsync(db => db.MemberDirectory.CountAsync(d => d.OrganizationId == organization.Id && d.IsSuspended)));
    }

    [Fact]
    public async Task ForcingAPasswordChangeOnEveryoneMatchingAFilterRotatesTheirStampsInBatches()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var guests = new List<TestMember>();
        for (var i = 0; i < BulkMemberService.BatchSize + 3; i++)
        {
            guests.Add(await Database.AddMemberAsync(organization.Id));
        }

        await Database.ExecuteAsync(db => db.Memberships.Where(m => guests.Select(g => g.MembershipId).Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        var stampsBefore = await Database.QueryAsync(db => db.Users.Where(a => guests.Select(g => g.AccountId).Contains(a.Id)).Select(a => a.SecurityStamp).ToListAsync());
        var progress = new List<BulkProgress>();

        var outcomes = new List<BulkMemberOutcome>();
        var result = await Service.ApplyAsync(super.Actor, new BulkRequest(BulkActionKind.ForcePasswordChange, null, new MemberFilter { Tag = MemberTag.Guest }),
            outcomes.AddRange, new Recorder(progress));

        Assert.True(result.Succeeded);
        Assert.Equal(guests.Count, outcomes.Count(o => o.Verdict == BulkVerdict.WillChange));
        Assert.Equal([BulkMemberService.BatchSize, guests.Count], progress.Select(p => p.Done));
        var accounts = await Database.QueryAsync(db => db.Users.Where(a => guests.Select(g => g.AccountId).Contains(a.Id)).ToListAsync());
        Assert.All(accounts, a => Assert.True(a.MustChangePassword));
        Assert.Empty(accounts.Select(a => a.SecurityStamp).Intersect(stampsBefore));
        Assert.False(await Database.QueryAsync(db => db.Users.Where(a => a.Id == super.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
        var records = await Database.ActivityForAsync(organization.Id);
        Assert.Equal(guests.Count, records.Count(r => r.Verb == "member.password_change_forced" && r.Category == ActivityCategory.Security));
    }

    [Fact]
    public async Task ThePasswordOfSomeoneAlsoInAnOrganizationTheActorDoesNotRunIsLeftAlone()
    {
        var home = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(home.Id, MemberRank.Admin);
        var shared = await Database.AddMemberAsync(home.Id);
        await Database.AddMembershipAsync(elsewhere.Id, shared.AccountId);

        var outcomes = await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.ForcePasswordChange, [shared.MembershipId], null));

        Assert.Equal(BulkVerdict.Refused, Assert.Single(outcomes).Verdict);
        Assert.False(await Database.QueryAsync(db => db.Users.Where(a => a.Id == shared.AccountId).Select(a => a.MustChangePassword).SingleAsync()));
    }

    [Fact]
    public async Task SuspendingEverySuperInOneGoLeavesTheLastOne()
    {
        var organization = await Database.AddOrganizationAsync();
        var actor = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var others = new[] { await Database.AddMemberAsync(organization.Id, MemberRank.Super), await Database.AddMemberAsync(organization.Id, MemberRank.Super) };

        var outcomes = await ApplyAsync(actor.Actor, new BulkRequest(BulkActionKind.Suspend, others.Select(o => o.MembershipId).ToList(), null));

        // The actor cannot suspend themselves, so they stay the last active SUPER: both others may go.
        Assert.All(outcomes, o => Assert.Equal(BulkVerdict.WillChange, o.Verdict));
        Assert.Equal(1, await Database.QueryAsync(db => db.Memberships.CountAsync(m => m.OrganizationId == organization.Id && m.Rank == MemberRank.Super && !m.IsSuspended)));
    }

    [Fact]
    public async Task GroupActionsAddAndRemoveMembersAndNameTheGroupInTheRecord()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id);
        var groupId = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = "Engineering", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });

        await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.AddToGroup, [member.MembershipId], null, groupId));
        Assert.Equal("Engineering", await Database.QueryAsync(db => db.MemberDirectory.Where(d => d.MembershipId == member.MembershipId).Select(d => d.GroupNames).SingleAsync()));
        var again = await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.AddToGroup, [member.MembershipId], null, groupId));
        Assert.Equal(BulkVerdict.Unchanged, Assert.Single(again).Verdict);

        await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.RemoveFromGroup, [member.MembershipId], null, groupId));
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.MembershipId == member.MembershipId)));
        var titles = (await Database.ActivityForAsync(organization.Id)).Select(r => r.Title).ToList();
        Assert.Equal([$"{admin.UserName} added {member.UserName} to group Engineering", $"{admin.UserName} removed {member.UserName} from group Engineering"], titles);
    }

    [Fact]
    public async Task RemovingFromTheOrganizationTakesTheirGroupsAndOwnPoliciesButKeepsTheAccount()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var other = await Database.AddMemberAsync(organization.Id);
        var own = Guid.NewGuid();
        var sharedPolicy = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Policies.Add(new Policy { Id = own, OrganizationId = organization.Id, Name = "own", CreatedAt = DateTime.UtcNow, Members = [new PolicyMember { MembershipId = member.MembershipId }] });
            db.Policies.Add(new Policy { Id = sharedPolicy, OrganizationId = organization.Id, Name = "shared", CreatedAt = DateTime.UtcNow, Members = [new PolicyMember { MembershipId = member.MembershipId }, new PolicyMember { MembershipId = other.MembershipId }] });
            return Task.CompletedTask;
        });
        var countBefore = await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.MemberCount).SingleAsync());

        await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.RemoveFromOrganization, [member.MembershipId], null));

        Assert.False(await Database.QueryAsync(db => db.Memberships.AnyAsync(m => m.Id == member.MembershipId)));
        Assert.False(await Database.QueryAsync(db => db.GroupMembers.AnyAsync(g => g.MembershipId == member.MembershipId)));
        Assert.False(await Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == own)));
        Assert.True(await Database.QueryAsync(db => db.Policies.AnyAsync(p => p.Id == sharedPolicy)));
        Assert.True(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.Id == member.AccountId)));
        Assert.False(await Database.QueryAsync(db => db.MemberDirectory.AnyAsync(d => d.MembershipId == member.MembershipId)));
        Assert.Equal(countBefore - 1, await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == organization.Id).Select(o => o.MemberCount).SingleAsync()));
    }

    [Fact]
    public async Task MembersOfAnotherOrganizationNamedByIdAreNeverTouched()
    {
        var organization = await Database.AddOrganizationAsync();
        var foreign = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var stranger = await Database.AddMemberAsync(foreign.Id);

        var outcomes = await ApplyAsync(admin.Actor, new BulkRequest(BulkActionKind.Suspend, [stranger.MembershipId], null));

        Assert.Empty(outcomes);
        Assert.False(await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == stranger.MembershipId).Select(m => m.IsSuspended).SingleAsync()));
    }

    [Fact]
    public async Task AHelpDeskMemberMayForcePasswordChangesButNotSuspend()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk.ToList());
        var member = await Database.AddMemberAsync(organization.Id);

        var suspend = await Service.ApplyAsync(helpDesk.Actor, new BulkRequest(BulkActionKind.Suspend, [member.MembershipId], null), _ => { }, null);
        var force = await ApplyAsync(helpDesk.Actor, new BulkRequest(BulkActionKind.ForcePasswordChange, [member.MembershipId], null));

        Assert.Equal(OperationStatus.Forbidden, suspend.Status);
        Assert.Equal(BulkVerdict.WillChange, Assert.Single(force).Verdict);
    }

    private sealed class Recorder(List<BulkProgress> into) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => into.Add(value);
    }
}
