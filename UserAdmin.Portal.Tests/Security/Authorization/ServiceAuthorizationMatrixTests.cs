using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Members.Devices;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Features.Users.Export;
using UserAdmin.Portal.Features.Users.Import;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>Who acts through the pages: the member behind the <see cref="Actor"/> a page hands to a service.</summary>
public enum Acting
{
    Regular,
    HelpDesk,
    Admin,
    Super,
    OtherOrgSuper,
    SuspendedAdmin,

    /// <summary>An ADMIN's Actor, used after their rank was lowered to REGULAR.</summary>
    DemotedAdmin,
}

public enum Outcome
{
    Allowed,
    Forbidden,
    NotFound,
}

/// <summary>One service operation a page calls, on a fresh target.</summary>
public sealed record ServiceOp(
    string Name,
    Needs Needs,
    Func<AuthorizationWorld, Actor, Target, Task<OperationResult>> Run,
    TargetState State = TargetState.Active,
    Cross Cross = Cross.NotFound,
    Outcome Denied = Outcome.Forbidden,
    bool PerRowRefusal = false,
    Func<AuthorizationWorld, Target, Task<string>>? Prepare = null)
{
    public Outcome Expected(Acting acting) => acting switch
    {
        Acting.SuspendedAdmin => Outcome.Forbidden,
        Acting.DemotedAdmin => Expected(Acting.Regular),
        Acting.OtherOrgSuper => Cross == Cross.OwnOrganization ? Outcome.Allowed : Outcome.NotFound,
        _ => ApiRow.Holds(Enum.Parse<Caller>(acting.ToString()), Needs) ? Outcome.Allowed : Denied,
    };
}

