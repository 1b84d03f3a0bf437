namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// The portal's benchmarks and load drivers, and the crash test's child command, run against the portal's own
/// services in this process (the portal's executable carries only the portal and its operator commands).
/// Each command's own summary says what it measures; <see cref="Usage"/> lists them.
/// </summary>
internal static class Program
{
    private const string Run = "dotnet run -c Release --project UserAdmin.Portal.Benchmarks --";

    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["grid", ..]:
                return await GridBenchmark.RunAsync(args);
            case ["activity", ..]:
                return await ActivityBenchmark.RunAsync(args);
            case ["bulk", ..]:
                return await BulkBenchmark.MainAsync(args);
            case ["import", ..]:
                return await ImportBenchmark.MainAsync(args);
            case ["api", ..]:
                return await ApiBenchmark.MainAsync(args);
            case ["load", "api", ..]:
                return await ApiLoad.MainAsync(args);
            case [BulkFaultCommand.Name, ..]:
                // Test-only: the crash-in-a-bulk-action fault test runs this as a child process and kills it.
                return await BulkFaultCommand.MainAsync(args);
            default:
                await Usage();
                return 2;
        }
    }

    private static async Task Usage()
    {
        string[] lines =
        [
            $"usage: {Run} grid [--sizes 10000,100000,1000000] [--folder data/bench] [--rebuild]",
            $"       {Run} activity [--size 5000000] [--folder data/bench] [--rebuild]",
            $"       {Run} bulk [--size 100000]",
            $"       {Run} import [--size 100000] [--runs 3]",
            $"       {Run} api [--size 100000] [--seconds 10] [--connections 16] [--threads 2] [--warmup 20] [--breakdown] [--only list,get,update]",
            $"       {Run} load api [--size 100000] [--clients 200] [--seconds 60] [--threads 2] [--warmup 20]",
            "The member and activity files are built once in data/bench/ under the working directory (with dotnet run: UserAdmin.Portal.Benchmarks/data/bench/) and reused; api and load api need wrk on the PATH.",
            $"(tests only: {BulkFaultCommand.Name} <database> <organizationId> <actorAccountId>, run by UserAdmin.Portal.Tests/Faults/BulkCrashTests)",
        ];
        foreach (var line in lines)
        {
            await Console.Error.WriteLineAsync(line);
        }
    }
}
