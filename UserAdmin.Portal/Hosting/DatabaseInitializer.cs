using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Organizations;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// Before the server listens (and before the <c>--seed-demo</c> command seeds): migrate the database (WAL mode), and on
/// an empty database create the first organization and its SUPER admin. Refuses to start with a missing or weak
/// first-admin password, saying why.
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceScopeFactory scopeFactory,
    IOptions<PortalOptions> portal,
    IOptions<IdentityOptions> identity,
    IHostEnvironment environment,
    ILogger<DatabaseInitializer> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => InitializeAsync(cancellationToken);

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await MigrateAsync(db, ct);

        if (!await db.Organizations.AnyAsync(ct))
        {
            await BootstrapAsync(scope.ServiceProvider, ct);
        }
    }

    public static async Task MigrateAsync(PortalDbContext db, CancellationToken ct = default)
    {
        await db.Database.MigrateAsync(ct);

        // WAL is a property of the file: readers never wait for the writer.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);

        // Statistics for the query planner (sqlite_stat1): without them it may walk a small expression index where a
        // sort index answers a page in a fraction of a millisecond. Bounded work per index, so a large file starts fast.
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;", ct);
    }

    private async Task BootstrapAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = portal.Value.Bootstrap;
        var problems = OrganizationProvisioner.PasswordProblems(options.AdminPassword, options.AdminUserName, identity.Value);
        if (problems.Count > 0)
        {
            throw new StartupConfigurationException(
                $"The database is empty, so the first admin '{options.AdminUserName}' must be created, but its password cannot be used: " +
                string.Join("; ", problems.Select(p => p.TrimEnd('.'))) + ". Set a strong one in Portal:Bootstrap:AdminPassword " +
                "(environment variable Portal__Bootstrap__AdminPassword), at least 12 characters and not a common password.");
        }

        var provisioner = services.GetRequiredService<OrganizationProvisioner>();
        var result = await provisioner.CreateAsync(new NewOrganization(
            options.OrganizationName,
            options.OrganizationDisplayName,
            options.AdminUserName,
            options.AdminEmail,
            options.AdminPassword!,
            options.AdminMustChangePassword ?? !environment.IsDevelopment()), ct);
        if (!result.Succeeded)
        {
            throw new StartupConfigurationException($"The first organization could not be created: {result.Message}");
        }

        logger.LogInformation(
            "Created organization {Organization} with SUPER admin {AdminUserName}",
            options.OrganizationName,
            options.AdminUserName);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
