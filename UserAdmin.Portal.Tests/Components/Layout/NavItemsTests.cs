using UserAdmin.Portal.Components.Layout;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Tests.Components.Layout;

public sealed class NavItemsTests
{
    [Fact]
    public void WithoutAMemberOnlyItemsNeedingNoPermissionAreListed()
    {
        Assert.Equal(["Dashboard", "Organizations", "API keys", "API docs"], NavItems.For(null).Select(i => i.Text));
    }

    [Fact]
    public void AnAdminHoldsEveryPermissionSoSeesEveryItem()
    {
        var admin = new ActingMember(Guid.NewGuid(), "admin", 1, Guid.NewGuid(), MemberRank.Admin, new HashSet<string>());

        Assert.Equal(NavItems.All, NavItems.For(admin));
    }

    [Fact]
    public void ARegularMemberSeesWhatTheirGroupsGrant()
    {
        var groups = new ActingMember(Guid.NewGuid(), "helper", 1, Guid.NewGuid(), MemberRank.Regular, new HashSet<string> { PortalPermissions.ManageGroups });

        Assert.Equal(["Dashboard", "Groups", "Policies", "Organizations", "API keys", "API docs"], NavItems.For(groups).Select(i => i.Text));
    }

    [Fact]
    public void EveryItemHasAUniqueLocalPathAndAKnownPermission()
    {
        Assert.Equal(NavItems.All.Count, NavItems.All.Select(i => i.Path).Distinct().Count());
        Assert.All(NavItems.All, i => Assert.StartsWith("/", i.Path, StringComparison.Ordinal));
        Assert.All(NavItems.All.Where(i => i.Permission is not null), i => Assert.True(PortalPermissions.IsPortalPermission(i.Permission!)));
    }
}
