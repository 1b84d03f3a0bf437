using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

public sealed class OrganizationProvisionerTests(PortalServices portal) : IClassFixture<PortalServices>
{
    private const string AdminPassword = "copper-orbit-lantern-19";

    private TestDatabase Database => portal.Database;
    private OrganizationProvisioner Provisioner => portal.Get<OrganizationProvisioner>();

    [Fact]
    public async Task CreatingAnOrganizationAddsItsHelpDeskGroupAndItsFirstSuperInOneGo()
    {
        var request = NewRequest();

        // Subscriptions are per organization, and this one does not exist yet: record everything published instead.
        var notifier = new RecordingNotifier();
        var runner = new OperationRunner(portal.Get<IServiceScopeFactory>(), notifier, TimeProvider.System, NullLogger<OperationRunner>.Instance);

        var result = await new OrganizationProvisioner(runner).CreateAsync(request);

        Assert.True(result.Succeeded, result.Message);
        var organizationId = result.Value;
        await using var db = Database.CreateContext();
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId);
        Assert.Equal((request.Name, "Acme Testing", 1), (organization.Name, organization.DisplayName, organization.MemberCount));

        var helpDesk = await db.Groups.Include(g => g.Permissions).SingleAsync(g => g.OrganizationId == organizationId);
        Assert.Equal(OrganizationProvisioner.HelpDeskGroupName, helpDesk.Name);
        Assert.Equal(
            [PortalPermissions.ResetPasswords, PortalPermissions.ViewActivity, PortalPermissions.ViewUsers],
            helpDesk.Permissions.Select(p => p.Permission).Order(StringComparer.Ordinal));

        var membership = await db.Memberships.Include(m => m.Account).SingleAsync(m => m.OrganizationId == organizationId);
        Assert.Equal(MemberRank.Super, membership.Rank);
        var admin = membership.Account!;
        Assert.Equal((request.AdminUserName, request.AdminEmail, true, true), (admin.UserName, admin.Email, admin.EmailConfirmed, admin.IsActivated));
        Assert.True(admin.MustChangePassword);
        Assert.NotNull(admin.PasswordHash);
        Assert.DoesNotContain(AdminPassword, admin.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success,
            new PasswordHasher<Account>().VerifyHashedPassword(admin, admin.PasswordHash!, AdminPassword));

        // Identity's v3 format: marker byte, PRF (4 bytes), then the iteration count, big-endian.
        var hash = Convert.FromBase64String(admin.PasswordHash!);
        Assert.Equal(PasswordHashing.Iterations, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(5, 4)));

        var records = await Database.ActivityForAsync(organizationId);
        Assert.Equal(["organization.created", "member.added"], records.Select(r => r.Verb));
        Assert.All(records, r => Assert.Equal(("system", (Guid?)null), (r.ActorName, r.ActorAccountId)));
        Assert.Equal(admin.Id, records[1].TargetAccountId);

        var notice = Assert.Single(notifier.Published);
        Assert.Equal((organizationId, "organization.created", records[1].Id), (notice.OrganizationId, notice.Verb, notice.ActivityId));
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("-leading-dash")]
    [InlineData("trailing-dash-")]
    [InlineData("with space")]
    [InlineData("under_score")]
    [InlineData("")]
    [InlineData("a-name-that-is-much-too-long-for-an-organization-slug-in-this-portal")]
    public async Task ABadNameIsRefusedAndNothingIsWritten(string name)
    {
        var before = await CountsAsync();

        var result = await Provisioner.CreateAsync(NewRequest() with { Name = name });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.True(result.FieldErrors!.ContainsKey(nameof(NewOrganization.Name)));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task ADuplicateNameIsRefusedAndNothingIsWritten()
    {
        var first = NewRequest();
        Assert.True((await Provisioner.CreateAsync(first)).Succeeded);
        var before = await CountsAsync();

        var result = await Provisioner.CreateAsync(NewRequest() with { Name = first.Name });

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains(first.Name, result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AWeakAdminPasswordIsRefusedAndNothingIsWritten()
    {
        var before = await CountsAsync();

        var result = await Provisioner.CreateAsync(NewRequest() with { AdminPassword = "password1234" });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains("too common", result.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task ATakenAdminUserNameIsRefusedAndNothingIsWritten()
    {
        var first = NewRequest();
        Assert.True((await Provisioner.CreateAsync(first)).Succeeded);
        var before = await CountsAsync();

        var result = await Provisioner.CreateAsync(NewRequest() with { AdminUserName = first.AdminUserName });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task ADisplayNameWithAnInvisibleCharacterIsRefusedNamingItAndNothingIsWritten()
    {
        var before = await CountsAsync();

        var result = await Provisioner.CreateAsync(NewRequest() with { DisplayName = "Acme\u200B Testing" });

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.StartsWith("U+200B", Assert.Single(result.FieldErrors![nameof(NewOrganization.DisplayName)]), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task ABlankDisplayNameFallsBackToTheName()
    {
        var request = NewRequest() with { DisplayName = "   " };

        var result = await Provisioner.CreateAsync(request);

        Assert.Equal(request.Name, await Database.QueryAsync(db => db.Organizations.Where(o => o.Id == result.Value).Select(o => o.DisplayName).SingleAsync()));
    }

    private static NewOrganization NewRequest()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        return new NewOrganization($"acme-{suffix}", "  Acme Testing ", $"boss{suffix}", $"boss{suffix}@acme.test", AdminPassword, AdminMustChangePassword: true);
    }

    private Task<(int Organizations, int Accounts, int Memberships, int Groups, int Records)> CountsAsync() =>
        Database.QueryAsync(async db => (
            await db.Organizations.CountAsync(),
            await db.Users.CountAsync(),
            await db.Memberships.CountAsync(),
            await db.Groups.CountAsync(),
            await db.Activity.CountAsync()));
}
