using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Features.Users.Import;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>The escalation paths peers got wrong elsewhere, each as a named test. Every test seeds its own members.</summary>
public sealed class EscalationTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private TestDatabase Database => world.Database;

    private Task<string> VersionAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Version).SingleAsync());

    private Task<string> AccountVersionAsync(TestMember member) =>
        Database.QueryAsync(async db => (await db.Users.Where(a => a.Id == member.AccountId).Select(a => a.ConcurrencyStamp).SingleAsync())!);

    private Task<MemberRank> RankAsync(TestMember member) =>
        Database.QueryAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId).Select(m => m.Rank).SingleAsync());

    private Task<List<string>> GroupsOfAsync(TestMember member) =>
        Database.QueryAsync(db => db.GroupMembers.Where(g => g.MembershipId == member.MembershipId).Select(g => g.Group!.Name).ToListAsync());

    private async Task<(Guid Id, string Name)> GroupAsync(Guid organizationId, params string[] permissions)
    {
        var name = TestData.UniqueName("powerful");
        var id = Guid.NewGuid();
        await Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group
            {
                Id = id,
                OrganizationId = organizationId,
                Name = name,
                CreatedAt = DateTime.UtcNow,
                Permissions = permissions.Select(p => new GroupPermission { Permission = p }).ToList(),
            });
            return Task.CompletedTask;
        });
        return (id, name);
    }

    // ---- groups that carry more power ----

    [Fact]
    public async Task AnAdminCannotAddThemselvesToAGroupThatCarriesMorePower()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        await Database.ExecuteAsync(db =>
        {
            db.ApplicationPermissions.Add(new ApplicationPermission { OrganizationId = organization.Id, Key = "create_sample", Description = "" });
            return Task.CompletedTask;
        });
        var group = await GroupAsync(organization.Id, "create_sample", PortalPermissions.ManageUsers);
        var access = world.Get<MemberAccessService>();

        var direct = await access.SetGroupAsync(admin.Actor, admin.AccountId, group.Id, true, null);
        var bulk = new List<BulkMemberOutcome>();
        var bulkResult = await world.Get<BulkMemberService>().ApplyAsync(admin.Actor,
            new BulkRequest(BulkActionKind.AddToGroup, [admin.MembershipId], null, group.Id), bulk.AddRange, null);
        using var client = world.Client(await world.KeyAsync(admin));
        using var api = await client.PutAsync($"/api/v1/members/{admin.AccountId}/groups/{group.Id}", null);
        using var virtool = await client.PostAsJsonAsync($"/compat/virtool/api/users/{admin.UserName}/group", new { group_id = group.Name });
        var import = new List<ImportRowOutcome>();
        await world.Get<MemberImportService>().ApplyAsync(admin.Actor,
            [new ImportRow(2, admin.UserName, "", "", "", "", "", "", group.Name, new Dictionary<string, string>())], import.AddRange, null);

        Assert.Equal(OperationStatus.Forbidden, direct.Status);
        Assert.True(bulkResult.Succeeded);
        Assert.Equal(BulkVerdict.Refused, Assert.Single(bulk).Verdict);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, virtool.StatusCode);
        Assert.Equal(ImportVerdict.Error, Assert.Single(import).Verdict);
        Assert.Empty(await GroupsOfAsync(admin));
    }

    [Fact]
    public async Task AGroupManagerCannotGrantThroughAGroupWhatTheyDoNotHold()
    {
        var organization = await Database.AddOrganizationAsync();
        var manager = await Database.AddMemberAsync(organization.Id, MemberRank.Regular,
            permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups, PortalPermissions.ManageUsers]);
        var member = await Database.AddMemberAsync(organization.Id);
        var powerful = await GroupAsync(organization.Id, PortalPermissions.SuspendUsers);
        var own = (await Database.QueryAsync(db => db.GroupMembers.Where(g => g.MembershipId == manager.MembershipId).Select(g => g.GroupId).ToListAsync())).Single();
        var groups = world.Get<GroupService>();

        var intoGroup = await world.Get<MemberAccessService>().SetGroupAsync(manager.Actor, member.AccountId, powerful.Id, true, null);
        var ownGroupGrows = await groups.SetPermissionsAsync(manager.Actor, own,
            [PortalPermissions.ViewUsers, PortalPermissions.ManageGroups, PortalPermissions.ManageUsers, PortalPermissions.SuspendUsers]);
        var plainGroup = await GroupAsync(organization.Id);
        var plainGrows = await groups.SetPermissionsAsync(manager.Actor, plainGroup.Id, [PortalPermissions.ViewActivity]);

        Assert.Equal(OperationStatus.Forbidden, intoGroup.Status);
        Assert.Equal(OperationStatus.Forbidden, ownGroupGrows.Status);
        Assert.Equal(OperationStatus.Forbidden, plainGrows.Status);
        Assert.Empty(await GroupsOfAsync(member));
        Assert.Equal(3, await Database.QueryAsync(db => db.GroupPermissions.CountAsync(p => p.GroupId == own)));
    }

    [Fact]
    public async Task AnImportCannotPutMembersInAGroupThatGrantsWhatTheImporterLacks()
    {
        var organization = await Database.AddOrganizationAsync();
        var importer = await Database.AddMemberAsync(organization.Id, MemberRank.Regular,
            permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageUsers, PortalPermissions.ManageGroups]);
        var member = await Database.AddMemberAsync(organization.Id);
        var powerful = await GroupAsync(organization.Id, PortalPermissions.SuspendUsers);
        var outcomes = new List<ImportRowOutcome>();
        var newName = TestData.UniqueName("imported");

        await world.Get<MemberImportService>().ApplyAsync(importer.Actor,
        [
            new ImportRow(2, member.UserName, "", "", "", "", "", "", powerful.Name, new Dictionary<string, string>()),
            new ImportRow(3, newName, newName + "@portal.test", "", "", "", "", "", powerful.Name, new Dictionary<string, string>()),
        ], outcomes.AddRange, null);

        Assert.All(outcomes, o => Assert.Equal(ImportVerdict.Error, o.Verdict));
        Assert.All(outcomes, o => Assert.Contains(PortalPermissions.SuspendUsers, o.Detail, StringComparison.Ordinal));
        Assert.Empty(await GroupsOfAsync(member));
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == newName)));
    }

    [Fact]
    public async Task AnImportNeedsManageGroupsToPutNewMembersInGroups()
    {
        var organization = await Database.AddOrganizationAsync();
        var importer = await Database.AddMemberAsync(organization.Id, MemberRank.Regular, permissions: [PortalPermissions.ViewUsers, PortalPermissions.ManageUsers]);
        var plain = await GroupAsync(organization.Id);
        var outcomes = new List<ImportRowOutcome>();
        var newName = TestData.UniqueName("imported");

        await world.Get<MemberImportService>().ApplyAsync(importer.Actor,
            [new ImportRow(2, newName, newName + "@portal.test", "", "", "", "", "", plain.Name, new Dictionary<string, string>())], outcomes.AddRange, null);

        var outcome = Assert.Single(outcomes);
        Assert.Equal(ImportVerdict.Error, outcome.Verdict);
        Assert.Contains(PortalPermissions.ManageGroups, outcome.Detail, StringComparison.Ordinal);
        Assert.False(await Database.QueryAsync(db => db.Users.AnyAsync(a => a.UserName == newName)));
    }

    [Fact]
    public async Task AnImportCannotChangeTheEmailOfAnAccountThatASuperOfAnotherOrganizationHolds()
    {
        // The email is how the account recovers its password: changing it from here would hand over the SUPER elsewhere.
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var victim = await Database.AddMemberAsync(elsewhere.Id, MemberRank.Super);
        await Database.AddMembershipAsync(organization.Id, victim.AccountId);
        var email = await Database.QueryAsync(db => db.Users.Where(a => a.Id == victim.AccountId).Select(a => a.Email).SingleAsync());
        var outcomes = new List<ImportRowOutcome>();

        await world.Get<MemberImportService>().ApplyAsync(admin.Actor,
            [new ImportRow(2, victim.UserName, "attacker@evil.test", "", "", "Hijacked", "", "", "", new Dictionary<string, string> { ["city"] = "x" })],
            outcomes.AddRange, null);
        var profile = await world.Get<MemberProfileService>().UpdateProfileAsync(admin.Actor, victim.AccountId,
            new ProfileInput { DisplayName = "Hijacked", Email = "attacker@evil.test" }, await AccountVersionAsync(victim));

        var outcome = Assert.Single(outcomes);
        Assert.Equal(ImportVerdict.Error, outcome.Verdict);
        Assert.Equal(OperationStatus.Forbidden, profile.Status);
        Assert.Equal(email, await Database.QueryAsync(db => db.Users.Where(a => a.Id == victim.AccountId).Select(a => a.Email).SingleAsync()));
        Assert.False(await Database.QueryAsync(db => db.CustomProperties.AnyAsync(p => p.AccountId == victim.AccountId)));
    }

    [Fact]
    public async Task AnImportStillChangesTheProfileOfAMemberOnlyOfThisOrganization()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id);
        var plain = await GroupAsync(organization.Id);
        var outcomes = new List<ImportRowOutcome>();

        await world.Get<MemberImportService>().ApplyAsync(admin.Actor,
            [new ImportRow(2, member.UserName, "", "", "", "Renamed", "", "", plain.Name, new Dictionary<string, string>())], outcomes.AddRange, null);

        Assert.Equal(ImportVerdict.Update, Assert.Single(outcomes).Verdict);
        Assert.Equal("Renamed", await Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.DisplayName).SingleAsync()));
        Assert.Equal([plain.Name], await GroupsOfAsync(member));
    }

    // DESIGN.md: nobody grants a permission they do not hold. An ADMIN holds the portal's permissions by rank, an
    // organization's application permissions only through a group (ActingMember.Has).
    [Fact]
    public async Task AnAdminCannotGrantAnApplicationPermissionTheyDoNotHoldToAGroupTheyAreIn()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        await Database.ExecuteAsync(db =>
        {
            db.ApplicationPermissions.Add(new ApplicationPermission { OrganizationId = organization.Id, Key = "create_sample", Description = "" });
            return Task.CompletedTask;
        });
        var group = await world.GrantAsync(admin, [PortalPermissions.ViewUsers]);

        var grown = await world.Get<GroupService>().SetPermissionsAsync(admin.Actor, group, [PortalPermissions.ViewUsers, "create_sample"]);

        Assert.Equal(OperationStatus.Forbidden, grown.Status);
    }

    // ---- the help desk and the passwords of those above them ----

    [Fact]
    public async Task AHelpDeskMemberCannotResetOrSetTheCredentialsOfASuperOrAnAdmin()
    {
        var organization = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, MemberRank.Regular, permissions: AuthorizationWorld.HelpDeskPermissions);
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var passwords = world.Get<PasswordAdminService>();
        var resets = world.Get<PasswordResetService>();
        using var client = world.Client(await world.KeyAsync(helpDesk));

        foreach (var target in new[] { super, admin })
        {
            var stamp = await Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.SecurityStamp + a.PasswordHash + a.MustChangePassword).SingleAsync());
            Assert.Equal(OperationStatus.Forbidden, (await passwords.SetTemporaryPasswordAsync(helpDesk.Actor, target.AccountId)).Status);
            Assert.Equal(OperationStatus.Forbidden, (await passwords.ForceChangeAsync(helpDesk.Actor, target.AccountId)).Status);
            Assert.Equal(OperationStatus.Forbidden, (await passwords.UnlockAsync(helpDesk.Actor, target.AccountId)).Status);
            Assert.Equal(OperationStatus.Forbidden, (await passwords.SignOutEverywhereAsync(helpDesk.Actor, target.AccountId)).Status);
            Assert.Equal(OperationStatus.Forbidden, (await resets.SendResetLinkAsync(helpDesk.Actor, target.AccountId)).Status);
            foreach (var action in new[] { "password/temporary", "password/reset-link", "must-change-password", "sign-out-everywhere" })
            {
                using var response = await client.PostAsync($"/api/v1/members/{target.AccountId}/{action}", null);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{action}: {(int)response.StatusCode} {body}");
                Assert.DoesNotContain("password\"", body, StringComparison.OrdinalIgnoreCase);
            }

            using var virtool = await client.PatchAsJsonAsync($"/compat/virtool/api/users/{target.UserName}", new { force_reset = true });
            Assert.Equal(HttpStatusCode.Forbidden, virtool.StatusCode);
            Assert.Equal(stamp, await Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.SecurityStamp + a.PasswordHash + a.MustChangePassword).SingleAsync()));
        }
    }

    [Fact]
    public async Task AHelpDeskMemberCannotResetAMemberHereWhoIsASuperElsewhere()
    {
        var organization = await Database.AddOrganizationAsync();
        var elsewhere = await Database.AddOrganizationAsync();
        var helpDesk = await Database.AddMemberAsync(organization.Id, MemberRank.Regular, permissions: AuthorizationWorld.HelpDeskPermissions);
        var super = await Database.AddMemberAsync(elsewhere.Id, MemberRank.Super);
        await Database.AddMembershipAsync(organization.Id, super.AccountId);

        var temporary = await world.Get<PasswordAdminService>().SetTemporaryPasswordAsync(helpDesk.Actor, super.AccountId);
        var link = await world.Get<PasswordResetService>().SendResetLinkAsync(helpDesk.Actor, super.AccountId);

        Assert.Equal(OperationStatus.Forbidden, temporary.Status);
        Assert.Equal(OperationStatus.Forbidden, link.Status);
        Assert.Null(await Database.QueryAsync(db => db.Users.Where(a => a.Id == super.AccountId).Select(a => a.PasswordHash).SingleAsync()));
    }

    // ---- ranks ----

    [Fact]
    public async Task AnAdminCannotGrantAdminOrSuper()
    {
        var organization = await Database.AddOrganizationAsync();
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberAsync(organization.Id);
        var standing = world.Get<MemberStandingService>();
        using var client = world.Client(await world.KeyAsync(admin));

        foreach (var rank in new[] { MemberRank.Admin, MemberRank.Super })
        {
            Assert.Equal(OperationStatus.Forbidden, (await standing.SetRankAsync(world.App.Services.Proven(admin.Actor), member.AccountId, rank, await VersionAsync(member))).Status);
            using var api = await client.PutAsJsonAsync($"/api/v1/members/{member.AccountId}/rank", new { rank = rank.ToString(), version = await VersionAsync(member) });
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
            using var compat = await client.PostAsJsonAsync("/compat/allthenticate/modifyrank", new { admin_user_id = member.MembershipId, rank = rank.ToString().ToUpperInvariant() });
            Assert.Equal(HttpStatusCode.Forbidden, compat.StatusCode);
        }

        var outcomes = new List<ImportRowOutcome>();
        await world.Get<MemberImportService>().ApplyAsync(admin.Actor,
            [new ImportRow(2, member.UserName, "", "", "", "", "SUPER", "", "", new Dictionary<string, string>())], outcomes.AddRange, null);
        Assert.Equal(ImportVerdict.Error, Assert.Single(outcomes).Verdict);
        Assert.Equal(MemberRank.Regular, await RankAsync(member));
    }

    [Fact]
    public async Task NobodyPromotesThemselves()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var helpDesk = await Database.AddMemberAsync(organization.Id, MemberRank.Regular, permissions: AuthorizationWorld.HelpDeskPermissions);
        var standing = world.Get<MemberStandingService>();

        foreach (var member in new[] { admin, helpDesk })
        {
            Assert.Equal(OperationStatus.Forbidden, (await standing.SetRankAsync(world.App.Services.Proven(member.Actor), member.AccountId, MemberRank.Super, await VersionAsync(member))).Status);
            using var client = world.Client(await world.KeyAsync(member));
            using var api = await client.PutAsJsonAsync($"/api/v1/members/{member.AccountId}/rank", new { rank = "Super", version = await VersionAsync(member) });
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        }

        // Even a SUPER does not change their own rank (down, here: up is nowhere to go).
        Assert.Equal(OperationStatus.Forbidden, (await standing.SetRankAsync(super.Actor, super.AccountId, MemberRank.Admin, await VersionAsync(super))).Status);
        Assert.Equal(MemberRank.Admin, await RankAsync(admin));
        Assert.Equal(MemberRank.Regular, await RankAsync(helpDesk));
        Assert.Equal(MemberRank.Super, await RankAsync(super));
    }

    [Fact]
    public async Task TheLastSuperCannotBeDemotedSuspendedRemovedOrDeletedByAnyone()
    {
        var organization = await Database.AddOrganizationAsync();
        var last = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        await Database.AddMemberAsync(organization.Id, MemberRank.Super, suspended: true);
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var standing = world.Get<MemberStandingService>();
        var status = world.Get<MemberStatusService>();

        foreach (var actor in new[] { last, admin })
        {
            Assert.False((await standing.SetRankAsync(actor.Actor, last.AccountId, MemberRank.Admin, await VersionAsync(last))).Succeeded);
            Assert.False((await status.SetSuspendedAsync(actor.Actor, last.AccountId, true)).Succeeded);
            Assert.False((await standing.RemoveAsync(actor.Actor, last.AccountId, await VersionAsync(last))).Succeeded);
            Assert.False((await standing.DeleteAccountAsync(world.App.Services.Proven(actor.Actor), last.AccountId, await AccountVersionAsync(last))).Succeeded);
        }

        // No active member other than the last SUPER has the rank to try, so the rule itself is asked with one who would.
        var otherSuper = new ActingMember(Guid.NewGuid(), "other", 0, organization.Id, MemberRank.Super, new HashSet<string>());
        var target = new TargetMember(last.AccountId, MemberRank.Super, IsLastSuper: true);
        Assert.False(AccessRules.Check(otherSuper, MemberAction.ChangeRank, target, MemberRank.Admin).Allowed);
        Assert.False(AccessRules.Check(otherSuper, MemberAction.Suspend, target).Allowed);
        Assert.False(AccessRules.Check(otherSuper, MemberAction.Remove, target).Allowed);
        Assert.False(AccessRules.Check(otherSuper, MemberAction.DeleteAccount, target).Allowed);
        Assert.Equal(MemberRank.Super, await RankAsync(last));
        Assert.False(await Database.QueryAsync(db => db.Memberships.Where(m => m.Id == last.MembershipId).Select(m => m.IsSuspended).SingleAsync()));
    }

    // ---- keys ----

    [Fact]
    public async Task AKeyReachesNoPathThatCreatesAKey()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var before = await Database.QueryAsync(db => db.ApiKeys.CountAsync(k => k.AccountId == super.AccountId));
        var readOnly = await world.KeyAsync(super, ApiKeyScope.ReadOnly);
        var readWrite = await world.KeyAsync(super);

        foreach (var key in new[] { readOnly, readWrite })
        {
            using var client = world.Client(key);
            foreach (var path in new[] { "/api/v1/api-keys", "/api/v1/keys", "/api/v1/account/api-keys", "/account/api-keys", "/compat/virtool/api/keys", "/management/users/me/keys" })
            {
                using var response = await client.PostAsJsonAsync(path, new { name = "broader", scope = "ReadWrite" });
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Forbidden
                    or HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
            }
        }

        // The key-making path is the signed-in page: a key is no session there.
        using var page = await world.Client(readWrite).GetAsync("/account/api-keys");
        Assert.StartsWith("/Account/Login", page.RedirectTarget(), StringComparison.Ordinal);
        Assert.Equal(before + 2, await Database.QueryAsync(db => db.ApiKeys.CountAsync(k => k.AccountId == super.AccountId)));
        Assert.DoesNotContain(world.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>(), e => e.RoutePattern.RawText?.Contains("key", StringComparison.OrdinalIgnoreCase) == true
                && e.RoutePattern.RawText.TrimStart('/').StartsWith("api", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AReadWriteKeyOfARegularMemberHasNoMorePowerThanTheMember()
    {
        var organization = await Database.AddOrganizationAsync();
        var regular = await Database.AddMemberAsync(organization.Id);
        var other = await Database.AddMemberAsync(organization.Id);
        using var client = world.Client(await world.KeyAsync(regular));

        using var list = await client.GetAsync("/api/v1/members");
        using var suspend = await client.PostAsync($"/api/v1/members/{other.AccountId}/suspend", null);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, suspend.StatusCode);
        Assert.DoesNotContain(other.UserName, await list.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AReadOnlyKeyCannotActivateOrReactivateThroughUsergridsGets()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var deactivated = await Database.AddMemberAsync(organization.Id, configure: a => { a.IsActivated = false; a.ActivatedAt = DateTime.UtcNow.AddDays(-1); });
        using var client = world.Client(await world.KeyAsync(super, ApiKeyScope.ReadOnly));

        using var reactivate = await client.GetAsync($"/management/organizations/{organization.Name}/users/{deactivated.UserName}/reactivate");
        using var activate = await client.GetAsync($"/management/organizations/{organization.Name}/users/{deactivated.UserName}/activate?token=x&password=y");
        using var read = await client.GetAsync($"/management/organizations/{organization.Name}/users/{deactivated.UserName}");

        Assert.Equal(HttpStatusCode.Forbidden, reactivate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, activate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(await Database.QueryAsync(db => db.Users.Where(a => a.Id == deactivated.AccountId).Select(a => a.IsActivated).SingleAsync()));
    }

    public enum OwnerChange
    {
        DemotedToRegular,
        Suspended,
        RemovedFromTheOrganization,
        Deactivated,
    }

    [Theory]
    [InlineData(OwnerChange.DemotedToRegular, HttpStatusCode.Forbidden)]
    [InlineData(OwnerChange.Suspended, HttpStatusCode.Unauthorized)]
    [InlineData(OwnerChange.RemovedFromTheOrganization, HttpStatusCode.Unauthorized)]
    [InlineData(OwnerChange.Deactivated, HttpStatusCode.Unauthorized)]
    public async Task AKeysNextCallAfterItsOwnerLostStandingIsRefusedWithNoData(OwnerChange change, HttpStatusCode expected)
    {
        var organization = await Database.AddOrganizationAsync();
        var owner = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var member = await Database.AddMemberAsync(organization.Id);
        using var client = world.Client(await world.KeyAsync(owner));
        using (var before = await client.GetAsync($"/api/v1/members/{member.AccountId}"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var standing = world.Get<MemberStandingService>();
        var done = change switch
        {
            OwnerChange.DemotedToRegular => await standing.SetRankAsync(super.Actor, owner.AccountId, MemberRank.Regular, await VersionAsync(owner)),
            OwnerChange.Suspended => await world.Get<MemberStatusService>().SetSuspendedAsync(super.Actor, owner.AccountId, true),
            OwnerChange.RemovedFromTheOrganization => await standing.RemoveAsync(super.Actor, owner.AccountId, await VersionAsync(owner)),
            _ => await world.Get<ActivationService>().DeactivateAsync(super.Actor, owner.AccountId),
        };
        Assert.True(done.Succeeded, done.Message);

        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.GetAsync($"/api/v1/members/{member.AccountId}"),
            () => client.GetAsync("/api/v1/members"),
            () => client.GetAsync("/compat/virtool/api/users"),
            () => client.PutAsJsonAsync($"/api/v1/members/{member.AccountId}/rank", new { rank = "Super", version = "x" }),
        })
        {
            using var response = await request();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain(member.UserName, body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(MemberRank.Regular, await RankAsync(member));
    }
}
