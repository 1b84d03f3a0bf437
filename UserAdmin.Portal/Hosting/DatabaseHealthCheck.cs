using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Hosting;

/// <summary>Ready means the database opens, is migrated, and answers a read within the check's time.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                return HealthCheckResult.Unhealthy("The database is not migrated yet.");
            }

            await db.Organizations.AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reason goes to the log through the health check service; the response says only "Unhealthy".
            return HealthCheckResult.Unhealthy("The database cannot be read.", ex);
        }
    }
}
