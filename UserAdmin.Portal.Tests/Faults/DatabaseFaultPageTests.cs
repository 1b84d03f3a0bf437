using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using UserAdmin.Portal.Components.Pages;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Faults;

/// <summary>What a person sees in the pages when the database cannot take a change.</summary>
public sealed class DatabaseFaultPageTests : PortalComponentTest
{
    private PortalServices? _portal;

    [Fact]
    public async Task SavingAProfileOnAReadOnlyDatabaseSaysSoAndKeepsTheEdit()
    {
        var injector = new DatabaseFaultInjector();
        _portal = await PortalServices.CreateAsync(configure: DatabaseFaultInjector.Register(injector));
        Services.AddFallbackServiceProvider(_portal.ComponentServices);
        var organization = await _portal.Database.AddOrganizationAsync();
        var admin = await _portal.Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var target = await _portal.Database.AddMemberAsync(organization.Id, configure: a => a.FirstName = "Ada");
        SignInAs(admin.AccountId, organization.Id, admin.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<MemberPage>(p => p.Add(x => x.AccountId, target.AccountId));
        page.WaitForAssertion(() => page.Find("#profile-first"), TimeSpan.FromSeconds(10));

        injector.ReadOnly = true;
        page.Find("#profile-first").Change("Grace");
        await page.Find("form.member-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(DatabaseFaults.ReadOnlyMessage, page.Find("form.member-form .form-alert").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal("Grace", page.Find("#profile-first").GetAttribute("value"));
        injector.ReadOnly = false;
        Assert.Equal("Ada", await _portal.Database.QueryAsync(db => Task.FromResult(db.Users.Single(a => a.Id == target.AccountId).FirstName)));
    }

    [Theory]
    [InlineData(13, DatabaseFaults.FullMessage)]
    [InlineData(8, DatabaseFaults.ReadOnlyMessage)]
    [InlineData(5, DatabaseFaults.BusyMessage)]
    public void TheErrorPageNamesADatabaseFaultAndAnswers503(int sqliteError, string message)
    {
        var http = new DefaultHttpContext();
        http.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature
        {
            Error = new Microsoft.EntityFrameworkCore.DbUpdateException("saving failed", new SqliteException("SQLite Error", sqliteError)),
            Path = "/users",
        });

        var page = Render<Error>(p => p.AddCascadingValue(http));

        Assert.Equal("The database is unavailable", page.Find("h1").TextContent);
        Assert.Equal(message, page.Find(".database-fault").TextContent);
        Assert.Equal(503, http.Response.StatusCode);
    }

    [Fact]
    public void TheErrorPageStaysGenericForOtherErrors()
    {
        var http = new DefaultHttpContext();
        http.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = new InvalidOperationException("boom"), Path = "/users" });

        var page = Render<Error>(p => p.AddCascadingValue(http));

        Assert.Equal("Something went wrong", page.Find("h1").TextContent);
        Assert.DoesNotContain("boom", page.Markup, StringComparison.Ordinal);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}
