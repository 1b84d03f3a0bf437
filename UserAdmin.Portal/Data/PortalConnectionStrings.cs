using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace UserAdmin.Portal.Data;

/// <summary>
/// The connection string behind a context factory, for the code that reads or maintains the database on plain ADO.NET
/// connections (the grid's pages, the checkpointer). It is read from one context, once per factory, so tests and
/// benchmarks that build their own factory get their own database.
/// </summary>
internal static class PortalConnectionStrings
{
    private static readonly ConditionalWeakTable<IDbContextFactory<PortalDbContext>, string> Known = new();

    public static string Of(IDbContextFactory<PortalDbContext> factory) =>
        Known.GetValue(factory, static f =>
        {
            using var db = f.CreateDbContext();
            return db.Database.GetConnectionString()
                ?? throw new InvalidOperationException("The portal's database context has no connection string.");
        });
}