/// <summary>
/// Every service operation the pages use × every kind of acting member → allowed, or the expected refusal with
/// nothing written: no activity record anywhere, the member's row and account as they were.
/// </summary>
public sealed class ServiceAuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private const string As = " as ";
    private const string Arrow = " → ";

    private static async Task<OperationResult> Bulk(AuthorizationWorld w, Actor actor, Target t, BulkActionKind action, Guid? group = null)
    {
        var outcomes = new List<BulkMemberOutcome>();
        return await w.Get<BulkMemberService>().ApplyAsync(actor, new BulkRequest(action, [t.Number], null, group), outcomes.AddRange, null);
    }

    private static async Task<OperationResult> Import(AuthorizationWorld w, Actor actor, Target t)
    {
        var row = new ImportRow(2, t.UserName, t.Email, "", "", "Imported Name", "", "", "", new Dictionary<string, string>());
        return await w.Get<MemberImportService>().ApplyAsync(actor, [row], _ => { }, null);
    }

    private static string Unique(string prefix) => TestData.UniqueName(prefix);

    // The sensitive operations (deleting an account, creating a key) run with a fresh password, as the pages ask for
    // one first, so the matrix sees the authorization rules alone; ReauthenticationTests covers the proof itself.
    public static IReadOnlyList<ServiceOp> Operations { get; } =
    [
        new("member.read", Needs.ViewUsers, async (w, a, t) => await w.Get<MemberDetailService>().GetAsync(a, t.Id)),
        new("member.create", Needs.ManageUsers, async (w, a, _) => await w.Get<MemberAdminService>().CreateAsync(a,
            new NewMember { UserName = Unique("made"), Email = Unique("made") + "@portal.test", SendActivationEmail = true }), Cross: Cross.OwnOrganization),
        new("member.profile", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberProfileService>().UpdateProfileAsync(a, t.Id,
            new ProfileInput { FirstName = "Changed", LastName = "Name", DisplayName = "Changed Name", Email = t.Email }, t.AccountVersion)),
        new("member.properties", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberProfileService>().ReplacePropertiesAsync(a, t.Id,
            [new PropertyInput { Key = "city", Value = "Springfield" }], t.AccountVersion)),
        new("member.suspend", Needs.SuspendUsers, async (w, a, t) => await w.Get<MemberStatusService>().SetSuspendedAsync(a, t.Id, true, t.Version)),
        new("member.unsuspend", Needs.SuspendUsers, async (w, a, t) => await w.Get<MemberStatusService>().SetSuspendedAsync(a, t.Id, false, t.Version),
            TargetState.Suspended),
        new("member.remove", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberStandingService>().RemoveAsync(a, t.Id, t.Version)),
        new("member.delete-account", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberStandingService>().DeleteAccountAsync(w.App.Services.Proven(a), t.Id, t.AccountVersion)),
        new("member.rank", Needs.Super, async (w, a, t) => await w.Get<MemberStandingService>().SetRankAsync(a, t.Id, MemberRank.Admin, t.Version)),
        new("member.promote-guest", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberStandingService>().PromoteGuestAsync(a, t.Id, t.Version),
            TargetState.Guest),
        new("member.groups.add", Needs.ManageGroups, async (w, a, t) => await w.Get<MemberAccessService>().SetGroupAsync(a, t.Id, t.GroupId, true, t.Version)),
        new("member.groups.remove", Needs.ManageGroups, async (w, a, t) => await w.Get<MemberAccessService>().SetGroupAsync(a, t.Id, w.PlainGroup.Id, false, t.Version),
            TargetState.InPlainGroup),
        new("member.primary-group", Needs.ManageGroups, async (w, a, t) => await w.Get<MemberAccessService>().SetPrimaryGroupAsync(a, t.Id, w.PlainGroup.Id, t.Version),
            TargetState.InPlainGroup),
        new("member.policy", Needs.ManageGroups, async (w, a, t) => await w.Get<MemberAccessService>().SetPolicyAsync(a, t.Id, t.PolicyId, true, t.Version)),
        new("password.force-change", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordAdminService>().ForceChangeAsync(a, t.Id)),
        new("password.temporary", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordAdminService>().SetTemporaryPasswordAsync(a, t.Id)),
        new("password.chosen", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordAdminService>().SetChosenPasswordAsync(a, t.Id, "granite-harbor-owl-58")),
        new("password.reset-link", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordResetService>().SendResetLinkAsync(a, t.Id)),
        new("password.unlock", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordAdminService>().UnlockAsync(a, t.Id)),
        new("password.sign-out-everywhere", Needs.ResetPasswords, async (w, a, t) => await w.Get<PasswordAdminService>().SignOutEverywhereAsync(a, t.Id)),
        new("activation.send", Needs.ManageUsers, async (w, a, t) => await w.Get<ActivationService>().SendActivationAsync(a, t.Id), TargetState.PendingActivation),
        new("activation.deactivate", Needs.ManageUsers, async (w, a, t) => await w.Get<ActivationService>().DeactivateAsync(a, t.Id)),
        new("activation.reactivate", Needs.ManageUsers, async (w, a, t) => await w.Get<ActivationService>().ReactivateAsync(a, t.Id), TargetState.Deactivated),
        new("devices.smartcards", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberDeviceService>().ReplaceSmartcardsAsync(a, t.Id,
            [new SmartcardInput { Number = Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) }], true, t.AccountVersion)),
        new("devices.computer-usernames", Needs.ManageUsers, async (w, a, t) => await w.Get<MemberDeviceService>().ReplaceComputerUsernamesAsync(a, t.Id, ["matrix-pc"], t.AccountVersion)),
        new("bulk.force-change", Needs.ResetPasswords, (w, a, t) => Bulk(w, a, t, BulkActionKind.ForcePasswordChange), PerRowRefusal: true),
        new("bulk.suspend", Needs.SuspendUsers, (w, a, t) => Bulk(w, a, t, BulkActionKind.Suspend), PerRowRefusal: true),
        new("bulk.add-to-group", Needs.ManageGroups, (w, a, t) => Bulk(w, a, t, BulkActionKind.AddToGroup, t.GroupId), PerRowRefusal: true),
        new("bulk.remove-from-organization", Needs.ManageUsers, (w, a, t) => Bulk(w, a, t, BulkActionKind.RemoveFromOrganization), PerRowRefusal: true),
        new("bulk.sign-out-everywhere", Needs.ResetPasswords, (w, a, t) => Bulk(w, a, t, BulkActionKind.SignOutEverywhere), PerRowRefusal: true),
        new("import.update-member", Needs.ManageUsers, Import, PerRowRefusal: true),
        new("group.create", Needs.ManageGroups, async (w, a, _) => await w.Get<GroupService>().CreateAsync(a, Unique("group"), ""), Cross: Cross.OwnOrganization),
        new("group.rename", Needs.ManageGroups, async (w, a, t) => await w.Get<GroupService>().UpdateAsync(a, t.GroupId, Unique("renamed"), "")),
        new("group.permissions", Needs.ManageGroups, async (w, a, t) => await w.Get<GroupService>().SetPermissionsAsync(a, t.GroupId, [PortalPermissions.ViewUsers])),
        new("group.delete", Needs.ManageGroups, async (w, a, t) => await w.Get<GroupService>().DeleteAsync(a, t.GroupId, null)),
        new("application-permission.add", Needs.ManageGroups, async (w, a, _) => await w.Get<ApplicationPermissionService>().AddAsync(a, "app_" + Guid.NewGuid().ToString("N")[..8], ""),
            Cross: Cross.OwnOrganization),
        new("application-permission.remove", Needs.ManageGroups, async (w, a, t) => await w.Get<ApplicationPermissionService>().RemoveAsync(a, t.Prepared!),
            Prepare: async (w, _) =>
            {
                var key = "app_" + Guid.NewGuid().ToString("N")[..8];
                Assert.True((await w.Get<ApplicationPermissionService>().AddAsync(w.Super.Actor, key, "")).Succeeded);
                return key;
            }),
        new("application-permission.preset", Needs.ManageGroups, async (w, a, _) => await w.Get<ApplicationPermissionService>().AddPresetAsync(a, PermissionPresets.Virtool),
            Cross: Cross.OwnOrganization),
        new("policy.create", Needs.ManageGroups, async (w, a, _) => await w.Get<PolicyService>().CreateAsync(a, Unique("policy"), ""), Cross: Cross.OwnOrganization),
        new("policy.rename", Needs.ManageGroups, async (w, a, t) => await w.Get<PolicyService>().UpdateAsync(a, t.PolicyId, Unique("renamed"), "")),
        new("policy.delete", Needs.ManageGroups, async (w, a, t) => await w.Get<PolicyService>().DeleteAsync(a, t.PolicyId)),
        new("policy.assign-group", Needs.ManageGroups, async (w, a, t) => await w.Get<PolicyService>().SetGroupAsync(a, t.PolicyId, t.GroupId, true)),
        new("policy.assign-member", Needs.ManageGroups, async (w, a, t) => await w.Get<PolicyService>().SetMemberAsync(a, t.PolicyId, t.Id, true)),
        new("organization.list-for-account", Needs.Super, async (w, a, t) => await w.Get<OrganizationMembershipService>().ListForAccountAsync(a, t.Id)),
        new("organization.add-existing-account", Needs.Super, async (w, a, t) => await w.Get<OrganizationMembershipService>().AddExistingAccountAsync(a, t.UserName),
            TargetState.Outsider, Cross.OwnOrganization),
        new("organization.remove-from", Needs.Super, async (w, a, t) => await w.Get<OrganizationMembershipService>().RemoveFromAsync(a, t.Id, w.Organization.Id, t.Version)),
        new("api-key.create", Needs.AnyMember, async (w, a, _) => await w.Get<ApiKeyService>().CreateAsync(w.App.Services.Proven(a), new NewApiKey { Name = "matrix", Scope = ApiKeyScope.ReadWrite }),
            Cross: Cross.OwnOrganization),
        // Someone else's key does not exist for a non-SUPER (404); a SUPER revokes any key of their organization.
        new("api-key.revoke-another-members", Needs.Super, async (w, a, t) => await w.Get<ApiKeyService>().RevokeAsync(a, Guid.Parse(t.Prepared!)),
            Denied: Outcome.NotFound, Prepare: async (w, t) =>
            (await w.Get<ApiKeyService>().CreateAsync(w.App.Services.Proven(t.Member.Actor), new NewApiKey { Name = "theirs", Scope = ApiKeyScope.ReadOnly })).Value!.Id.ToString()),
        new("api-key.list-organization", Needs.Super, async (w, a, _) => await w.Get<ApiKeyService>().ListOrganizationAsync(a), Cross: Cross.OwnOrganization),
        new("activity.organization", Needs.ViewActivity, async (w, a, _) => await w.Get<ActivityFeedService>().ListAsync(a, new ActivityQuery()), Cross: Cross.OwnOrganization),
        new("activity.member", Needs.ViewActivity, async (w, a, t) => await w.Get<ActivityFeedService>().ListAsync(a, new ActivityQuery(t.Id))),
        new("export.members", Needs.ViewUsers, async (w, a, _) => await ActivatorUtilities.GetServiceOrCreateInstance<MemberCsvExport>(w.App.Services)
            .PrepareAsync(a, new MemberFilter(), new MemberSort()), Cross: Cross.OwnOrganization),
        new("export.activity", Needs.ViewActivity, async (w, a, _) => await w.Get<ActivityCsvExport>().PrepareAsync(a, new ActivityQuery()), Cross: Cross.OwnOrganization),
    ];

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var op in Operations)
        {
            foreach (var acting in Enum.GetValues<Acting>())
            {
                cases.Add($"{op.Name}{As}{acting}{Arrow}{op.Expected(acting)}");
            }
        }

        return cases;
    }

    private Actor ActorOf(Acting acting) => acting switch
    {
        Acting.Regular => world.Regular.Actor,
        Acting.HelpDesk => world.HelpDesk.Actor,
        Acting.Admin => world.Admin.Actor,
        Acting.Super => world.Super.Actor,
        Acting.OtherOrgSuper => world.OtherOrgSuper.Actor,
        Acting.SuspendedAdmin => world.SuspendedAdmin.Actor,
        _ => world.DemotedAdmin.Actor,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachActingMemberIsAllowedOrRefusedWithNothingWritten(string @case)
    {
        var name = @case[..@case.IndexOf(As, StringComparison.Ordinal)];
        var acting = Enum.Parse<Acting>(@case[(name.Length + As.Length)..@case.IndexOf(Arrow, StringComparison.Ordinal)]);
        var op = Operations.Single(o => o.Name == name);
        var expected = op.Expected(acting);
        var target = await world.NewTargetAsync(op.State);
        if (op.Prepare is not null)
        {
            target = target with { Prepared = await op.Prepare(world, target) };
        }

        var rowBefore = await RowAsync(target);
        var before = await world.LastActivityIdAsync();

        var result = await op.Run(world, ActorOf(acting), target);

        if (expected == Outcome.Allowed)
        {
            Assert.True(result.Succeeded, $"{@case}: refused, {result.Status}: {result.Message}");
            return;
        }

        var refusedAsExpected = result.Status.ToString() == expected.ToString()
            || (op.PerRowRefusal && result.Succeeded);
        Assert.True(refusedAsExpected, $"{@case}: got {result.Status}: {result.Message}");
        Assert.Equal(0, await world.ActivitySinceAsync(before));
        Assert.Equal(rowBefore, await RowAsync(target));
    }

    [Fact]
    public void EveryPublicWritingMethodOfTheMemberServicesIsInTheMatrixOrNamedHere()
    {
        // The services whose operations act on members, groups, policies, memberships and keys: a new public method
        // that takes an Actor needs a row above (or a reason here why it is not an authorization question).
        Type[] services =
        [
            typeof(MemberAdminService), typeof(MemberProfileService), typeof(MemberStatusService), typeof(MemberStandingService),
            typeof(MemberAccessService), typeof(PasswordAdminService), typeof(ActivationService), typeof(MemberDeviceService),
            typeof(BulkMemberService), typeof(MemberImportService), typeof(GroupService), typeof(ApplicationPermissionService),
            typeof(PolicyService), typeof(OrganizationMembershipService), typeof(ApiKeyService),
        ];
        string[] covered =
        [
            "MemberAdminService.CreateAsync", "MemberProfileService.UpdateProfileAsync", "MemberProfileService.ReplacePropertiesAsync",
            "MemberStatusService.SetSuspendedAsync", "MemberStandingService.SetRankAsync", "MemberStandingService.PromoteGuestAsync",
            "MemberStandingService.RemoveAsync", "MemberStandingService.DeleteAccountAsync", "MemberAccessService.SetGroupAsync",
            "MemberAccessService.SetPrimaryGroupAsync", "MemberAccessService.SetPolicyAsync", "PasswordAdminService.ForceChangeAsync",
            "PasswordAdminService.SetTemporaryPasswordAsync", "PasswordAdminService.SetChosenPasswordAsync", "PasswordAdminService.UnlockAsync", "PasswordAdminService.SignOutEverywhereAsync",
            "ActivationService.SendActivationAsync", "ActivationService.DeactivateAsync", "ActivationService.ReactivateAsync",
            "MemberDeviceService.ReplaceSmartcardsAsync", "MemberDeviceService.ReplaceComputerUsernamesAsync", "BulkMemberService.ApplyAsync",
            "MemberImportService.ApplyAsync", "GroupService.CreateAsync", "GroupService.UpdateAsync", "GroupService.SetPermissionsAsync",
            "GroupService.DeleteAsync", "ApplicationPermissionService.AddAsync", "ApplicationPermissionService.RemoveAsync", "ApplicationPermissionService.AddPresetAsync", "PolicyService.CreateAsync", "PolicyService.UpdateAsync",
            "PolicyService.DeleteAsync", "PolicyService.SetGroupAsync", "PolicyService.SetMemberAsync",
            "OrganizationMembershipService.AddExistingAccountAsync", "OrganizationMembershipService.RemoveFromAsync",
            "OrganizationMembershipService.ListForAccountAsync", "ApiKeyService.CreateAsync", "ApiKeyService.RevokeAsync",
            "ApiKeyService.ListOrganizationAsync",
        ];
        string[] readsOrPlans =
        [
            // Reads and dry runs: they change nothing; each checks the same standing as the operation it previews or shows.
            "MemberProfileService.GetPropertiesAsync", "MemberAccessService.GetAsync", "MemberDeviceService.GetAsync",
            "BulkMemberService.PreviewAsync", "MemberImportService.PlanAsync", "GroupService.ListAsync", "GroupService.GetAsync",
            "GroupService.ListMembersAsync", "ApplicationPermissionService.ListAsync",
            "PolicyService.ListAsync", "PolicyService.GetAsync", "PolicyService.ListMembersAsync", "ApiKeyService.ListOwnAsync",
        ];

        var methods = services
            .SelectMany(s => s.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
                .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)))
                .Select(m => $"{s.Name}.{m.Name}"))
            .Distinct()
            .ToList();
        var unknown = methods.Except(covered).Except(readsOrPlans).Order().ToList();
        Assert.True(unknown.Count == 0, "Service operations missing from the matrix: " + string.Join(", ", unknown));
    }

    /// <summary>What a refused operation must leave as it was: the membership's and the account's versions, and the membership itself.</summary>
    private Task<string> RowAsync(Target target) => world.Database.QueryAsync(async db =>
    {
        var membership = await db.Memberships.AsNoTracking().Where(m => m.AccountId == target.Id)
            .Select(m => new { m.OrganizationId, m.Version, m.Rank, m.Tag, m.IsSuspended, m.PrimaryGroupId, Groups = m.Groups.Count })
            .ToListAsync();
        var account = await db.Users.AsNoTracking().Where(a => a.Id == target.Id)
            .Select(a => new { a.ConcurrencyStamp, a.SecurityStamp, a.Email, a.IsActivated, a.MustChangePassword, a.PasswordHash }).SingleOrDefaultAsync();
        var keys = await db.ApiKeys.CountAsync(k => k.AccountId == target.Id && k.RevokedAt == null);
        var policies = await db.Policies.CountAsync(p => p.Id == target.PolicyId);
        var groups = await db.Groups.AsNoTracking().Where(g => g.Id == target.GroupId).Select(g => g.Name + ":" + g.Permissions.Count).SingleOrDefaultAsync();
        return System.Text.Json.JsonSerializer.Serialize(new { membership, account, keys, policies, groups });
    });
}
