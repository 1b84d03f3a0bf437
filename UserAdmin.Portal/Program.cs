using UserAdmin.Portal.Hosting;

if (args is ["benchmark", "grid", ..])
{
    return await UserAdmin.Portal.Benchmarks.GridBenchmark.RunAsync(args);
}

if (args is ["benchmark", "activity", ..])
{
    return await UserAdmin.Portal.Benchmarks.ActivityBenchmark.RunAsync(args);
}

if (args is ["benchmark", "bulk", ..])
{
    return await UserAdmin.Portal.Benchmarks.BulkBenchmark.MainAsync(args);
}

if (args is ["benchmark", "api", ..])
{
    return await UserAdmin.Portal.Benchmarks.ApiBenchmark.MainAsync(args);
}

if (args is ["load", "api", ..])
{
    return await UserAdmin.Portal.Benchmarks.ApiLoad.MainAsync(args);
}

if (args is ["benchmark", "import", ..])
{
    return await UserAdmin.Portal.Benchmarks.ImportBenchmark.MainAsync(args);
}

if (args is [UserAdmin.Portal.Hosting.BulkFaultCommand.Name, ..])
{
    // Test-only: the crash-in-a-bulk-action fault test runs this as a child process and kills it.
    return await UserAdmin.Portal.Hosting.BulkFaultCommand.MainAsync(args);
}

if (args is ["backup" or "restore", ..])
{
    return await UserAdmin.Portal.Hosting.PortalBackup.MainAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(PortalHosting.HostArguments(args));
    builder.AddPortal(args);
    var app = builder.Build();
    app.UsePortal();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Find(ex) is { } failure)
{
    // A configuration problem is the operator's to fix: say what and how, without a stack trace.
    await Console.Error.WriteLineAsync($"UserAdmin Portal cannot start: {failure.Message}");
    return 2;
}

public partial class Program;
