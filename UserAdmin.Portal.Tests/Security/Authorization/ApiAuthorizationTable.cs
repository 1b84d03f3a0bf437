using System.Globalization;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>What a caller must hold for an endpoint to do its work on a REGULAR member of their organization (DESIGN.md "Rules").</summary>
public enum Needs
{
    /// <summary>Any active member with a key (a public action, such as asking for the reset form's address).</summary>
    AnyMember,
    ViewUsers,
    ResetPasswords,
    ViewActivity,
    ManageUsers,
    SuspendUsers,
    ManageGroups,

    /// <summary>Ranks and memberships across organizations: SUPER only.</summary>
    Super,

    /// <summary>Only the account itself (its own password): nobody else, whatever their rank.</summary>
    OnlyThemselves,
}

/// <summary>What a SUPER of another organization gets when the request names a member of this one.</summary>
public enum Cross
{
    /// <summary>The target is not in their organization: not found (Allthenticate answers a missing member with 400).</summary>
    NotFound,

    /// <summary>The endpoint names no target: it works, on their own organization, and shows nothing of this one.</summary>
    OwnOrganization,
}

public enum Shape
{
    Problem,
    Usergrid,
    Allthenticate,
    Virtool,
}

/// <summary>One endpoint of the route table, the standing it needs, and how to send a request about a target.</summary>
public sealed record ApiRow(
    string Method,
    string Route,
    Needs Needs,
    int Ok,
    TargetState State = TargetState.Active,
    Cross Cross = Cross.NotFound,
    Func<AuthorizationWorld, Target, object?>? Body = null,
    Func<AuthorizationWorld, Target, string>? Query = null,
    Func<AuthorizationWorld, Target, string>? Path = null,
    bool WritesThroughGet = false,
    bool Activity = false)
{
    public string Key => $"{Method} {Route}";

    public Shape Shape => Route switch
    {
        _ when Route.StartsWith("/management", StringComparison.Ordinal) => Shape.Usergrid,
        _ when Route.StartsWith("/compat/allthenticate", StringComparison.Ordinal) => Shape.Allthenticate,
        _ when Route.StartsWith("/compat/virtool", StringComparison.Ordinal) => Shape.Virtool,
        _ => Shape.Problem,
    };

    /// <summary>A write needs a read-write key. A fallback answers any method; the matrix sends GET.</summary>
    public bool Writes => WritesThroughGet || Method is not ("GET" or "*");

    public string HttpMethod => Method == "*" ? "GET" : Method;

    /// <summary>The status this caller must get, from the rules: never from what the code answers today.</summary>
    public int Expected(Caller caller) => caller switch
    {
        Caller.NoKey or Caller.RevokedKey or Caller.ExpiredKey => 401,
        Caller.ReadOnlyKey => Writes ? 403 : Expected(Caller.Super),
        Caller.OtherOrgSuper => Cross == Cross.OwnOrganization ? Ok : Shape == Shape.Allthenticate ? 400 : 404,
        _ => Holds(caller, Needs) ? Ok : 403,
    };

    public static bool Holds(Caller caller, Needs needs) => (caller, needs) switch
    {
        (_, Needs.OnlyThemselves) => false,
        (_, Needs.AnyMember) => true,
        (Caller.Super, _) => true,
        (Caller.Admin, _) => needs != Needs.Super,
        (Caller.HelpDesk, _) => needs is Needs.ViewUsers or Needs.ResetPasswords or Needs.ViewActivity,
        _ => false,
    };

    public string PathFor(AuthorizationWorld world, Target target)
    {
        var path = Path?.Invoke(world, target) ?? Route
            .Replace("{**rest}", "no-such-thing", StringComparison.Ordinal)
            .Replace("{id}", Shape == Shape.Virtool ? target.UserName : target.Id.ToString(), StringComparison.Ordinal)
            .Replace("{accountId}", target.Id.ToString(), StringComparison.Ordinal)
            .Replace("{userName}", target.UserName, StringComparison.Ordinal)
            .Replace("{user}", target.UserName, StringComparison.Ordinal)
            .Replace("{email}", Uri.EscapeDataString(target.Email), StringComparison.Ordinal)
            .Replace("{groupId}", Shape == Shape.Virtool ? world.PlainGroup.Name : world.PlainGroup.Id.ToString(), StringComparison.Ordinal)
            .Replace("{policyId}", target.PolicyId.ToString(), StringComparison.Ordinal)
            .Replace("{organizationId}", world.Organization.Id.ToString(), StringComparison.Ordinal)
            .Replace("{org}", world.Organization.Name, StringComparison.Ordinal);
        return path + (Query?.Invoke(world, target) ?? "");
    }
}

