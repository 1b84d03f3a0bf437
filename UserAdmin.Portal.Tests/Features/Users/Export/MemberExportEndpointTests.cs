using System.Net;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Users.Export;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Users.Export;

/// <summary>The export endpoint through the real pipeline: cookie sign-in, the view_users policy, the streamed response.</summary>
public sealed class MemberExportEndpointTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
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
    public async Task AnAnonymousRequestIsSentToSignInAndGetsNoData()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberAsync(organization.Id, suspended: true);
        using var client = app.CreateBrowser();

        using var response = await client.GetAsync("/users/export.csv?status=Suspended");

        var target = response.RedirectTarget();
        Assert.StartsWith("/Account/Login?", target, StringComparison.Ordinal);
        Assert.Contains("ReturnUrl=/users/export.csv?status=Suspended", WebUtility.UrlDecode(target), StringComparison.Ordinal);
        Assert.DoesNotContain(member.UserName, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberWithoutViewUsersIsSentToAccessDeniedAndGetsNoData()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var regular = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password);
        var other = await app.Database.AddMemberAsync(organization.Id);
        using var client = await SignedInAsync(regular);

        using var response = await client.GetAsync("/users/export.csv");

        Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget(), StringComparison.Ordinal);
        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(other.UserName, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Username", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminDownloadsTheFilteredMembersOfTheirOwnOrganizationAsAStreamedCsvFile()
    {
        var organization = await app.Database.AddOrganizationAsync();
        var admin = await app.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password, MemberRank.Admin);
        var formula = await app.Database.AddMemberAsync(organization.Id, suspended: true, configure: a => a.DisplayName = "=cmd|' /C calc'!A0");
        var unicode = await app.Database.AddMemberAsync(organization.Id, suspended: true, configure: a => a.DisplayName = "Zoë Łukasz, 王伟 🎉");
        var active = await app.Database.AddMemberAsync(organization.Id);
        var elsewhere = await app.Database.AddMemberAsync((await app.Database.AddOrganizationAsync()).Id, suspended: true);
        using var client = await SignedInAsync(admin);

        using var response = await client.GetAsync("/users/export.csv?status=Suspended&sort=UserName&page=Last&cursor=garbage", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches($"^members-{organization.Name}-\\d{{8}}-\\d{{4}}\\.csv$", disposition.FileName!.Trim('"'));

        var rows = Csv.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(MemberCsvExport.Columns, rows[0]);
        Assert.Equal(new[] { formula, unicode }.Select(m => m.UserName).Order(StringComparer.Ordinal), rows.Skip(1).Select(r => r[1]));
        Assert.Equal("'=cmd|' /C calc'!A0", rows.Single(r => r[1] == formula.UserName)[0]);
        Assert.Equal("Zoë Łukasz, 王伟 🎉", rows.Single(r => r[1] == unicode.UserName)[0]);
        Assert.DoesNotContain(rows, r => r[1] == active.UserName || r[1] == elsewhere.UserName || r[1] == admin.UserName);
        Assert.Contains(app.Logs.Entries, e => e.Category == typeof(MemberCsvExport).FullName && e.Level == LogLevel.Information
            && e.AllText.Contains(organization.Id.ToString(), StringComparison.Ordinal) && e.Message.Contains("Exported 2 members", StringComparison.Ordinal));
    }
}
