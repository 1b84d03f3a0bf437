using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Members;

public sealed class MemberDetailServiceTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private TestDatabase Database => portal.Database;
    private MemberDetailService Service => portal.Get<MemberDetailService>();

    [Fact]
    public async Task TheDetailCarriesTheMemberAndTheirVersions()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id, configure: a => { a.FirstName = "Ada"; a.MustChangePassword = true; });

        var detail = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!;

        Assert.Equal((target.MembershipId, target.UserName, "Ada", true, 1), (detail.MembershipId, detail.UserName, detail.FirstName, detail.MustChangePassword, detail.OrganizationCount));
        Assert.False(string.IsNullOrEmpty(detail.Version));
        Assert.False(string.IsNullOrEmpty(detail.AccountVersion));
    }

    [Fact]
    public async Task EveryFieldReadsAsEntityFrameworkReadsIt()
    {
        // The detail is read with one SQL statement; each value must come back as EF reads the same row (UTC times,
        // nulls, GUID text, the lockout's offset), with every optional field set and with every one left empty.
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var group = await Database.QueryAsync(async db =>
        {
            var g = new Group { Id = Guid.NewGuid(), OrganizationId = organization.Id, Name = TestData.UniqueName("group") };
            db.Groups.Add(g);
            await db.SaveChangesAsync();
            return g.Id;
        });
        var full = await Database.AddMemberAsync(organization.Id, MemberRank.Admin, configure: a =>
        {
            a.FirstName = "Zoë";
            a.LastName = "O'Brien";
            a.DisplayName = "Zoë <O'Brien>";
            a.EmailConfirmed = true;
            a.EmailConfirmedAt = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9);
            a.LockoutEnd = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);
            a.MustChangePassword = true;
            a.ActivatedAt = new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc);
            a.LastSignInAt = new DateTime(2026, 3, 4, 5, 6, 7, 1, DateTimeKind.Utc);
            a.LastPasswordChangeAt = new DateTime(2026, 4, 5, 6, 7, 8, DateTimeKind.Utc);
            a.DeviceStatus = DeviceStatus.Registered;
            a.DeviceAddedAt = new DateTime(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        });
        await Database.ExecuteAsync(async db =>
        {
            var membership = await db.Memberships.SingleAsync(m => m.Id == full.MembershipId);
            membership.IsSuspended = true;
            membership.SuspendedAt = new DateTime(2026, 6, 7, 8, 9, 10, 11, DateTimeKind.Utc);
            membership.PrimaryGroupId = group;
            membership.Tag = MemberTag.Guest;
            await db.SaveChangesAsync();
        });
        var bare = await Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.IsActivated = false;
            a.LastSignInAt = null;
            a.ConcurrencyStamp = null;
        });

        foreach (var member in new[] { full, bare, super })
        {
            var detail = (await Service.GetAsync(super.Actor, member.AccountId)).Value!;
            var expected = await Database.QueryAsync(db => db.Memberships.AsNoTracking().Include(m => m.Account).SingleAsync(m => m.Id == member.MembershipId));
            var account = expected.Account!;
            Assert.Equal(
                (account.Id, expected.Id, expected.OrganizationId, account.UserName ?? "", account.Email ?? "", account.EmailConfirmed, account.FirstName,
                    account.LastName, account.DisplayName, expected.Rank, expected.Tag, expected.IsSuspended, account.IsActivated, account.LockoutEnd),
                (detail.AccountId, detail.MembershipId, detail.OrganizationId, detail.UserName, detail.Email, detail.EmailConfirmed, detail.FirstName,
                    detail.LastName, detail.DisplayName, detail.Rank, detail.Tag, detail.IsSuspended, detail.IsActivated, detail.LockoutEnd));
            Assert.Equal(
                (account.MustChangePassword, account.CreatedAt, expected.JoinedAt, expected.SuspendedAt, account.EmailConfirmedAt, account.ActivatedAt,
                    account.LastSignInAt, account.LastPasswordChangeAt, account.DeviceStatus, account.DeviceAddedAt, expected.PrimaryGroupId, expected.Version,
                    account.ConcurrencyStamp ?? ""),
                (detail.MustChangePassword, detail.CreatedAt, detail.JoinedAt, detail.SuspendedAt, detail.EmailConfirmedAt, detail.ActivatedAt,
                    detail.LastSignInAt, detail.LastPasswordChangeAt, detail.DeviceStatus, detail.DeviceAddedAt, detail.PrimaryGroupId, detail.Version,
                    detail.AccountVersion));
            Assert.All(new DateTime?[] { detail.CreatedAt, detail.JoinedAt, detail.SuspendedAt, detail.LastSignInAt }.OfType<DateTime>(),
                t => Assert.Equal(DateTimeKind.Utc, t.Kind));
            Assert.Equal(1, detail.OrganizationCount);
        }

        // With a second active SUPER neither is the last one: each may demote or suspend the other.
        var second = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var can = (await Service.GetAsync(second.Actor, super.AccountId)).Value!.Can;
        Assert.True(can.Allows(MemberAction.ChangeRank));
        Assert.True(can.Allows(MemberAction.Suspend));
    }

    [Fact]
    public async Task AnAdminMayEditARegularMemberButNotChangeRanks()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await Database.AddMemberAsync(organization.Id);

        var can = (await Service.GetAsync(admin.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.EditProfile));
        Assert.True(can.Allows(MemberAction.ChangeGroups));
        Assert.True(can.Allows(MemberAction.Suspend));
        Assert.True(can.Allows(MemberAction.DeleteAccount));
        Assert.Equal("Only a SUPER admin can change ranks.", can.WhyNot(MemberAction.ChangeRank));
    }

    [Fact]
    public async Task HelpDeskSeesEveryEditorRefusedButPasswords()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, permissions: PortalPermissions.HelpDesk);
        var target = await Database.AddMemberAsync(organization.Id);

        var can = (await Service.GetAsync(helpDesk.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.ResetPassword));
        Assert.Equal("You need the manage_users permission for this.", can.WhyNot(MemberAction.EditProfile));
        Assert.Equal("You need the manage_groups permission for this.", can.WhyNot(MemberAction.ChangeGroups));
        Assert.Equal("You need the suspend_users permission for this.", can.WhyNot(MemberAction.Suspend));
    }

    [Fact]
    public async Task AnAccountInAnotherOrganizationKeepsOnlyMembershipActions()
    {
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var target = await Database.AddMemberAsync(organization.Id);
        await Database.AddMembershipAsync(elsewhere.Id, target.AccountId);

        var can = (await Service.GetAsync(super.Actor, target.AccountId)).Value!.Can;

        Assert.True(can.Allows(MemberAction.ChangeRank));
        Assert.True(can.Allows(MemberAction.Suspend));
        Assert.True(can.Allows(MemberAction.Remove));
        foreach (var action in new[] { MemberAction.EditProfile, MemberAction.ResetPassword, MemberAction.DeleteAccount, MemberAction.Activate })
        {
            Assert.StartsWith("This account also belongs to another organization", can.WhyNot(action), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MembersOfOtherOrganizationsAreNotFoundAndViewingNeedsViewUsers()
    {
        var organization = await Database.AddOrganizationAsync();
        var other = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var regular = await Database.AddMemberAsync(organization.Id);
        var stranger = await Database.AddMemberAsync(other.Id);

        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, stranger.AccountId)).Status);
        Assert.Equal(OperationStatus.NotFound, (await Service.GetAsync(admin.Actor, Guid.NewGuid())).Status);
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(regular.Actor, admin.AccountId)).Status);
        Assert.True((await Service.GetAsync(regular.Actor, regular.AccountId)).Succeeded, "Everyone may see themselves.");
        Assert.Equal(OperationStatus.Forbidden, (await Service.GetAsync(stranger.Actor with { OrganizationId = organization.Id }, admin.AccountId)).Status);
    }
}
