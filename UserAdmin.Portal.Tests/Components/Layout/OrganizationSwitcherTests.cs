using Bunit;
using UserAdmin.Portal.Components.Layout;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Layout;

public sealed class OrganizationSwitcherTests : PortalComponentTest
{
    [Fact]
    public async Task WithOneOrganizationItsNameIsShownWithoutAChoice()
    {
        var database = await UseNewDatabaseAsync();
        var organization = await database.AddOrganizationAsync("Acme Corporation");
        var member = await database.AddMemberAsync(organization.Id);
        SignInAs(member.AccountId, organization.Id, member.UserName);

        var switcher = Render<OrganizationSwitcher>();

        switcher.WaitForAssertion(() => Assert.Equal("Acme Corporation", switcher.Find(".org-switcher-name").TextContent));
        Assert.Empty(switcher.FindAll("select"));
        Assert.Empty(switcher.FindAll("form"));
    }

    [Fact]
    public async Task WithTwoOrganizationsBothAreOfferedAndTheCurrentOneIsSelected()
    {
        var database = await UseNewDatabaseAsync();
        var acme = await database.AddOrganizationAsync("Acme Corporation");
        var globex = await database.AddOrganizationAsync("Globex");
        var member = await database.AddMemberAsync(acme.Id);
        await database.AddMembershipAsync(globex.Id, member.AccountId);
        SignInAs(member.AccountId, globex.Id, member.UserName);

        var switcher = Render<OrganizationSwitcher>();

        var select = switcher.WaitForElement("select[name=organizationId]");
        var options = select.QuerySelectorAll("option").Select(o => (o.GetAttribute("value"), o.TextContent, o.HasAttribute("selected"))).ToList();
        Assert.Equal([(acme.Id.ToString(), "Acme Corporation", false), (globex.Id.ToString(), "Globex", true)], options);
        var form = switcher.Find("form");
        Assert.Equal(("post", "Account/SwitchOrganization"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.NotNull(form.QuerySelector($"input[type=hidden][name={PortalHttp.AntiforgeryField}]"));
        Assert.Equal("/", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task AnOrganizationWhereTheMemberIsSuspendedIsNotOffered()
    {
        var database = await UseNewDatabaseAsync();
        var acme = await database.AddOrganizationAsync("Acme Corporation");
        var globex = await database.AddOrganizationAsync("Globex");
        var member = await database.AddMemberAsync(acme.Id);
        await database.AddMembershipAsync(globex.Id, member.AccountId, MemberRank.Admin, suspended: true);
        SignInAs(member.AccountId, acme.Id, member.UserName);

        var switcher = Render<OrganizationSwitcher>();

        switcher.WaitForAssertion(() => Assert.Equal("Acme Corporation", switcher.Find(".org-switcher-name").TextContent));
        Assert.Empty(switcher.FindAll("select"));
    }

    [Fact]
    public async Task ASignedOutVisitorSeesNoSwitcher()
    {
        await UseNewDatabaseAsync();
        SignedOut();

        var switcher = Render<OrganizationSwitcher>();

        Assert.Empty(switcher.FindAll("[data-testid=current-organization]"));
    }
}
