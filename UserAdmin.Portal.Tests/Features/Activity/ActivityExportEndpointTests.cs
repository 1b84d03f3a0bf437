using System.Net;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Features.Users.Export;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

/// <summary>The activity CSV endpoint and page through the real pipeline: cookie sign-in, the view_activity policy, the stream.</summary>
public sealed class ActivityExportEndpointTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Password = "amber-lantern-river-42";

    private async Task<HttpClient> SignedInAsync(TestMember member)
    {
        var client = app.CreateBrowser();
        using var response = await client.SignInAsync(member.UserName, Password);
        Assert.Equal("/", response.RedirectTarget());
        return client;
    }

    [Fact]
    public async Task AMemberWithoutViewActivityGetsNeitherThePageNorTheCsv()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var regular = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password);
        await new ActivityRecords(app.Database, organization.Id).AddAsync("secret-record-title");
        using var client = await SignedInAsync(regular);

        using var csv = await client.GetAsync("/activity/export.csv");
        using var page = await client.GetAsync("/activity");

        Assert.StartsWith("/Account/AccessDenied", csv.RedirectTarget(), StringComparison.Ordinal);
        Assert.NotEqual("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("secret-record-title", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("/Account/AccessDenied", page.RedirectTarget(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnonymousRequestForTheCsvIsSentToSignIn()
    {
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync("/activity/export.csv?q=x");

        Assert.StartsWith("/Account/Login?", response.RedirectTarget(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHelpDeskMemberDownloadsTheFilteredFeedOfTheirOrganizationWithFormulasNeutralised()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var helpDesk = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password);
        await app.Database.ExecuteAsync(async db =>
        {
            var membership = await db.Memberships.SingleAsync(m => m.Id == helpDesk.MembershipId);
            var group = new Group { Id = Guid.NewGuid(), OrganizationId = organization.Id, Name = TestData.UniqueName("desk"), CreatedAt = DateTime.UtcNow,
                Permissions = [new GroupPermission { Permission = PortalPermissions.ViewActivity }] };
            db.Groups.Add(group);
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, MembershipId = membership.Id, AddedAt = DateTime.UtcNow });
        });
        var records = new ActivityRecords(app.Database, organization.Id);
        await records.AddAsync("=HYPERLINK(\"http://evil\") renamed", verb: "member.renamed", diff: """{"displayName":{"before":"@SUM(1)","after":"Zoë, \"王\""}}""");
        await records.AddAsync("other renamed", verb: "member.suspended");
        await new ActivityRecords(app.Database, (await app.Database.AddOrganizationAsync()).Id).AddAsync("elsewhere renamed", verb: "member.renamed");
        using var client = await SignedInAsync(helpDesk);

        using var response = await client.GetAsync("/activity/export.csv?verb=member.renamed&q=renamed", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Matches($"^activity-{organization.Name}-\\d{{8}}-\\d{{4}}\\.csv$", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var rows = Csv.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(ActivityCsvExport.Columns, rows[0]);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal("'=HYPERLINK(\"http://evil\") renamed", row[4]);
        Assert.Equal("member.renamed", row[2]);
        Assert.Equal("displayName: @SUM(1) → Zoë, \"王\"", row[7]);
    }
}
