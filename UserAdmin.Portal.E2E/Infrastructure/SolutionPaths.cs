using System.Reflection;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>Finds the solution folder and the portal's build output from wherever the test assembly runs.</summary>
internal static class SolutionPaths
{
    public const string SolutionFile = "UserAdminPortal.sln";

    public static string Root { get; } = FindRoot();

    /// <summary>The portal's apphost, built in the same configuration as these tests (the ProjectReference builds it first).</summary>
    public static string PortalExecutable
    {
        get
        {
            var configuration = typeof(SolutionPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(Root, "UserAdmin.Portal", "bin", configuration, "net10.0", "UserAdmin.Portal");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The portal executable is missing at {path}. Build the solution first (dotnet build {SolutionFile}).");
        }
    }

    public static string Screenshots => Path.Combine(Root, "TestResults", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }
}
