using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>The numeric id ThreatStream and Allthenticate scripts use finds a member only in the actor's organization.</summary>
public sealed class MembershipNumberLookupTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task AMembershipNumberFindsTheMemberHereAndNotAnotherOrganizations()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var admin = await app.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await app.Database.AddMemberAsync(organization.Id);
        var stranger = await app.Database.AddMemberAsync((await app.Database.AddOrganizationAsync()).Id);
        var details = app.Services.GetRequiredService<MemberDetailService>();

        var found = await details.GetByMembershipIdAsync(admin.Actor, member.MembershipId);
        var elsewhere = await details.GetByMembershipIdAsync(admin.Actor, stranger.MembershipId);
        var unknown = await details.GetByMembershipIdAsync(admin.Actor, long.MaxValue);

        Assert.Equal((member.AccountId, member.MembershipId), (found.Value!.AccountId, found.Value.MembershipId));
        Assert.Equal(OperationStatus.NotFound, elsewhere.Status);
        Assert.Equal(OperationStatus.NotFound, unknown.Status);
    }
}
