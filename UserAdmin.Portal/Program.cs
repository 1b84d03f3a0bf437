using UserAdmin.Portal.Hosting;

if (args is ["backup" or "restore", ..])
{
    return await PortalBackup.MainAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(PortalHosting.HostArguments(args));
    builder.AddPortal(args);
    var app = builder.Build();
    if (SeedDemoCommand.IsRequested(app.Configuration))
    {
        await using (app)
        {
            return await SeedDemoCommand.RunAsync(app.Services, app.Configuration, Console.Out);
        }
    }

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
