using System.Diagnostics;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>
/// <c>--seed-demo N</c> as an operator runs it: the built portal executable against a database of its own, which it
/// prepares, fills, reports on and exits from, without serving.
/// </summary>
public sealed class SeedDemoCommandTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    private readonly TestDatabase _database = TestDatabase.CreateEmpty();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "seed-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        _database.Dispose();
        PortalServices.TryDelete(_folder);
    }

    [Fact]
    public async Task SeedingAnEmptyDatabaseCreatesTheOrganizationAddsTheMembersSaysSoAndExits()
    {
        var (exit, output) = await RunPortalAsync("--seed-demo", "25");

        Assert.True(exit == 0, $"Exit code {exit}. Output: {output}");
        Assert.Contains($"Seeded 25 demo members into organization '{TestSettings.OrganizationDisplayName}'.", output, StringComparison.Ordinal);
        Assert.Equal(26, await MembersAsync());

        (exit, output) = await RunPortalAsync("--seed-demo", "1200");

        Assert.True(exit == 0, $"Exit code {exit}. Output: {output}");
        Assert.Contains($"Seeded 1,200 demo members into organization '{TestSettings.OrganizationDisplayName}'.", output, StringComparison.Ordinal);
        Assert.Equal(1226, await MembersAsync());
    }

    [Theory]
    [InlineData("many")]
    [InlineData("0")]
    public async Task ACountThatIsNotAPositiveNumberIsRefusedSayingWhat(string count)
    {
        var (exit, output) = await RunPortalAsync("--seed-demo", count);

        Assert.True(exit == 2, $"Exit code {exit}. Output: {output}");
        Assert.Contains("--seed-demo takes the number of demo members to add", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_database.FilePath) && new FileInfo(_database.FilePath).Length > 0, "Nothing is written to the database.");
    }

    private Task<int> MembersAsync() =>
        _database.QueryAsync(db => db.Memberships.CountAsync(m => m.Organization!.Name == TestSettings.OrganizationName));

    /// <summary>Runs the portal with these arguments; fails if it is still running after the timeout (it is serving).</summary>
    private async Task<(int ExitCode, string Output)> RunPortalAsync(params string[] args)
    {
        Directory.CreateDirectory(_folder);
        var start = new ProcessStartInfo(PortalExecutable())
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Should it serve after all, it does so on a free loopback port, not on the development port.
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in TestSettings.For(_database))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"The portal was still running after {ExitTimeout.TotalSeconds:0} s. Output: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The portal's apphost, built by the ProjectReference in this test assembly's configuration.</summary>
    private static string PortalExecutable()
    {
        var configuration = typeof(SeedDemoCommandTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "UserAdmin.Portal", "bin", configuration, "net10.0", "UserAdmin.Portal");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"No UserAdmin.Portal executable ({configuration}) above {AppContext.BaseDirectory}: build the solution first.");
    }
}
