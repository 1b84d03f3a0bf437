using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>
/// Every endpoint of the API and of the compatibility routes × every kind of caller → exactly the status the rules
/// give (after Keycloak's PermissionsTest). Never a 500; a refusal shows nothing of the member it names and writes
/// no activity about them; a SUPER of another organization sees nothing of this one.
/// </summary>
public sealed partial class ApiAuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private const string As = " as ";
    private const string Arrow = " → ";

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var row in ApiAuthorizationTable.Rows)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                cases.Add($"{row.Key}{As}{caller}{Arrow}{row.Expected(caller)}");
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachCallerGetsExactlyTheStatusTheRulesGive(string @case)
    {
        var key = @case[..@case.IndexOf(As, StringComparison.Ordinal)];
        var caller = Enum.Parse<Caller>(@case[(key.Length + As.Length)..@case.IndexOf(Arrow, StringComparison.Ordinal)]);
        var row = ApiAuthorizationTable.Rows.Single(r => r.Key == key);
        var expected = row.Expected(caller);
        var target = await world.NewTargetAsync(row.State, withActivity: row.Activity);
        var before = await world.LastActivityIdAsync();

        using var client = world.Client(caller);
        using var request = new HttpRequestMessage(new HttpMethod(row.HttpMethod), row.PathFor(world, target));
        if (row.Body?.Invoke(world, target) is { } body)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode < 500, $"{@case}: a server error, {(int)response.StatusCode}: {text}");
        Assert.True(expected == (int)response.StatusCode, $"{@case}: got {(int)response.StatusCode}: {Short(text)}");
        Assert.DoesNotContain("<html", text, StringComparison.OrdinalIgnoreCase);
        var refused = expected >= 400 && expected != row.Ok;
        if (refused || caller == Caller.OtherOrgSuper)
        {
            // Nothing of the member the request named: not in the refusal, not in another organization's list.
            Assert.DoesNotContain(target.UserName, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(target.Email, text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, await world.ActivityAboutAsync(target.Id, before, world.Organization.Id));
        }

        if (expected == 401)
        {
            Assert.NotEmpty(response.Headers.WwwAuthenticate);
        }
    }

    /// <summary>Rows that change something of the member they name (not a policy or a group as a whole, not a list).</summary>
    private static bool ActsOnTheMember(ApiRow row) =>
        row.Writes && row.Cross == Cross.NotFound && row.State != TargetState.Outsider
        && row.Needs is not (Needs.AnyMember or Needs.OnlyThemselves or Needs.ViewUsers)
        && !row.Route.StartsWith("/api/v1/policies/{policyId}/groups", StringComparison.Ordinal)
        && row.Route is not ("/api/v1/policies/{policyId}" or "/management/organizations/{org}/users");

    /// <summary>
    /// DESIGN.md: acting on an ADMIN or SUPER always takes SUPER, whatever the groups say. Every endpoint that changes a
    /// member, aimed at an ADMIN and at a SUPER, by an ADMIN's key and a help-desk member's key → 403.
    /// </summary>
    public static TheoryData<string> HigherRankCases()
    {
        var cases = new TheoryData<string>();
        foreach (var row in ApiAuthorizationTable.Rows.Where(ActsOnTheMember))
        {
            foreach (var rank in new[] { "Admin", "Super" })
            {
                foreach (var caller in new[] { Caller.Admin, Caller.HelpDesk })
                {
                    cases.Add($"{row.Key} on {rank}{As}{caller}{Arrow}403");
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(HigherRankCases))]
    public async Task ActingOnAnAdminOrSuperTakesASuper(string @case)
    {
        var on = @case.IndexOf(" on ", StringComparison.Ordinal);
        var key = @case[..on];
        var rank = Enum.Parse<MemberRank>(@case[(on + 4)..@case.IndexOf(As, StringComparison.Ordinal)]);
        var caller = Enum.Parse<Caller>(@case[(@case.IndexOf(As, StringComparison.Ordinal) + As.Length)..@case.IndexOf(Arrow, StringComparison.Ordinal)]);
        var row = ApiAuthorizationTable.Rows.Single(r => r.Key == key);
        var target = await world.NewTargetAsync(row.State, rank: rank);
        var before = await world.LastActivityIdAsync();

        using var client = world.Client(caller);
        using var request = new HttpRequestMessage(new HttpMethod(row.HttpMethod), row.PathFor(world, target));
        if (row.Body?.Invoke(world, target) is { } body)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{@case}: got {(int)response.StatusCode}: {Short(text)}");
        Assert.DoesNotContain(target.Email, text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await world.ActivityAboutAsync(target.Id, before, world.Organization.Id));
    }

    [Fact]
    public void EveryRouteOfTheApiHasARowAndEveryRowARoute()
    {
        var routes = world.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => IsApi(e.RoutePattern.RawText))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var rows = ApiAuthorizationTable.Rows.Select(r => $"{r.Method} {Normalize(r.Route)}").ToList();

        Assert.True(rows.Count == rows.Distinct().Count(), "A row appears twice: " + string.Join(", ", rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key)));
        var missing = routes.Except(rows).Order().ToList();
        var stale = rows.Except(routes).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in ApiAuthorizationTable (add one, written from DESIGN.md's rules):\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "Rows without an endpoint:\n" + string.Join("\n", stale));
        Assert.True(routes.Count >= 70, $"Only {routes.Count} routes were found.");
    }

    private static bool IsApi(string? pattern)
    {
        var path = "/" + (pattern ?? "").TrimStart('/');
        return path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/management/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/compat/", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\{(\**\w+)(:[^}]+)?\}")]
    private static partial Regex Parameter();

    /// <summary>
    /// "/api/v1/members/{id:guid}" → "/api/v1/members/{id}". A trailing slash is dropped: a group's <c>MapGet("")</c>
    /// and <c>MapGet("/")</c> both read "/api/v1/members/" in the route table.
    /// </summary>
    private static string Normalize(string pattern) => "/" + Parameter().Replace(pattern.Trim('/'), "{$1}");

    private static string Short(string text) => text.Length > 400 ? text[..400] + "…" : text;

    [Fact]
    public async Task ARevokedOrExpiredKeyAndNoKeyAreAskedForAKeyNotShownAPage()
    {
        foreach (var caller in new[] { Caller.NoKey, Caller.RevokedKey, Caller.ExpiredKey })
        {
            using var client = world.Client(caller);
            using var response = await client.GetAsync("/api/v1/members");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
