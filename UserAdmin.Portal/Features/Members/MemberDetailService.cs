using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Members;

/// <summary>One member as the detail page shows them, with what the viewing admin may do to them and why not.</summary>
public sealed record MemberDetail
{
    public required Guid AccountId { get; init; }
    public required long MembershipId { get; init; }
    public required Guid OrganizationId { get; init; }
    public required string UserName { get; init; }
    public required string Email { get; init; }
    public required bool EmailConfirmed { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required string DisplayName { get; init; }
    public required MemberRank Rank { get; init; }
    public required MemberTag Tag { get; init; }
    public required bool IsSuspended { get; init; }
    public required bool IsActivated { get; init; }
    public required DateTimeOffset? LockoutEnd { get; init; }
    public required bool MustChangePassword { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime JoinedAt { get; init; }
    public DateTime? SuspendedAt { get; init; }
    public DateTime? EmailConfirmedAt { get; init; }
    public DateTime? ActivatedAt { get; init; }

    /// <summary>Pending (never activated), active, or deactivated by an admin.</summary>
    public UserAdmin.Portal.Features.Activation.ActivationState Activation =>
        IsActivated ? UserAdmin.Portal.Features.Activation.ActivationState.Active
        : ActivatedAt is null ? UserAdmin.Portal.Features.Activation.ActivationState.Pending
        : UserAdmin.Portal.Features.Activation.ActivationState.Deactivated;
    public DateTime? LastSignInAt { get; init; }
    public DateTime? LastPasswordChangeAt { get; init; }
    public required DeviceStatus DeviceStatus { get; init; }
    public DateTime? DeviceAddedAt { get; init; }
    public Guid? PrimaryGroupId { get; init; }
    public required int OrganizationCount { get; init; }

    /// <summary>The membership's concurrency token: a save made against an older one is refused.</summary>
    public required string Version { get; init; }

    /// <summary>The account's concurrency token (Identity's concurrency stamp), for account-wide editors.</summary>
    public required string AccountVersion { get; init; }

    /// <summary>What the viewing admin may do, and the reason when not; computed with the same rules the services enforce.</summary>
    public required MemberCapabilities Can { get; init; }

    /// <summary>The viewer's own portal permissions here: which editors the page offers at all (help desk: passwords only).</summary>
    public IReadOnlySet<string> ViewerPermissions { get; init; } = new HashSet<string>();

    public bool ViewerHolds(string permission) => ViewerPermissions.Contains(permission);

    /// <summary>The viewer's rank here: memberships in other organizations are a SUPER's business.</summary>
    public MemberRank ViewerRank { get; init; }

    public bool IsLockedOut(DateTimeOffset now) => LockoutEnd > now;
}

/// <summary>The viewing admin's decision for every <see cref="MemberAction"/> on one member.</summary>
public sealed class MemberCapabilities(IReadOnlyDictionary<MemberAction, Decision> decisions)
{
    /// <summary>Nothing allowed: the placeholder until the viewer's decisions are computed.</summary>
    public static MemberCapabilities None { get; } = new(new Dictionary<MemberAction, Decision>());

    public Decision this[MemberAction action] => decisions.TryGetValue(action, out var d) ? d : Decision.Deny("Not available.");

    public bool Allows(MemberAction action) => this[action].Allowed;

    /// <summary>The reason a control is disabled, or null when it is enabled.</summary>
    public string? WhyNot(MemberAction action) => this[action].Reason;
}

/// <summary>Reads one member for the detail page, scoped to the viewer's organization.</summary>
public sealed class MemberDetailService(IDbContextFactory<PortalDbContext> dbFactory, PreparedReads reads)
{
    /// <summary>
    /// The membership, its account, how many organizations the account belongs to, and whether it is the last active
    /// SUPER (asked only of a SUPER) in one statement: a get by id is the API's most frequent call.
    /// </summary>
    private const string MemberSql =
        "SELECT m.Id, m.Rank, m.Tag, m.IsSuspended, m.SuspendedAt, m.JoinedAt, m.PrimaryGroupId, m.Version,"
        + " a.UserName, a.Email, a.EmailConfirmed, a.FirstName, a.LastName, a.DisplayName, a.IsActivated, a.LockoutEnd,"
        + " a.MustChangePassword, a.CreatedAt, a.EmailConfirmedAt, a.ActivatedAt, a.LastSignInAt, a.LastPasswordChangeAt,"
        + " a.DeviceStatus, a.DeviceAddedAt, a.ConcurrencyStamp,"
        + " (SELECT count(*) FROM Memberships o WHERE o.AccountId = m.AccountId),"
        + " CASE WHEN m.Rank = @super THEN NOT EXISTS (SELECT 1 FROM Memberships s"
        + " WHERE s.OrganizationId = m.OrganizationId AND s.Rank = @super AND s.Id <> m.Id AND s.IsSuspended = 0) ELSE 0 END"
        + " FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId"
        + " WHERE m.OrganizationId = @organization AND m.AccountId = @account";

    public async Task<OperationResult<MemberDetail>> GetAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        var viewer = await ActingMemberLoader.LoadForReadingAsync(dbFactory, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        if (await ReadAsync(actor.OrganizationId, accountId, ct) is not { } member)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.NotFound("No such member in this organization."));
        }

        var target = new TargetMember(accountId, member.Detail.Rank, member.IsLastSuper);
        var view = AccessRules.Check(viewer, MemberAction.View, target);
        if (!view.Allowed)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.From(view));
        }

        // An account in this organization only has no other organization to consult for account-wide actions.
        var decisions = new Dictionary<MemberAction, Decision>();
        PortalDbContext? db = null;
        try
        {
            foreach (var action in Actions)
            {
                // For ChangeRank this asks "may they change it at all"; the service checks the chosen rank again.
                var decision = AccessRules.Check(viewer, action, target);
                if (decision.Allowed && AccessRules.IsAccountWide(action) && member.Detail.OrganizationCount > 1)
                {
                    db ??= await dbFactory.CreateDbContextAsync(ct);
                    decision = await MemberTargets.CheckAccountWideAsync(db, viewer, accountId, action, ct);
                }

                decisions[action] = decision;
            }
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync();
            }
        }

        return OperationResult<MemberDetail>.Ok(member.Detail with
        {
            Can = new MemberCapabilities(decisions),
            ViewerPermissions = PortalPermissions.All.Where(viewer.Has).ToHashSet(),
            ViewerRank = viewer.Rank,
        });
    }

    private static readonly MemberAction[] Actions = Enum.GetValues<MemberAction>();

    private readonly record struct StoredMember(MemberDetail Detail, bool IsLastSuper);

    /// <summary>The stored member, read the way EF reads it (times as UTC), without the viewer's capabilities.</summary>
    private async Task<StoredMember?> ReadAsync(Guid organizationId, Guid accountId, CancellationToken ct)
    {
        using var lease = await reads.RentAsync(ct);
        var command = lease.Command(MemberSql);
        command.Parameters.AddWithValue("@super", (int)MemberRank.Super);
        command.Parameters.AddWithValue("@organization", StoredGuid.Text(organizationId));
        command.Parameters.AddWithValue("@account", StoredGuid.Text(accountId));
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        var detail = new MemberDetail
        {
            AccountId = accountId,
            MembershipId = r.GetInt64(0),
            OrganizationId = organizationId,
            Rank = (MemberRank)r.GetInt32(1),
            Tag = (MemberTag)r.GetInt32(2),
            IsSuspended = r.GetBoolean(3),
            SuspendedAt = Time(r, 4),
            JoinedAt = SqliteTime.ParseUtc(r.GetString(5)),
            PrimaryGroupId = r.IsDBNull(6) ? null : Guid.Parse(r.GetString(6)),
            Version = r.GetString(7),
            UserName = r.IsDBNull(8) ? "" : r.GetString(8),
            Email = r.IsDBNull(9) ? "" : r.GetString(9),
            EmailConfirmed = r.GetBoolean(10),
            FirstName = r.GetString(11),
            LastName = r.GetString(12),
            DisplayName = r.GetString(13),
            IsActivated = r.GetBoolean(14),
            LockoutEnd = r.IsDBNull(15) ? null : DateTimeOffset.Parse(r.GetString(15), System.Globalization.CultureInfo.InvariantCulture),
            MustChangePassword = r.GetBoolean(16),
            CreatedAt = SqliteTime.ParseUtc(r.GetString(17)),
            EmailConfirmedAt = Time(r, 18),
            ActivatedAt = Time(r, 19),
            LastSignInAt = Time(r, 20),
            LastPasswordChangeAt = Time(r, 21),
            DeviceStatus = (DeviceStatus)r.GetInt32(22),
            DeviceAddedAt = Time(r, 23),
            AccountVersion = r.IsDBNull(24) ? "" : r.GetString(24),
            OrganizationCount = r.GetInt32(25),
            Can = MemberCapabilities.None,
        };
        return new StoredMember(detail, r.GetBoolean(26));
    }

    private static DateTime? Time(Microsoft.Data.Sqlite.SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : SqliteTime.ParseUtc(r.GetString(ordinal));


    /// <summary>
    /// The member of the actor's organization with this username or email (any case), with the same checks as
    /// <see cref="GetAsync"/>: someone not in the organization is simply not found.
    /// </summary>
    public async Task<OperationResult<MemberDetail>> FindAsync(Actor actor, string? userName, string? email, CancellationToken ct = default)
    {
        var normalizedUser = userName?.Trim().ToUpperInvariant();
        var normalizedEmail = email?.Trim().ToUpperInvariant();
        Guid? accountId = null;
        if (!string.IsNullOrEmpty(normalizedUser) || !string.IsNullOrEmpty(normalizedEmail))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            accountId = await db.Memberships.AsNoTracking()
                .Where(m => m.OrganizationId == actor.OrganizationId)
                .Where(m => normalizedUser != null ? m.Account!.NormalizedUserName == normalizedUser : m.Account!.NormalizedEmail == normalizedEmail)
                .Select(m => (Guid?)m.AccountId)
                .FirstOrDefaultAsync(ct);
        }

        // An unknown name goes through GetAsync too, so a refusal of the viewer reads the same either way.
        return await GetAsync(actor, accountId ?? Guid.Empty, ct);
    }

    /// <summary>
    /// The member whose membership in the actor's organization has this number (the stable numeric id that
    /// ThreatStream and Allthenticate scripts use), with the same checks as <see cref="GetAsync"/>.
    /// </summary>
    public async Task<OperationResult<MemberDetail>> GetByMembershipIdAsync(Actor actor, long membershipId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accountId = await db.Memberships.AsNoTracking()
            .Where(m => m.Id == membershipId && m.OrganizationId == actor.OrganizationId)
            .Select(m => (Guid?)m.AccountId)
            .FirstOrDefaultAsync(ct);
        return await GetAsync(actor, accountId ?? Guid.Empty, ct);
    }
}
