using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

public sealed class SessionQueriesTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private SessionQueries Queries => portal.Get<SessionQueries>();

    [Fact]
    public async Task AnAccountSeesItsActiveOrganizationsByDisplayName()
    {
        var zulu = await Database.AddOrganizationAsync("Zulu works");
        var alpha = await Database.AddOrganizationAsync("Alpha works");
        var suspendedIn = await Database.AddOrganizationAsync("Middle works");
        var notIn = await Database.AddOrganizationAsync("Other works");
        var member = await Database.AddMemberAsync(zulu.Id, MemberRank.Admin);
        await Database.AddMembershipAsync(alpha.Id, member.AccountId);
        await Database.AddMembershipAsync(suspendedIn.Id, member.AccountId, suspended: true);
        await Database.AddMemberAsync(notIn.Id);

        var choices = await Queries.ListOrganizationsAsync(member.AccountId);

        Assert.Equal([(alpha.Id, MemberRank.Regular), (zulu.Id, MemberRank.Admin)], choices.Select(c => (c.Id, c.Rank)));
        Assert.Equal(["Alpha works", "Zulu works"], choices.Select(c => c.DisplayName));
    }

    [Fact]
    public async Task TheSummaryIsOnlyForActiveMembers()
    {
        var organization = await Database.AddOrganizationAsync("Summary works");
        var member = await Database.AddMemberAsync(organization.Id);
        var suspended = await Database.AddMemberAsync(organization.Id, suspended: true);
        var elsewhere = await Database.AddOrganizationAsync();
        var stranger = await Database.AddMemberAsync(elsewhere.Id);

        var summary = await Queries.GetSummaryAsync(member.AccountId, organization.Id);

        Assert.Equal(new OrganizationSummary(organization.Id, organization.Name, "Summary works", 2), summary);
        Assert.Null(await Queries.GetSummaryAsync(suspended.AccountId, organization.Id));
        Assert.Null(await Queries.GetSummaryAsync(stranger.AccountId, organization.Id));
    }

    [Fact]
    public async Task TheActingMemberCarriesTheirGroupsPermissions()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);

        var member = await Queries.GetActingMemberAsync(helpDesk.AccountId, organization.Id);

        Assert.NotNull(member);
        Assert.Equal(helpDesk.UserName, member.UserName);
        Assert.Equal(PortalPermissions.HelpDesk.Order(StringComparer.Ordinal), member.Permissions.Order(StringComparer.Ordinal));
        Assert.False(member.IsAdmin);
        Assert.True(member.Has(PortalPermissions.ResetPasswords));
        Assert.False(member.Has(PortalPermissions.SuspendUsers));
    }
}
