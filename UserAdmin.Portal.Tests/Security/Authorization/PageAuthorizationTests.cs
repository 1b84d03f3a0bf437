using System.Net;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;
using RouteAttribute = Microsoft.AspNetCore.Components.RouteAttribute;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>Who opens a page: no session, or a member signed in with a cookie.</summary>
public enum Visitor
{
    NoSession,
    Regular,
    HelpDesk,
    Admin,
}

/// <summary>What a page asks of its visitor (DESIGN.md and the README's page descriptions).</summary>
public enum PageNeeds
{
    /// <summary>Anyone, signed in or not: sign-in, recovery and activation, errors.</summary>
    Public,

    /// <summary>Any signed-in account (the forced password change itself).</summary>
    SignedIn,

    /// <summary>An active member of the session's organization.</summary>
    Member,
    ViewUsers,
    ViewActivity,
}

/// <summary>The app with three members who sign in once, with a password, and keep their cookies.</summary>
public sealed class PageWorld : IAsyncLifetime
{
    public const string Password = "amber-lantern-river-42";

    public AuthorizationWorld World { get; } = new();
    public Dictionary<Visitor, HttpClient> Browsers { get; } = [];
    public Target Member { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await World.InitializeAsync();
        var organization = World.Organization.Id;
        Browsers[Visitor.NoSession] = World.App.CreateBrowser();
        foreach (var (visitor, rank, permissions) in new[]
        {
            (Visitor.Regular, MemberRank.Regular, Array.Empty<string>()),
            (Visitor.HelpDesk, MemberRank.Regular, AuthorizationWorld.HelpDeskPermissions),
            (Visitor.Admin, MemberRank.Admin, Array.Empty<string>()),
        })
        {
            var member = await World.Database.AddMemberWithPasswordAsync(World.App.Services, organization, Password, rank);
            if (permissions.Length > 0)
            {
                await World.GrantAsync(member, permissions);
            }

            var browser = World.App.CreateBrowser();
            using var signedIn = await browser.SignInAsync(member.UserName, Password);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.DoesNotContain("/Account/Login", signedIn.RedirectTarget(), StringComparison.Ordinal);
            Browsers[visitor] = browser;
        }

        Member = await World.NewTargetAsync(TargetState.Active);
    }

    public async Task DisposeAsync()
    {
        foreach (var browser in Browsers.Values)
        {
            browser.Dispose();
        }

        await World.DisposeAsync();
    }
}

/// <summary>
/// Every page route (every <c>@page</c> of the app, found by reflection) and the two CSV downloads × no session and
/// the members who may or may not see them: no session → the sign-in page; a member without the permission → access
/// denied; never a server error.
/// </summary>
public sealed class PageAuthorizationTests(PageWorld pages) : IClassFixture<PageWorld>
{
    private const string As = " as ";
    private const string Arrow = " → ";

    /// <summary>Written from DESIGN.md and the README, not from the pages' attributes.</summary>
    private static readonly Dictionary<string, PageNeeds> Table = new(StringComparer.Ordinal)
    {
        ["/Account/Login"] = PageNeeds.Public,
        ["/Account/ForgotPassword"] = PageNeeds.Public,
        ["/Account/ResetPassword"] = PageNeeds.Public,
        ["/Account/Activate"] = PageNeeds.Public,
        ["/Account/ConfirmEmail"] = PageNeeds.Public,
        ["/Account/AccessDenied"] = PageNeeds.Public,
        ["/not-found"] = PageNeeds.Public,
        ["/Error"] = PageNeeds.Public,
        ["/Account/ChangePassword"] = PageNeeds.SignedIn,
        ["/"] = PageNeeds.Member,
        ["/about"] = PageNeeds.Member,
        ["/api-docs"] = PageNeeds.SignedIn,
        ["/account/api-keys"] = PageNeeds.Member,
        ["/organizations"] = PageNeeds.SignedIn,
        // Operators only: the page itself says so to everyone else (see the assertion below).
        ["/organizations/new"] = PageNeeds.Member,
        ["/users"] = PageNeeds.ViewUsers,
        ["/users/{AccountId:guid}"] = PageNeeds.ViewUsers,
        ["/users/export.csv"] = PageNeeds.ViewUsers,
        ["/groups"] = PageNeeds.ViewUsers,
        ["/groups/{GroupId:guid}"] = PageNeeds.ViewUsers,
        ["/policies"] = PageNeeds.ViewUsers,
        ["/policies/{PolicyId:guid}"] = PageNeeds.ViewUsers,
        ["/activity"] = PageNeeds.ViewActivity,
        ["/activity/export.csv"] = PageNeeds.ViewActivity,
    };

