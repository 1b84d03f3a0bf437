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
    public Decision this[MemberAction action] => decisions.TryGetValue(action, out var d) ? d : Decision.Deny("Not available.");

    public bool Allows(MemberAction action) => this[action].Allowed;

    /// <summary>The reason a control is disabled, or null when it is enabled.</summary>
    public string? WhyNot(MemberAction action) => this[action].Reason;
}

/// <summary>Reads one member for the detail page, scoped to the viewer's organization.</summary>
public sealed class MemberDetailService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<OperationResult<MemberDetail>> GetAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One open for the several statements below: EF's SQLite provider registers its functions at every open.
        await db.Database.OpenConnectionAsync(ct);
        var viewer = await ActingMemberLoader.LoadForReadingAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        var membership = await db.Memberships
            .AsNoTracking()
            .Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.OrganizationId == actor.OrganizationId && m.AccountId == accountId, ct);
        if (membership?.Account is not { } account)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.NotFound("No such member in this organization."));
        }

        var target = await MemberTargets.DescribeAsync(db, membership, ct);
        var view = AccessRules.Check(viewer, MemberAction.View, target);
        if (!view.Allowed)
        {
            return OperationResult<MemberDetail>.Fail(OperationResult.From(view));
        }

        // An account in this organization only has no other organization to consult for account-wide actions.
        var organizationCount = await db.Memberships.CountAsync(m => m.AccountId == accountId, ct);
        var decisions = new Dictionary<MemberAction, Decision>();
        foreach (var action in Enum.GetValues<MemberAction>())
        {
            // For ChangeRank this asks "may they change it at all"; the service checks the chosen rank again.
            var decision = AccessRules.Check(viewer, action, target);
            if (decision.Allowed && AccessRules.IsAccountWide(action) && organizationCount > 1)
            {
                decision = await MemberTargets.CheckAccountWideAsync(db, viewer, accountId, action, ct);
            }

            decisions[action] = decision;
        }

        return OperationResult<MemberDetail>.Ok(new MemberDetail
        {
            AccountId = account.Id,
            MembershipId = membership.Id,
            OrganizationId = membership.OrganizationId,
            UserName = account.UserName ?? "",
            Email = account.Email ?? "",
            EmailConfirmed = account.EmailConfirmed,
            FirstName = account.FirstName,
            LastName = account.LastName,
            DisplayName = account.DisplayName,
            Rank = membership.Rank,
            Tag = membership.Tag,
            IsSuspended = membership.IsSuspended,
            IsActivated = account.IsActivated,
            LockoutEnd = account.LockoutEnd,
            MustChangePassword = account.MustChangePassword,
            CreatedAt = account.CreatedAt,
            JoinedAt = membership.JoinedAt,
            SuspendedAt = membership.SuspendedAt,
            EmailConfirmedAt = account.EmailConfirmedAt,
            ActivatedAt = account.ActivatedAt,
            LastSignInAt = account.LastSignInAt,
            LastPasswordChangeAt = account.LastPasswordChangeAt,
            DeviceStatus = account.DeviceStatus,
            DeviceAddedAt = account.DeviceAddedAt,
            PrimaryGroupId = membership.PrimaryGroupId,
            OrganizationCount = organizationCount,
            Version = membership.Version,
            AccountVersion = account.ConcurrencyStamp ?? "",
            Can = new MemberCapabilities(decisions),
            ViewerPermissions = PortalPermissions.All.Where(viewer.Has).ToHashSet(),
            ViewerRank = viewer.Rank,
        });
    }

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
