using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using UserAdmin.Portal.Benchmarks;

namespace UserAdmin.Portal.Tests.Faults;

/// <summary>
/// A bulk action whose process is killed part-way: the benchmarks executable runs its test-only <c>fault-bulk</c>
/// command (suspend everyone through the portal's real BulkMemberService, in batches of 500) as a child process, and
/// the test kills it as soon as the database shows committed batches, while later batches are still being written.
/// </summary>
public sealed class BulkCrashTests(ITestOutputHelper log) : IDisposable
{
    private const int Members = 20_000;
    private const string Verb = "member.suspended";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "crash-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task AKilledBulkActionLeavesEveryMemberFullyChangedWithItsRecordOrUntouched()
    {
        var database = await BenchmarkDatabase.EnsureAsync(_folder, Members, rebuild: true);
        var before = await ReadMembersAsync(database);

        using var child = StartBulk(database);
        var output = new StringBuilder();
        child.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        child.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        // Kill as soon as a reader sees committed records: the child is then writing a later batch (or about to).
        var deadline = Stopwatch.StartNew();
        long committed;
        while ((committed = await CountRecordsAsync(database)) == 0)
        {
            Assert.False(child.HasExited, $"The bulk action ended before the test saw a committed batch: {output}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), $"No batch committed within 2 minutes: {output}");
            await Task.Yield();
        }

        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        Assert.NotEqual(0, child.ExitCode);

        // Opening the file again recovers it (the WAL's committed frames stay, the rest is discarded).
        Assert.Equal("ok", await ScalarAsync(database, "PRAGMA integrity_check"));
        var after = await ReadMembersAsync(database);
        var records = await RecordsByTargetAsync(database);

        var changed = 0;
        var untouched = 0;
        foreach (var (id, old) in before)
        {
            var now = after[id];
            records.TryGetValue(now.AccountId, out var count);
            if (now == old)
            {
                Assert.True(count == 0, $"Member {id} is untouched but has {count} '{Verb}' records.");
                untouched++;
            }
            else
            {
                // Fully changed: suspended, new membership version, new security stamp, the directory row follows, one record.
                Assert.True(!old.IsSuspended && now.IsSuspended && now.Version != old.Version && now.SecurityStamp != old.SecurityStamp && now.DirectorySuspended,
                    $"Member {id} is half-changed: {old} → {now}.");
                Assert.True(count == 1, $"Member {id} was suspended but has {count} '{Verb}' records.");
                changed++;
            }
        }

        log.WriteLine($"killed after {committed} records were seen: {changed} members changed, {untouched} untouched (of {before.Count}).");
        Assert.Equal(records.Values.Sum(), changed);
        Assert.True(changed >= committed, $"{changed} changed, yet {committed} records were seen committed before the kill.");
        Assert.True(changed > 0 && untouched > 0 && before.Values.Count(m => !m.IsSuspended) - changed > 1,
            $"The kill did not land mid-way: {changed} changed, {untouched} untouched. Child output: {output}");
    }

    private static Process StartBulk(string database)
    {
        var start = new ProcessStartInfo(BenchmarksExecutable())
        {
            WorkingDirectory = Path.GetDirectoryName(database)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BulkFaultCommand.Name, database, BenchmarkDatabase.OrganizationId.ToString(), BenchmarkDatabase.AdminId.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The fault-bulk command did not start.");
    }

    /// <summary>The benchmarks project's apphost, built by the ProjectReference in this test assembly's configuration.</summary>
    private static string BenchmarksExecutable()
    {
        var configuration = typeof(BulkCrashTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "UserAdmin.Portal.Benchmarks", "bin", configuration, "net10.0", "UserAdmin.Portal.Benchmarks");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"No UserAdmin.Portal.Benchmarks executable ({configuration}) above {AppContext.BaseDirectory}: build the solution first.");
    }

    private sealed record MemberState(Guid AccountId, bool IsSuspended, string Version, string SecurityStamp, bool DirectorySuspended);

    private static async Task<Dictionary<long, MemberState>> ReadMembersAsync(string database)
    {
        var members = new Dictionary<long, MemberState>();
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.Id, m.AccountId, m.IsSuspended, m.Version, a.SecurityStamp, d.IsSuspended
            FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId JOIN MemberDirectory d ON d.MembershipId = m.Id
            WHERE m.OrganizationId = $org
            """;
        command.Parameters.AddWithValue("$org", Upper(BenchmarkDatabase.OrganizationId));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members[reader.GetInt64(0)] = new MemberState(
                Guid.Parse(reader.GetString(1)), reader.GetBoolean(2), reader.GetString(3), reader.IsDBNull(4) ? "" : reader.GetString(4), reader.GetBoolean(5));
        }

        Assert.Equal(Members + 1, members.Count);
        return members;
    }

    private static async Task<Dictionary<Guid, int>> RecordsByTargetAsync(string database)
    {
        var records = new Dictionary<Guid, int>();
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT TargetAccountId, COUNT(*) FROM Activity WHERE OrganizationId = $org AND Verb = $verb GROUP BY TargetAccountId";
        command.Parameters.AddWithValue("$org", Upper(BenchmarkDatabase.OrganizationId));
        command.Parameters.AddWithValue("$verb", Verb);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records[Guid.Parse(reader.GetString(0))] = reader.GetInt32(1);
        }

        return records;
    }

    private static async Task<long> CountRecordsAsync(string database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Activity WHERE Verb = $verb";
        command.Parameters.AddWithValue("$verb", Verb);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> ScalarAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    /// <summary>Unpooled, so nothing of this test holds the file between steps.</summary>
    private static async Task<SqliteConnection> OpenAsync(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
