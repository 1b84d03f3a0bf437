using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Data;

/// <summary>
/// The context as <c>dotnet ef</c> sees it (migrations add, has-pending-model-changes, script): the portal's own
/// SQLite configuration, without starting the web host.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataExtensions.ConfigureSqlite(options, DataExtensions.DefaultConnectionString);
        return new PortalDbContext(options.Options);
    }
}
