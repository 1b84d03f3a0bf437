using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>First start on an empty database: the first admin's password must come from the operator, and be strong.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData(null, "no password is set")]
    [InlineData("mypassword1234", "too common")]
    [InlineData("short-pw", "shorter than 12 characters")]
    [InlineData("root-admin-garden-2026", "must not contain the username")]
    public async Task AnEmptyDatabaseNeedsAStrongFirstAdminPasswordAndTheFailureSaysWhy(string? password, string reason)
    {
        await using var portal = await PortalServices.CreateAsync(migrate: false);
        var initializer = Initializer(portal, Environments.Production, password);

        var failure = await Assert.ThrowsAsync<StartupConfigurationException>(() => initializer.StartingAsync(CancellationToken.None));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"'{TestSettings.AdminUserName}'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Portal:Bootstrap:AdminPassword", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Portal__Bootstrap__AdminPassword", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password ?? "(none)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await portal.Database.QueryAsync(db => db.Organizations.CountAsync()));
    }

    [Fact]
    public async Task ProductionDoesNotStartOnAnEmptyDatabaseWithoutAPassword()
    {
        await using var app = PortalAppFactory.For(Environments.Production, s => s["Portal:Bootstrap:AdminPassword"] = null);

        // Program reports the StartupConfigurationException on stderr and exits with code 2, so the factory only sees
        // that the host never came up.
        Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Equal(0, await app.Database.QueryAsync(db => db.Organizations.CountAsync()));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error && e.AllText.Contains("no password is set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProgramTurnsAWrappedConfigurationFailureIntoItsMessage()
    {
        var inner = new StartupConfigurationException("Set Portal:Bootstrap:AdminPassword.");

        Assert.Same(inner, StartupFailure.Find(new AggregateException(new InvalidOperationException("other"), new InvalidOperationException("wrapper", inner))));
        Assert.Null(StartupFailure.Find(new InvalidOperationException("unrelated")));
    }

    [Fact]
    public async Task ADatabaseThatHasAnOrganizationStartsWithoutABootstrapPassword()
    {
        await using var app = PortalAppFactory.For(Environments.Production, s => s["Portal:Bootstrap:AdminPassword"] = null);
        await using (var db = app.Database.CreateContext())
        {
            await DatabaseInitializer.MigrateAsync(db);
        }

        var existing = await app.Database.AddOrganizationAsync();

        _ = app.Services;
        Assert.Equal([existing.Name], await app.Database.QueryAsync(db => db.Organizations.Select(o => o.Name).ToListAsync()));
    }

    [Fact]
    public async Task OutsideDevelopmentTheFirstAdminMustChangeTheirPasswordAndTheCookieIsSecure()
    {
        await using var app = PortalAppFactory.For(Environments.Production, s => s["Portal:Bootstrap:AdminMustChangePassword"] = null);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        using var response = await client.SignInAsync(TestSettings.AdminUserName, TestSettings.AdminPassword, returnUrl: "/");

        Assert.Equal("/Account/ChangePassword?returnUrl=%2F", response.RedirectTarget());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-UserAdmin.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(await app.Database.QueryAsync(db => db.Users.Where(a => a.UserName == TestSettings.AdminUserName).Select(a => a.MustChangePassword).SingleAsync()));
    }

    [Fact]
    public async Task InDevelopmentTheFirstAdminIsCreatedAsConfigured()
    {
        await using var app = new PortalAppFactory();

        _ = app.Services;

        var admin = await app.Database.QueryAsync(db => db.Memberships
            .Where(m => m.Organization!.Name == TestSettings.OrganizationName)
            .Select(m => new { m.Account!.UserName, m.Account.Email, m.Rank, m.Account.MustChangePassword, m.Organization!.DisplayName })
            .SingleAsync());
        Assert.Equal((TestSettings.AdminUserName, TestSettings.AdminEmail, MemberRank.Super, false, TestSettings.OrganizationDisplayName),
            (admin.UserName, admin.Email, admin.Rank, admin.MustChangePassword, admin.DisplayName));
    }

    private static DatabaseInitializer Initializer(PortalServices portal, string environment, string? password)
    {
        var options = new PortalOptions();
        portal.Get<IConfiguration>().GetSection(PortalOptions.Section).Bind(options);
        options.Bootstrap.AdminPassword = password;
        return new DatabaseInitializer(
            portal.Get<IServiceScopeFactory>(),
            Options.Create(options),
            portal.Get<IOptions<IdentityOptions>>(),
            new TestEnvironment(environment),
            NullLogger<DatabaseInitializer>.Instance);
    }

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "UserAdmin.Portal";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
