using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

public sealed class BackupTests : IAsyncLifetime
{
    private TestDatabase _source = null!;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "backups", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => _source = await TestDatabase.CreateMigratedAsync();

    public Task DisposeAsync()
    {
        _source.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABackupTakenWhileWritesGoOnRestoresEveryMemberAndActivityRecordItHolds()
    {
        var organization = await _source.AddOrganizationAsync();
        for (var i = 0; i < 25; i++)
        {
            await _source.AddMemberAsync(organization.Id);
        }

        await AddActivityAsync(organization.Id, 40);

        // A writer keeps appending while the backup runs: the backup is one consistent moment of that stream.
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested)
            {
                await AddActivityAsync(organization.Id, 5);
                written += 5;
            }

            return written;
        });

        var backup = await PortalBackup.BackupAsync(_source.ConnectionString, Path.Combine(_folder, "portal-backup.db"));
        await stop.CancelAsync();
        var written = await writer;

        Assert.Equal(25, backup.Members);
        Assert.InRange(backup.ActivityRecords, 40, 40 + written);
        Assert.Equal(0, (backup.ActivityRecords - 40) % 5);

        using var restored = TestDatabase.CreateEmpty();
        var summary = await PortalBackup.RestoreAsync(backup.File, restored.ConnectionString);

        Assert.Equal((backup.Members, backup.ActivityRecords), (summary.Members, summary.ActivityRecords));
        var (members, activity) = await restored.QueryAsync(async db =>
            (await db.Set<Membership>().Select(m => m.AccountId).OrderBy(id => id).ToListAsync(),
             await db.Set<ActivityRecord>().Select(a => a.Id).OrderBy(id => id).ToListAsync()));
        var (sourceMembers, sourceActivity) = await _source.QueryAsync(async db =>
            (await db.Set<Membership>().Select(m => m.AccountId).OrderBy(id => id).ToListAsync(),
             await db.Set<ActivityRecord>().Select(a => a.Id).OrderBy(id => id).ToListAsync()));
        Assert.Equal(sourceMembers, members);
        Assert.Equal(sourceActivity.Take(activity.Count), activity);
    }

    [Fact]
    public async Task ABackupNeverOverwritesAFile()
    {
        Directory.CreateDirectory(_folder);
        var target = Path.Combine(_folder, "existing.db");
        await File.WriteAllTextAsync(target, "keep me");

        var refused = await Assert.ThrowsAsync<BackupException>(() => PortalBackup.BackupAsync(_source.ConnectionString, target));

        Assert.Contains("exists", refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task AFileThatIsNotAPortalDatabaseIsNeverRestored()
    {
        var organization = await _source.AddOrganizationAsync();
        await _source.AddMemberAsync(organization.Id);
        Directory.CreateDirectory(_folder);
        var other = Path.Combine(_folder, "other.db");
        await using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE Notes (Text TEXT)";
            await command.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<BackupException>(() => PortalBackup.RestoreAsync(other, _source.ConnectionString));

        Assert.Contains("not a UserAdmin Portal database", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, await _source.QueryAsync(db => db.Set<Membership>().CountAsync(m => m.OrganizationId == organization.Id)));
    }

    private async Task AddActivityAsync(Guid organizationId, int count)
    {
        await using var db = _source.CreateContext();
        for (var i = 0; i < count; i++)
        {
            db.Set<ActivityRecord>().Add(new ActivityRecord
            {
                OrganizationId = organizationId,
                ActorName = "system",
                Verb = "test.recorded",
                TargetName = "backup",
                Title = $"Record {i}",
                OccurredAt = DateTime.UtcNow,
            });
        }

        await db.SaveChangesAsync();
    }
}
