namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project UserAdmin.Portal.E2E -- live [--circuits 50] [--rounds 6]`;
/// `… -- circuits [--count 100] [--minutes 5] [--change-seconds 5] [--chromium]`
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["live", ..])
        {
            return await LiveBenchmark.RunAsync(args);
        }

        if (args is ["circuits", ..])
        {
            return await CircuitSoak.RunAsync(args);
        }

        Console.Error.WriteLine("usage: dotnet run -c Release --project UserAdmin.Portal.E2E -- live [--circuits 50] [--rounds 6]");
        Console.Error.WriteLine("       dotnet run -c Release --project UserAdmin.Portal.E2E -- circuits [--count 100] [--minutes 5] [--change-seconds 5] [--chromium]");
        Console.Error.WriteLine("(the browser tests themselves run with: dotnet test UserAdminPortal.sln)");
        return 2;
    }
}
