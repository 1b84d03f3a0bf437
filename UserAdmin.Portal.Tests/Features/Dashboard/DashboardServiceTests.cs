using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Dashboard;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Dashboard;

public sealed class DashboardServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private DashboardService Service => portal.Get<DashboardService>();

    [Fact]
    public async Task MembersAreCountedByStatusRankAndTagAsTheGridDefinesThem()
    {
        var organization = await Database.AddOrganizationAsync("Figures Inc");
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        await Database.AddMemberAsync(organization.Id, suspended: true, configure: a => a.IsActivated = false);
        await Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        await Database.AddMemberAsync(organization.Id, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddHours(1));
        await Database.AddMemberAsync(organization.Id, configure: a => a.LockoutEnd = DateTimeOffset.UtcNow.AddHours(-1));
        var guest = await Database.AddMemberAsync(organization.Id);
        await Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == guest.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest)));
        var elsewhere = await Database.AddOrganizationAsync();
        await Database.AddMemberAsync(elsewhere.Id);

        var figures = (await Service.GetAsync(admin.Actor)).Value!;

        Assert.Equal("Figures Inc", figures.OrganizationName);
        Assert.Equal(new MemberFigures(Total: 7, Active: 4, Suspended: 1, PendingActivation: 1, LockedOut: 1, Regular: 5, Admin: 1, Super: 1, Users: 6, Guests: 1), figures.Members);
    }

    [Fact]
    public async Task SignInsAndChangesAreCountedPerDayForTheLastDays()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var today = DateTime.UtcNow.Date.AddHours(12);
        await AddActivityAsync(organization.Id, "account.signed_in", today);
        await AddActivityAsync(organization.Id, "account.signed_in", today);
        await AddActivityAsync(organization.Id, "member.suspended", today);
        await AddActivityAsync(organization.Id, "member.created", today.AddDays(-1));
        await AddActivityAsync(organization.Id, "member.created", today.AddDays(-DashboardService.Days - 1));

        var days = (await Service.GetAsync(admin.Actor)).Value!.Days!;

        Assert.Equal(DashboardService.Days, days.Count);
        Assert.Equal((DateOnly.FromDateTime(today), 2, 1), (days[^1].Day, days[^1].SignIns, days[^1].Changes));
        Assert.Equal((0, 1), (days[^2].SignIns, days[^2].Changes));
        Assert.Equal(4, days.Sum(d => d.SignIns + d.Changes));
    }

    [Fact]
    public async Task AMemberSeesOnlyThePartsTheirPermissionsAllow()
    {
        var organization = await Database.AddOrganizationAsync();
        var regular = await Database.AddMemberAsync(organization.Id);
        var viewer = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewUsers]);
        var auditor = await Database.AddMemberAsync(organization.Id, permissions: [PortalPermissions.ViewActivity]);

        var plain = (await Service.GetAsync(regular.Actor)).Value!;
        var members = (await Service.GetAsync(viewer.Actor)).Value!;
        var activity = (await Service.GetAsync(auditor.Actor)).Value!;

        Assert.Equal((false, false), (plain.Members is not null, plain.Days is not null));
        Assert.Equal((true, false), (members.Members is not null, members.Days is not null));
        Assert.Equal((false, true), (activity.Members is not null, activity.Days is not null));
        var stranger = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(stranger.Actor with { OrganizationId = organization.Id })).Status);
    }

    private Task AddActivityAsync(Guid organizationId, string verb, DateTime at) =>
        Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord { OrganizationId = organizationId, ActorName = "system", Verb = verb, Title = verb, OccurredAt = at });
            return Task.CompletedTask;
        });
}