    /// <summary>Routes that are not components but serve pages' data to a browser session.</summary>
    private static readonly string[] Downloads = ["/users/export.csv", "/activity/export.csv"];

    private static IEnumerable<string> ComponentRoutes() =>
        typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            .Distinct();

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var (route, needs) in Table)
        {
            foreach (var visitor in Enum.GetValues<Visitor>())
            {
                if (needs == PageNeeds.Public && visitor != Visitor.NoSession)
                {
                    continue;
                }

                cases.Add($"GET {route}{As}{visitor}{Arrow}{Expected(needs, visitor)}");
            }
        }

        return cases;
    }

    private static string Expected(PageNeeds needs, Visitor visitor) => (needs, visitor) switch
    {
        (PageNeeds.Public, _) => "shown",
        (_, Visitor.NoSession) => "sign-in",
        (PageNeeds.ViewUsers or PageNeeds.ViewActivity, Visitor.Regular) => "access denied",
        _ => "shown",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachPageAnswersItsVisitorAsTheRulesSay(string @case)
    {
        var route = @case["GET ".Length..@case.IndexOf(As, StringComparison.Ordinal)];
        var visitor = Enum.Parse<Visitor>(@case[(@case.IndexOf(As, StringComparison.Ordinal) + As.Length)..@case.IndexOf(Arrow, StringComparison.Ordinal)]);
        var expected = @case[(@case.IndexOf(Arrow, StringComparison.Ordinal) + Arrow.Length)..];
        var path = route
            .Replace("{AccountId:guid}", pages.Member.Id.ToString(), StringComparison.Ordinal)
            .Replace("{GroupId:guid}", pages.World.PlainGroup.Id.ToString(), StringComparison.Ordinal)
            .Replace("{PolicyId:guid}", pages.World.PolicyId.ToString(), StringComparison.Ordinal);

        using var response = await pages.Browsers[visitor].GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode < 500, $"{@case}: {(int)response.StatusCode}");
        switch (expected)
        {
            case "sign-in":
                Assert.StartsWith("/Account/Login", response.RedirectTarget(), StringComparison.Ordinal);
                break;
            case "access denied":
                Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget(), StringComparison.Ordinal);
                break;
            default:
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{@case}: {(int)response.StatusCode} {response.Headers.Location}");
                break;
        }

        if (expected != "shown" || visitor == Visitor.NoSession)
        {
            Assert.DoesNotContain(pages.Member.UserName, body, StringComparison.OrdinalIgnoreCase);
        }

        if (route == "/organizations/new" && expected == "shown")
        {
            // Nobody in this app is an operator: the page explains, and offers no form.
            Assert.DoesNotContain("aria-label=\"Create organization\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryPageRouteHasARow()
    {
        var routes = ComponentRoutes().Concat(Downloads).ToHashSet(StringComparer.Ordinal);

        var missing = routes.Except(Table.Keys).Order().ToList();
        var stale = Table.Keys.Except(routes).Order().ToList();
        Assert.True(missing.Count == 0, "Page routes without a row in PageAuthorizationTests.Table: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rows without a page route: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task AnApiKeyIsNotASessionForThePages()
    {
        var key = await pages.World.KeyAsync(pages.World.Super);
        using var client = pages.World.Client(key);

        foreach (var path in new[] { "/users", "/account/api-keys", "/users/export.csv" })
        {
            using var response = await client.GetAsync(path);

            Assert.StartsWith("/Account/Login", response.RedirectTarget(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASuspendedMembersSessionReachesNoMemberPage()
    {
        var member = await pages.World.Database.AddMemberWithPasswordAsync(pages.World.App.Services, pages.World.Organization.Id, PageWorld.Password, MemberRank.Admin);
        using var browser = pages.World.App.CreateBrowser();
        using var signedIn = await browser.SignInAsync(member.UserName, PageWorld.Password);
        using (var before = await browser.GetAsync("/users"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Written as a committed suspension (ExecuteAsync counts it as one): reads may reuse a standing until the next
        // commit, and the very next request after one must be refused.
        await pages.World.Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == member.MembershipId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.IsSuspended, true).SetProperty(m => m.SuspendedAt, DateTime.UtcNow)));

        foreach (var path in new[] { "/", "/users", "/users/export.csv", "/activity" })
        {
            using var response = await browser.GetAsync(path);

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain(pages.Member.UserName, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
