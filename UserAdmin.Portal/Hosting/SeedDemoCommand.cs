using System.Globalization;
using UserAdmin.Portal.Features.Demo;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// <c>--seed-demo N</c>: prepare the database as a start would (migrate; on an empty one, the first organization and
/// its SUPER admin), add N demo members to the first organization, say so, and exit without serving.
/// </summary>
internal static class SeedDemoCommand
{
    public const string Setting = "seed-demo";

    public static bool IsRequested(IConfiguration configuration) => configuration[Setting] is not null;

    /// <returns>The process exit code: 0 once the members are committed.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration configuration, TextWriter output, CancellationToken ct = default)
    {
        if (!int.TryParse(configuration[Setting], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new StartupConfigurationException($"--{Setting} takes the number of demo members to add, such as --{Setting} 5000.");
        }

        await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
        var seeded = await services.GetRequiredService<DemoSeeder>().SeedAsync(count, ct);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeded {seeded.Count:N0} demo members into organization '{seeded.OrganizationDisplayName}'."));
        return 0;
    }
}
