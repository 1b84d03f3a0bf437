using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// Everything one service operation works with: its own DbContext (and a UserManager over the same context, so
/// Identity's writes share the transaction), the acting member, the clock, and the activity records and change
/// notices that the runner saves with the change and publishes after commit.
/// </summary>
public sealed class OperationContext
{
    private readonly IServiceProvider _services;
    private readonly List<ActivityRecord> _records = [];
    private readonly List<(ChangeNotice Notice, ActivityRecord? Record)> _notices = [];

    internal OperationContext(IServiceProvider services, PortalDbContext db, ActingMember? actor, Guid? organizationId, string? clientAddress, DateTime now)
    {
        _services = services;
        Db = db;
        Actor = actor;
        OrganizationId = organizationId;
        ClientAddress = clientAddress;
        Now = now;
    }

    public PortalDbContext Db { get; }

    /// <summary>The acting member, re-read from the database; null for self-service and system operations.</summary>
    public ActingMember? Actor { get; }
    public Guid? OrganizationId { get; private set; }
    public string? ClientAddress { get; }
    public DateTime Now { get; }

    public UserManager<Account> Users => _services.GetRequiredService<UserManager<Account>>();

    internal IReadOnlyList<ActivityRecord> Records => _records;

    /// <summary>For system operations that create the organization they then record in.</summary>
    public OperationContext WithOrganization(Guid organizationId)
    {
        OrganizationId = organizationId;
        return this;
    }

    /// <summary>Adds the activity record for this change; it is saved in the operation's transaction.</summary>
    public ActivityRecord Record(
        string verb,
        string title,
        ActivityCategory category,
        Guid? targetAccountId = null,
        string targetName = "",
        IReadOnlyDictionary<string, (object? Before, object? After)>? diff = null,
        Guid? actorAccountId = null,
        string? actorName = null,
        Guid? organizationId = null)
    {
        var record = new ActivityRecord
        {
            // Another organization only for account-wide changes that concern it too (deleting the account).
            OrganizationId = organizationId ?? OrganizationId,
            ActorAccountId = actorAccountId ?? Actor?.AccountId,
            ActorName = actorName ?? Actor?.UserName ?? "system",
            Verb = verb,
            TargetAccountId = targetAccountId,
            TargetName = targetName,
            Title = title,
            Category = category,
            Diff = diff is null || diff.Count == 0 ? null : SerializeDiff(diff),
            ClientAddress = ClientAddress,
            OccurredAt = Now,
        };
        // Written by the runner, in the operation's transaction, just before commit (ActivityWriter).
        _records.Add(record);
        return record;
    }

    /// <summary>Queues a change notice, published only if the transaction commits.</summary>
    public void Notify(string entity, string entityId, string verb, ActivityRecord? record = null)
    {
        if ((record?.OrganizationId ?? OrganizationId) is not { } organizationId)
        {
            return;
        }

        _notices.Add((new ChangeNotice(organizationId, entity, entityId, verb, Actor?.AccountId, null, Now, record?.ActorName ?? Actor?.UserName, record?.Title), record));
    }

    internal IReadOnlyList<ChangeNotice> CommittedNotices() =>
        _notices.Select(n => n.Notice with { ActivityId = n.Record?.Id }).ToList();

    private static string SerializeDiff(IReadOnlyDictionary<string, (object? Before, object? After)> diff) =>
        JsonSerializer.Serialize(diff.ToDictionary(d => d.Key, d => new { before = d.Value.Before, after = d.Value.After }));
}
