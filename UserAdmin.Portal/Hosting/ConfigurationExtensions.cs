namespace UserAdmin.Portal.Hosting;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Reads appsettings.json shipped with the app, then appsettings.{Environment}.json from the solution's top
    /// level (where the development settings live) and from the working directory, then the environment and the
    /// command line. So `dotnet run --project UserAdmin.Portal` from the top level and a published build both work.
    /// </summary>
    public static void AddPortalConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        var env = builder.Environment.EnvironmentName;
        var config = builder.Configuration;
        var sources = config.Sources.ToList();
        config.Sources.Clear();

        config.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        foreach (var dir in CandidateDirectories())
        {
            config.AddJsonFile(Path.Combine(dir, $"appsettings.{env}.json"), optional: true, reloadOnChange: false);
        }

        // Keep whatever the host added that is not a JSON file (memory sources from tests, environment, command line).
        foreach (var source in sources.Where(s => s is not Microsoft.Extensions.Configuration.Json.JsonConfigurationSource))
        {
            config.Sources.Add(source);
        }

        config.AddEnvironmentVariables();
        config.AddCommandLine(args);
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        var seen = new HashSet<string>();
        var solutionRoot = FindSolutionRoot(Directory.GetCurrentDirectory()) ?? FindSolutionRoot(AppContext.BaseDirectory);
        foreach (var dir in new[] { solutionRoot, Directory.GetCurrentDirectory() })
        {
            if (dir is not null && seen.Add(Path.GetFullPath(dir)))
            {
                yield return dir;
            }
        }
    }

    private static string? FindSolutionRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UserAdminPortal.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
