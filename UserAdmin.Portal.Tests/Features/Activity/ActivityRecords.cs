using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activity;

/// <summary>Writes activity records straight into a test database, one minute apart unless told otherwise.</summary>
internal sealed class ActivityRecords(TestDatabase database, Guid organizationId)
{
    public static readonly DateTime Start = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private int _minute;

    public async Task<ActivityRecord> AddAsync(
        string title,
        TestMember? actor = null,
        TestMember? target = null,
        string verb = "test.event",
        ActivityCategory category = ActivityCategory.Admin,
        DateTime? at = null,
        string? diff = null,
        Guid? organizationId = null)
    {
        var record = new ActivityRecord
        {
            OrganizationId = organizationId ?? OrganizationId,
            ActorAccountId = actor?.AccountId,
            ActorName = actor?.UserName ?? "system",
            TargetAccountId = target?.AccountId,
            TargetName = target?.UserName ?? "",
            Verb = verb,
            Title = title,
            Category = category,
            Diff = diff,
            OccurredAt = at ?? Start.AddMinutes(_minute++),
        };
        await database.ExecuteAsync(db =>
        {
            db.Activity.Add(record);
            return Task.CompletedTask;
        });
        return record;
    }

    public Guid OrganizationId { get; } = organizationId;
}
