using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Radzen.Blazor;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Stored cross-site scripting: script and HTML written into every free-text field an admin can fill (names, custom
/// property values, group, policy and API key names and descriptions, smartcard labels, saved through the real
/// services), then rendered by the real pages with bUnit: the grid, a member's page, the activity page (titles and
/// diffs), the group and policy pages and a confirmation dialog. Every payload shows as text and no element or
/// event attribute is injected. Blazor encodes by default; these cases fail if anyone adds a MarkupString or an
/// unencoded attribute. (The static account pages show only usernames, which are ASCII; CSP is the second wall.)
/// </summary>
public sealed class ScriptInjectionRenderingTests : PortalComponentTest
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "<img src=x onerror=alert(1)>";
    private const string Svg = "\"><svg onload=alert(1)>";
    private const string Bold = "<b id=injected>x</b>";
    private const string JavaScriptUrl = "javascript:alert(1)";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>No element or handler came from a payload, and the text is there as typed.</summary>
    private static void AssertInert(INodeList nodes, string markup, params string[] shownAsText)
    {
        var elements = nodes.OfType<IElement>().SelectMany(e => e.DescendantsAndSelf<IElement>()).ToList();
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "svg" && (e.TextContent.Contains("alert", StringComparison.Ordinal) || e.HasAttribute("onload")));
        Assert.DoesNotContain(elements, e => e.LocalName == "img" && e.GetAttribute("src") == "x");
        Assert.DoesNotContain(elements, e => e.Id == "injected");
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name is "onerror" or "onload"));
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name is "href" or "src" or "action" or "formaction"
            && a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)));
        // The markup serializer writes '<' inside attribute values as is (it is inert there), so only the DOM is checked.
        Assert.NotEmpty(markup);
        var text = string.Concat(nodes.Select(n => n.TextContent)) + string.Concat(elements.Select(e => e.GetAttribute("value") ?? ""));
        foreach (var expected in shownAsText)
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Admin)> UsePortalAsync()
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var admin = await portal.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return (portal, organization, admin);
    }

    /// <summary>A member whose every free-text field carries a payload, changed through the real services so the feed records it too.</summary>
    private static async Task<TestMember> HostileMemberAsync(PortalServices portal, TestOrganization organization, TestMember admin)
    {
        var target = await portal.Database.AddMemberAsync(organization.Id);
        var stamp = await portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
        var profile = await portal.Get<MemberProfileService>().UpdateProfileAsync(admin.Actor, target.AccountId,
            new ProfileInput { FirstName = Img, LastName = Bold, DisplayName = Script, Email = $"{target.UserName}@portal.test" }, stamp);
        Assert.True(profile.Succeeded, profile.Message);
        stamp = await portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == target.AccountId).Select(a => a.ConcurrencyStamp!).SingleAsync());
        var properties = await portal.Get<MemberProfileService>().ReplacePropertiesAsync(admin.Actor, target.AccountId,
            [new PropertyInput { Key = "homepage", Value = JavaScriptUrl }, new PropertyInput { Key = "bio", Value = Svg }], stamp);
        Assert.True(properties.Succeeded, properties.Message);
        var group = await portal.Get<GroupService>().CreateAsync(admin.Actor, Img, Script);
        Assert.True(group.Succeeded, group.Message);
        await portal.Database.ExecuteAsync(db =>
        {
            db.GroupMembers.Add(new GroupMember { GroupId = group.Value, MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        return target;
    }

    [Fact(DisplayName = "XSS: <script>, <img onerror> and <b id> in a member's names show as text in the user grid, no element injected")]
    public async Task Grid()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        await HostileMemberAsync(portal, organization, admin);

        var page = Render<UsersPage>();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("tbody tr.rz-data-row"), tr => tr.TextContent.Contains(Script, StringComparison.Ordinal)), Wait);
        AssertInert(page.Nodes, page.Markup, Script, Img);
    }

    [Fact(DisplayName = "XSS: a member's page shows hostile names, property values (javascript: URL, \"><svg onload>) and group names as text")]
    public async Task MemberDetailPage()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        var target = await HostileMemberAsync(portal, organization, admin);

        var page = Render<UserAdmin.Portal.Features.Members.MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));

        page.WaitForAssertion(() => Assert.Equal(Script, page.Find(".member-header h1").TextContent), Wait);
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("input"), i => i.GetAttribute("value") == Svg), Wait);
        AssertInert(page.Nodes, page.Markup, Script, Img, Bold, JavaScriptUrl, Svg);
        foreach (var tab in page.FindAll(".member-tabs [role=tab]").Select(t => t.TextContent.Trim()).ToList())
        {
            await page.InvokeAsync(() => page.FindAll(".member-tabs [role=tab]").First(t => t.TextContent.Trim() == tab).Click());
            AssertInert(page.Nodes, page.Markup);
        }
    }

    [Fact(DisplayName = "XSS: the activity page shows titles and before/after diffs holding <script> and <img onerror> as text")]
    public async Task ActivityPage()
    {
        var (portal, organization, admin) = await UsePortalAsync();
        await HostileMemberAsync(portal, organization, admin);

        var page = Render<OrganizationActivityPage>();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".activity-title"), t => t.TextContent.Contains(Img, StringComparison.Ordinal)), Wait);
        var diffs = page.FindAll(".activity-diff tbody td").Select(td => td.TextContent).ToList();
        Assert.Contains(Script, diffs);
        Assert.Contains(Svg, diffs);
        AssertInert(page.Nodes, page.Markup, Img, Script, Svg, JavaScriptUrl);
    }

    [Fact(DisplayName = "XSS: group and policy lists and pages show <img onerror> names and <script> descriptions as text")]
    public async Task GroupsAndPolicies()
    {
        var (portal, _, admin) = await UsePortalAsync();
        var group = await portal.Get<GroupService>().CreateAsync(admin.Actor, Img, Script);
        var policy = await portal.Get<PolicyService>().CreateAsync(admin.Actor, Svg, Bold);
        Assert.True(group.Succeeded && policy.Succeeded, group.Message + policy.Message);

        var groups = Render<GroupsPage>();
        groups.WaitForAssertion(() => Assert.Contains(Img, string.Concat(groups.Nodes.Select(n => n.TextContent)), StringComparison.Ordinal), Wait);
        AssertInert(groups.Nodes, groups.Markup, Img);
        var groupPage = Render<GroupPage>(p => p.Add(x => x.GroupId, group.Value));
        groupPage.WaitForAssertion(() => Assert.Contains(Img, groupPage.Find("h1").TextContent, StringComparison.Ordinal), Wait);
        AssertInert(groupPage.Nodes, groupPage.Markup, Img, Script);

        var policies = Render<PoliciesPage>();
        policies.WaitForAssertion(() => Assert.Contains(Svg, policies.Find("table[aria-label='Policies']").TextContent, StringComparison.Ordinal), Wait);
        AssertInert(policies.Nodes, policies.Markup, Svg, Bold);
        var policyPage = Render<PolicyPage>(p => p.Add(x => x.PolicyId, policy.Value));
        policyPage.WaitForAssertion(() => Assert.Equal(Svg, policyPage.Find("h1").TextContent), Wait);
        AssertInert(policyPage.Nodes, policyPage.Markup, Svg, Bold);
    }

    [Fact(DisplayName = "XSS: the delete-policy confirmation dialog shows a <script> policy name as text")]
    public async Task ConfirmationDialog()
    {
        var (portal, _, admin) = await UsePortalAsync();
        var policy = await portal.Get<PolicyService>().CreateAsync(admin.Actor, Script, "");
        Assert.True(policy.Succeeded, policy.Message);
        var dialogs = Render<RadzenDialog>();
        var page = Render<PolicyPage>(p => p.Add(x => x.PolicyId, policy.Value));
        page.WaitForAssertion(() => Assert.Equal(Script, page.Find("h1").TextContent), Wait);

        _ = page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Delete policy", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs()));

        dialogs.WaitForAssertion(() => Assert.Contains($"Delete the policy {Script}?", dialogs.Find(".rz-dialog").TextContent, StringComparison.Ordinal), Wait);
        AssertInert(dialogs.Nodes, dialogs.Markup, $"Delete the policy {Script}?");
    }

    [Fact(DisplayName = "XSS: the API keys page and its revoke dialog show an <img onerror> key name as text")]
    public async Task ApiKeyNameAndRevokeDialog()
    {
        var (portal, _, admin) = await UsePortalAsync();
        var created = await portal.Get<ApiKeyService>().CreateAsync(portal.Proven(admin), new NewApiKey { Name = Img, Scope = ApiKeyScope.ReadOnly });
        Assert.True(created.Succeeded, created.Message);
        var dialogs = Render<RadzenDialog>();
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Contains(Img, string.Concat(page.Nodes.Select(n => n.TextContent)), StringComparison.Ordinal), Wait);
        AssertInert(page.Nodes, page.Markup, Img);

        _ = page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("Revoke", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs()));

        dialogs.WaitForAssertion(() => Assert.Contains(Img, dialogs.Find(".rz-dialog").TextContent, StringComparison.Ordinal), Wait);
        AssertInert(dialogs.Nodes, dialogs.Markup, Img);
    }
}
