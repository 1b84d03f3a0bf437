using System.Globalization;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// Test-only: <c>UserAdmin.Portal.Benchmarks fault-bulk &lt;database&gt; &lt;organizationId&gt; &lt;actorAccountId&gt;</c>
/// suspends every member of the organization through the real <see cref="BulkMemberService"/> (batches of 500, one
/// transaction each), printing <c>batch-committed N/M</c> after each. The crash test in
/// <c>UserAdmin.Portal.Tests/Faults</c> runs it as a child process and kills it part-way, then checks that every member
/// is either fully suspended with its activity record or untouched.
/// </summary>
internal static class BulkFaultCommand
{
    public const string Name = "fault-bulk";

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length != 4 || !Guid.TryParse(args[2], out var organizationId) || !Guid.TryParse(args[3], out var actorId))
        {
            await Console.Error.WriteLineAsync($"usage (tests only): {Name} <database> <organizationId> <actorAccountId>");
            return 2;
        }

        var builder = WebApplication.CreateBuilder([
            "--environment", "Production",
            "--ConnectionStrings:Portal", $"Data Source={Path.GetFullPath(args[1])}",
            "--Serilog:MinimumLevel:Default", "Warning",
        ]);
        builder.AddPortal([]);
        await using var app = builder.Build();

        var bulk = app.Services.GetRequiredService<BulkMemberService>();
        var progress = new CallbackProgress<BulkProgress>(p =>
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-committed {p.Done}/{p.Total}")));
        var result = await bulk.ApplyAsync(
            new Actor(actorId, organizationId, "fault-test"), new BulkRequest(BulkActionKind.Suspend, null, MemberFilter.None), _ => { }, progress);
        await Console.Out.WriteLineAsync(result.Succeeded ? "bulk-done" : $"bulk-failed {result.Message}");
        return result.Succeeded ? 0 : 1;
    }
}
