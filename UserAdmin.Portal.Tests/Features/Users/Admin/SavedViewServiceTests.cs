using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Admin;

public sealed class SavedViewServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private SavedViewService Service => portal.Get<SavedViewService>();

    private static MemberGridState Suspended => MemberGridState.FromQuery("?status=Suspended&sort=Email&dir=desc&page=After&cursor=eyJ4IjoxfQ&n=4");

    [Fact]
    public async Task ASavedViewKeepsFiltersAndSortButNotThePagingPositionAndComesBackNextTime()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var saved = await Service.SaveAsync(admin.Actor, "  Suspended  ", Suspended);

        Assert.True(saved.Succeeded, saved.Message);
        Assert.Equal("Suspended", saved.Value!.Name);
        Assert.Equal("?status=Suspended&sort=Email&dir=desc", saved.Value.Query);
        Assert.Equal(saved.Value, await Service.LastUsedAsync(admin.Actor));
    }

    [Fact]
    public async Task GoingBackToAllMembersMeansNothingIsRestored()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        await Service.SaveAsync(admin.Actor, "Suspended", Suspended);

        await Service.UseAsync(admin.Actor, null);

        Assert.Null(await Service.LastUsedAsync(admin.Actor));
    }

    [Fact]
    public async Task SavingUnderAnExistingNameReplacesThatView()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        await Service.SaveAsync(admin.Actor, "Mine", Suspended);

        await Service.SaveAsync(admin.Actor, "Mine", MemberGridState.FromQuery("?rank=Admin"));

        var view = Assert.Single(await Service.ListAsync(admin.Actor));
        Assert.Equal("?rank=Admin", view.Query);
    }

    [Fact]
    public async Task ViewsArePrivateToTheirAdminAndOrganization()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var colleague = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var elsewhere = await Database.AddMembershipAsync(other.Id, admin.AccountId, MemberRank.Admin);
        var saved = await Service.SaveAsync(admin.Actor, "Mine", Suspended);

        Assert.Empty(await Service.ListAsync(colleague.Actor));
        Assert.Empty(await Service.ListAsync(elsewhere.Actor));
        Assert.Equal(OperationStatus.NotFound, (await Service.DeleteAsync(colleague.Actor, saved.Value!.Id)).Status);
        Assert.Single(await Service.ListAsync(admin.Actor));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public async Task ABlankOrControlCharacterNameIsRefused(string name)
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);

        var saved = await Service.SaveAsync(admin.Actor, name, Suspended);

        Assert.Equal(OperationStatus.Invalid, saved.Status);
        Assert.Empty(await Service.ListAsync(admin.Actor));
    }

    [Fact]
    public async Task AMemberWithoutViewUsersCannotSaveViews()
    {
        var organization = await Database.AddOrganizationAsync();
        var regular = await Database.AddMemberAsync(organization.Id);

        Assert.Equal(OperationStatus.Forbidden, (await Service.SaveAsync(regular.Actor, "x", Suspended)).Status);
    }
}