/// <summary>
/// The matrix's table: every endpoint of <c>/api/v1</c> and of the compatibility routes, with the standing DESIGN.md
/// asks for. Written from the rules; <see cref="ApiAuthorizationMatrixTests.EveryRouteOfTheApiHasARowAndEveryRowARoute"/>
/// fails when an endpoint is added without a row here.
/// </summary>
public static class ApiAuthorizationTable
{
    private const string Password = "copper-meadow-lantern-17";

    private static string Digits() => Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    private static object NewMember() => new
    {
        userName = TestName(),
        email = TestName() + "@portal.test",
        password = Password,
    };

    private static string TestName() => Infrastructure.TestData.UniqueName("made");

    public static IReadOnlyList<ApiRow> Rows { get; } =
    [
        // /api/v1 members
        new("GET", "/api/v1/members", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization, Query: (_, t) => $"?q={t.UserName}"),
        new("GET", "/api/v1/members/{id}", Needs.ViewUsers, 200),
        new("GET", "/api/v1/members/by-username/{userName}", Needs.ViewUsers, 200),
        new("GET", "/api/v1/members/by-email/{email}", Needs.ViewUsers, 200),
        new("POST", "/api/v1/members", Needs.ManageUsers, 201, Cross: Cross.OwnOrganization, Body: (_, _) => NewMember()),
        new("PUT", "/api/v1/members/{id}/profile", Needs.ManageUsers, 200, Body: (_, t) => new
        {
            firstName = "Changed", lastName = "Name", displayName = "Changed Name", email = t.Email, accountVersion = t.AccountVersion,
        }),
        new("DELETE", "/api/v1/members/{id}", Needs.ManageUsers, 204, Query: (_, t) => $"?version={t.Version}"),
        new("GET", "/api/v1/members/export.csv", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization),

        // /api/v1 member actions
        new("POST", "/api/v1/members/{id}/suspend", Needs.SuspendUsers, 200),
        new("POST", "/api/v1/members/{id}/unsuspend", Needs.SuspendUsers, 200, TargetState.Suspended),
        new("POST", "/api/v1/members/{id}/must-change-password", Needs.ResetPasswords, 200),
        new("PUT", "/api/v1/members/{id}/rank", Needs.Super, 200, Body: (_, t) => new { rank = "Admin", version = t.Version }),
        new("PUT", "/api/v1/members/{id}/tag", Needs.ManageUsers, 200, TargetState.Guest, Body: (_, t) => new { tag = "User", version = t.Version }),
        new("POST", "/api/v1/members/{id}/password/temporary", Needs.ResetPasswords, 200),
        new("PUT", "/api/v1/members/{id}/password", Needs.ResetPasswords, 200, Body: (_, _) => new { password = "granite-harbor-owl-58" }),
        new("POST", "/api/v1/members/{id}/password/reset-link", Needs.ResetPasswords, 200),
        new("POST", "/api/v1/members/{id}/unlock", Needs.ResetPasswords, 200),
        new("POST", "/api/v1/members/{id}/sign-out-everywhere", Needs.ResetPasswords, 200),

        // /api/v1 groups and permissions of a member
        new("GET", "/api/v1/members/{id}/groups", Needs.ViewUsers, 200),
        new("GET", "/api/v1/members/{id}/permissions", Needs.ViewUsers, 200),
        new("PUT", "/api/v1/members/{id}/groups/{groupId}", Needs.ManageGroups, 200),
        new("DELETE", "/api/v1/members/{id}/groups/{groupId}", Needs.ManageGroups, 200, TargetState.InPlainGroup),
        new("PUT", "/api/v1/members/{id}/primary-group", Needs.ManageGroups, 200, TargetState.InPlainGroup,
            Body: (w, t) => new { groupId = w.PlainGroup.Id, version = t.Version }),

        // /api/v1 the account
        new("POST", "/api/v1/members/{id}/activation/send", Needs.ManageUsers, 200, TargetState.PendingActivation),
        new("POST", "/api/v1/members/{id}/deactivate", Needs.ManageUsers, 200),
        new("POST", "/api/v1/members/{id}/reactivate", Needs.ManageUsers, 200, TargetState.Deactivated),
        new("DELETE", "/api/v1/members/{id}/account", Needs.ManageUsers, 204, Query: (_, t) => $"?accountVersion={t.AccountVersion}"),
        new("GET", "/api/v1/members/{id}/properties", Needs.ViewUsers, 200),
        new("PUT", "/api/v1/members/{id}/properties", Needs.ManageUsers, 200,
            Body: (_, t) => new { properties = new[] { new { key = "city", value = "Springfield" } }, accountVersion = t.AccountVersion }),
        new("GET", "/api/v1/members/{id}/devices", Needs.ViewUsers, 200),
        new("PUT", "/api/v1/members/{id}/smartcards", Needs.ManageUsers, 200,
            Body: (_, t) => new { smartcards = new[] { new { number = Digits(), label = "desk" } }, allowDuplicates = true, accountVersion = t.AccountVersion }),
        new("PUT", "/api/v1/members/{id}/computer-usernames", Needs.ManageUsers, 200,
            Body: (_, t) => new { names = new[] { "matrix-pc" }, accountVersion = t.AccountVersion }),

        // /api/v1 groups and policies
        new("GET", "/api/v1/groups", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization),
        new("POST", "/api/v1/groups", Needs.ManageGroups, 201, Cross: Cross.OwnOrganization, Body: (_, _) => new { name = TestName(), description = "" }),
        new("GET", "/api/v1/policies", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization),
        new("POST", "/api/v1/policies", Needs.ManageGroups, 201, Cross: Cross.OwnOrganization, Body: (_, _) => new { name = TestName(), description = "" }),
        new("DELETE", "/api/v1/policies/{policyId}", Needs.ManageGroups, 204),
        new("PUT", "/api/v1/policies/{policyId}/members/{accountId}", Needs.ManageGroups, 200),
        new("DELETE", "/api/v1/policies/{policyId}/members/{accountId}", Needs.ManageGroups, 200, TargetState.InPlainGroup),
        new("PUT", "/api/v1/policies/{policyId}/groups/{groupId}", Needs.ManageGroups, 200),
        new("DELETE", "/api/v1/policies/{policyId}/groups/{groupId}", Needs.ManageGroups, 200),

        // /api/v1 organizations (SUPER only)
        new("GET", "/api/v1/members/{id}/organizations", Needs.Super, 200),
        new("POST", "/api/v1/organization/members", Needs.Super, 201, TargetState.Outsider, Cross.OwnOrganization, Body: (_, t) => new { login = t.UserName }),
        new("DELETE", "/api/v1/members/{id}/organizations/{organizationId}", Needs.Super, 204, Query: (_, t) => $"?version={t.Version}"),

        // /api/v1 activity
        new("GET", "/api/v1/activity", Needs.ViewActivity, 200, Cross: Cross.OwnOrganization, Activity: true),
        new("GET", "/api/v1/members/{id}/activity", Needs.ViewActivity, 200, Activity: true),

        // ThreatStream
        new("GET", "/api/v1/orgadmin/", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization),
        new("PATCH", "/api/v1/orgadmin/{id}/", Needs.ResetPasswords, 200,
            Path: (_, t) => $"/api/v1/orgadmin/{t.Number}/", Body: (_, _) => new Dictionary<string, object> { ["must_change_password"] = true }),

        // Usergrid ({org} is always this organization)
        new("POST", "/management/organizations/{org}/users", Needs.ManageUsers, 200, Body: (_, _) => new
        {
            username = TestName(), name = "New Person", email = TestName() + "@portal.test", password = Password,
        }),
        new("GET", "/management/organizations/{org}/users/resetpw", Needs.AnyMember, 200),
        new("POST", "/management/organizations/{org}/users/resetpw", Needs.AnyMember, 200, Body: (_, t) => new { email = t.Email }),
        new("GET", "/management/organizations/{org}/users/{user}", Needs.ViewUsers, 200),
        new("PUT", "/management/organizations/{org}/users/{user}", Needs.ManageUsers, 200, Body: (_, _) => new { city = "Springfield" }),
        // Activation is authorized by the emailed token: whoever may name the member reaches the token check (400 for a wrong one).
        new("GET", "/management/organizations/{org}/users/{user}/activate", Needs.ViewUsers, 400, TargetState.PendingActivation,
            Query: (_, _) => $"?token=not-a-token&password={Password}", WritesThroughGet: true),
        new("GET", "/management/organizations/{org}/users/{user}/reactivate", Needs.ManageUsers, 200, TargetState.Deactivated, WritesThroughGet: true),
        new("GET", "/management/organizations/{org}/users/{user}/feed", Needs.ViewActivity, 200, Activity: true),
        new("PUT", "/management/users/{user}/password", Needs.OnlyThemselves, 200, Body: (_, _) => new { oldpassword = Password, newpassword = Password + "-x" }),
        new("POST", "/management/users/{user}/password", Needs.OnlyThemselves, 200, Body: (_, _) => new { oldpassword = Password, newpassword = Password + "-x" }),
        new("GET", "/management/users/{user}/orgs", Needs.Super, 200),
        new("PUT", "/management/users/{user}/orgs/{org}", Needs.Super, 200, TargetState.Outsider),
        new("POST", "/management/users/{user}/orgs/{org}", Needs.Super, 200, TargetState.Outsider),
        new("DELETE", "/management/users/{user}/orgs/{org}", Needs.Super, 200),
        new("*", "/management/{**rest}", Needs.AnyMember, 404, Cross: Cross.OwnOrganization),

        // Allthenticate (ids are the member's number)
        new("POST", "/compat/allthenticate/modifyallusernames", Needs.ManageUsers, 200,
            Body: (_, t) => new { email_id = t.Number, computer_usernames = new[] { new { computer_username = "jdeveloper" } } }),
        new("POST", "/compat/allthenticate/modifyrank", Needs.Super, 200, Body: (_, t) => new { admin_user_id = t.Number, rank = "ADMIN" }),
        new("GET", "/compat/allthenticate/modifysmartcard", Needs.ViewUsers, 200, Query: (_, t) => $"?email_id={t.Number}"),
        new("POST", "/compat/allthenticate/modifysmartcard", Needs.ManageUsers, 200,
            Body: (_, t) => new { email_id = t.Number, smartcards = new[] { new { number = Digits(), label = "Test" } }, allow_duplicates = true }),
        new("GET", "/compat/allthenticate/multipleusers", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization, Query: (_, _) => "?email=true"),
        new("POST", "/compat/allthenticate/promoteguest", Needs.ManageUsers, 200, TargetState.Guest, Body: (_, t) => new { email_id = t.Number }),
        new("POST", "/compat/allthenticate/togglesuspension", Needs.SuspendUsers, 200, Body: (_, t) => new { email_id = t.Number }),
        new("GET", "/compat/allthenticate/user", Needs.ViewUsers, 200, Query: (_, t) => $"?email_id={t.Number}"),
        new("DELETE", "/compat/allthenticate/user", Needs.ManageUsers, 200, Body: (_, t) => new { email_id = t.Number }),
        new("*", "/compat/allthenticate/{**rest}", Needs.AnyMember, 404, Cross: Cross.OwnOrganization),

        // Virtool (a user's id is the username, a group's the name)
        new("GET", "/compat/virtool/api/users", Needs.ViewUsers, 200, Cross: Cross.OwnOrganization),
        new("POST", "/compat/virtool/api/users", Needs.ManageUsers, 201, Cross: Cross.OwnOrganization,
            Body: (_, _) => new { user_id = TestName(), password = Password, email = TestName() + "@portal.test" }),
        new("GET", "/compat/virtool/api/users/{id}", Needs.ViewUsers, 200),
        new("PATCH", "/compat/virtool/api/users/{id}", Needs.ResetPasswords, 200, Body: (_, _) => new { force_reset = true }),
        new("DELETE", "/compat/virtool/api/users/{id}", Needs.ManageUsers, 204),
        new("POST", "/compat/virtool/api/users/{id}/group", Needs.ManageGroups, 201, Body: (w, _) => new { group_id = w.PlainGroup.Name }),
        new("DELETE", "/compat/virtool/api/users/{id}/groups/{groupId}", Needs.ManageGroups, 200, TargetState.InPlainGroup),
        new("*", "/compat/virtool/api/{**rest}", Needs.AnyMember, 404, Cross: Cross.OwnOrganization),
    ];
}
