using Bunit;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Export;

public sealed class MemberExportLinkTests : PortalComponentTest
{
    [Fact]
    public void TheLinkDownloadsTheGridsFilterAndSortWithoutItsPage()
    {
        var state = MemberGridState.FromQuery("?q=jo&status=Suspended&rank=Admin&sort=UserName&dir=desc&size=100&page=Last&rows=7&n=12");

        var link = Render<MemberExportLink>(p => p.Add(c => c.State, state)).Find("a");

        Assert.Equal("users/export.csv?q=jo&status=Suspended&rank=Admin&sort=UserName&dir=desc", link.GetAttribute("href"));
        Assert.True(link.HasAttribute("download"));
        Assert.Equal("Export CSV", link.TextContent.Replace("download", "", StringComparison.Ordinal).Trim());
    }

    [Fact]
    public void AnUnfilteredGridLinksToTheWholeOrganization()
    {
        var link = Render<MemberExportLink>(p => p.Add(c => c.State, new MemberGridState())).Find("a");

        Assert.Equal("users/export.csv", link.GetAttribute("href"));
    }
}
