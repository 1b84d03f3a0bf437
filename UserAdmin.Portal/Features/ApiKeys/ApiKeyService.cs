using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.ApiKeys;

public sealed class NewApiKey
{
    public string Name { get; set; } = "";
    public ApiKeyScope Scope { get; set; } = ApiKeyScope.ReadOnly;

    /// <summary>UTC; null for a key that works until it is revoked.</summary>
    public DateTime? ExpiresAt { get; set; }
}

/// <summary>A key just created: <see cref="Key"/> is the only time the secret exists outside its owner's hands.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, ApiKeyScope Scope, DateTime? ExpiresAt, string Key);

public sealed record ApiKeyRow(
    Guid Id, string Name, string Prefix, ApiKeyScope Scope, Guid AccountId, string OwnerUserName,
    DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    public bool IsActive(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>Who a key speaks for, as checked now; or why it does not.</summary>
public sealed record ApiKeyIdentity(Guid KeyId, Guid AccountId, string UserName, Guid OrganizationId, ApiKeyScope Scope);

public sealed record ApiKeyAuthentication(ApiKeyIdentity? Identity, string? Failure)
{
    public static ApiKeyAuthentication Fail(string reason) => new(null, reason);
}

/// <summary>
/// API keys: each account creates, lists and revokes its own keys for one organization; a SUPER lists and revokes
/// every key of their organization. The key text is <c>uap_&lt;prefix&gt;_&lt;secret&gt;</c>: the prefix finds the row, the
/// secret (256 random bits) is stored only as its SHA-256 hash — a fast hash is enough for a secret that cannot be
/// guessed, and it keeps each API call cheap. A key never outranks its owner: the services check the owner's current
/// standing on every call, and <see cref="AuthenticateAsync"/> refuses a key whose owner is no longer an active member
/// (a verified key is trusted again only until the next committed change, see <see cref="VerifiedLifetime"/>).
/// </summary>
public sealed class ApiKeyService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ReauthenticationService reauthentication)
{
    public const string KeyPrefix = "uap_";
    public const int PrefixLength = 12;
    public const int MaxActiveKeysPerAccount = 20;

    /// <summary>Last use is written at most this often per key, so busy scripts do not turn every read into a write.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// The longest a verified key is trusted without checking the database again. Any change committed by this process
    /// ends the trust at once (<see cref="CommittedChanges"/>); this bounds what it cannot see: a lockout or a revocation
    /// written by another process on the same file.
    /// </summary>
    public static readonly TimeSpan VerifiedLifetime = TimeSpan.FromSeconds(5);

    // Checking a key costs two to four statements (the key, the owner's standing); a script's every call checks it.
    private readonly RecentReads<string, VerifiedKey> _verified = new(VerifiedLifetime);

    public static Dictionary<string, string[]> Validate(NewApiKey input, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors[nameof(NewApiKey.Name)] = ["Give the key a name that says what uses it."];
        }
        else if (name.Length > ApiKey.NameMaxLength)
        {
            errors[nameof(NewApiKey.Name)] = [$"Use at most {ApiKey.NameMaxLength} characters."];
        }

        if (!Enum.IsDefined(input.Scope))
        {
            errors[nameof(NewApiKey.Scope)] = ["Choose ReadOnly or ReadWrite."];
        }

        if (input.ExpiresAt is { } expires && expires.ToUniversalTime() <= now)
        {
            errors[nameof(NewApiKey.ExpiresAt)] = ["Choose an expiry in the future, or none."];
        }

        return errors;
    }

    public async Task<OperationResult<CreatedApiKey>> CreateAsync(Actor actor, NewApiKey input, CancellationToken ct = default)
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        // A key never makes keys (it could outlive its revocation through them); a session proves its owner is there.
        if (actor.Credential == ActorCredential.ApiKey)
        {
            return OperationResult<CreatedApiKey>.Fail(OperationResult.Forbidden("An API key cannot create API keys; create keys on the API keys page."));
        }

        return await runner.RunAsMemberAsync<CreatedApiKey>(actor, null, async op =>
        {
            var errors = Validate(input, op.Now);
            if (errors.Count > 0)
            {
                return OperationResult<CreatedApiKey>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            if (!reauthentication.Holds(actor))
            {
                return OperationResult<CreatedApiKey>.Fail(ReauthenticationService.Required("Creating an API key"));
            }

            var active = await op.Db.ApiKeys.CountAsync(
                k => k.AccountId == actor.AccountId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > op.Now), ct);
            if (active >= MaxActiveKeysPerAccount)
            {
                return OperationResult<CreatedApiKey>.Fail(OperationResult.Invalid(nameof(NewApiKey.Name),
                    $"You already have {MaxActiveKeysPerAccount} active keys; revoke one you no longer use first."));
            }

            var key = new ApiKey
            {
                Id = Guid.NewGuid(),
                AccountId = actor.AccountId,
                OrganizationId = actor.OrganizationId,
                Name = input.Name.Trim(),
                Prefix = prefix,
                SecretHash = Hash(secret),
                Scope = input.Scope,
                CreatedAt = op.Now,
                ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
            };
            op.Db.ApiKeys.Add(key);
            var user = op.Actor!.UserName;
            op.Record(
                "api_key.created",
                $"{user} created the API key {key.Name} ({ScopeLabel(key.Scope)})",
                ActivityCategory.Security,
                actor.AccountId,
                user,
                new Dictionary<string, (object?, object?)>
                {
                    ["name"] = (null, key.Name),
                    ["prefix"] = (null, key.Prefix),
                    ["scope"] = (null, ScopeLabel(key.Scope)),
                    ["expiresAt"] = (null, key.ExpiresAt?.ToString("u")),
                });
            return OperationResult<CreatedApiKey>.Ok(new CreatedApiKey(key.Id, key.Name, prefix, key.Scope, key.ExpiresAt, $"{KeyPrefix}{prefix}_{secret}"));
        }, ct);
    }

    /// <summary>The actor's own keys for the organization they act in, newest first.</summary>
    public async Task<OperationResult<IReadOnlyList<ApiKeyRow>>> ListOwnAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct) is null)
        {
            return OperationResult<IReadOnlyList<ApiKeyRow>>.Fail(OperationResult.Forbidden("You are not an active member of this organization."));
        }

        return OperationResult<IReadOnlyList<ApiKeyRow>>.Ok(
            await ReadRowsAsync(db, k => k.AccountId == actor.AccountId && k.OrganizationId == actor.OrganizationId, ct));
    }

    /// <summary>Every key of the organization, for its SUPER admins.</summary>
    public async Task<OperationResult<IReadOnlyList<ApiKeyRow>>> ListOrganizationAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (member?.Rank != MemberRank.Super)
        {
            return OperationResult<IReadOnlyList<ApiKeyRow>>.Fail(OperationResult.Forbidden("Only a SUPER admin can see every key of the organization."));
        }

        return OperationResult<IReadOnlyList<ApiKeyRow>>.Ok(
            await ReadRowsAsync(db, k => k.OrganizationId == actor.OrganizationId, ct));
    }

    /// <summary>Revokes one of the actor's own keys, or (for a SUPER) any key of their organization. Revoking twice changes nothing.</summary>
    public Task<OperationResult<bool>> RevokeAsync(Actor actor, Guid keyId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, null, async op =>
        {
            var key = await op.Db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.OrganizationId == actor.OrganizationId, ct);
            var own = key?.AccountId == actor.AccountId;
            if (key is null || (!own && op.Actor!.Rank != MemberRank.Super))
            {
                // Someone else's key is not named to a non-SUPER: it does not exist for them.
                return OperationResult<bool>.Fail(OperationResult.NotFound("No such API key."));
            }

            if (key.RevokedAt is not null)
            {
                return OperationResult<bool>.Ok(false);
            }

            key.RevokedAt = op.Now;
            var owner = own ? op.Actor!.UserName : await op.Db.Users.Where(a => a.Id == key.AccountId).Select(a => a.UserName).SingleAsync(ct) ?? "";
            op.Record(
                "api_key.revoked",
                own ? $"{op.Actor!.UserName} revoked their API key {key.Name}" : $"{op.Actor!.UserName} revoked {owner}'s API key {key.Name}",
                ActivityCategory.Security,
                key.AccountId,
                owner,
                new Dictionary<string, (object?, object?)> { ["prefix"] = (key.Prefix, key.Prefix), ["revoked"] = (false, true) });
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Checks a presented key: known prefix, matching secret (constant-time), not revoked or expired, owner still an
    /// active member of the key's organization (and, for the <c>user:key</c> form, the named owner). Records the use
    /// at most once per <see cref="LastUsedResolution"/>.
    /// </summary>
    public async Task<ApiKeyAuthentication> AuthenticateAsync(string presentedKey, string? userName = null, CancellationToken ct = default)
    {
        if (!TryParse(presentedKey, out var prefix, out var secret))
        {
            return ApiKeyAuthentication.Fail("The API key is not in the form uap_<prefix>_<secret>.");
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var now = clock.GetUtcNow().UtcDateTime;
        if (_verified.TryGet(prefix, now, out var hit)
            && CryptographicOperations.FixedTimeEquals(presented, hit.SecretHash) && !(hit.ExpiresAt <= now)
            && (userName is null || string.Equals(userName.Trim(), hit.Identity.UserName, StringComparison.OrdinalIgnoreCase)))
        {
            if (hit.LastUsedAt is null || hit.LastUsedAt <= now - LastUsedResolution)
            {
                await using var bookkeeping = await dbFactory.CreateDbContextAsync(ct);
                await RecordUseAsync(bookkeeping, hit.Identity.KeyId, now, ct);
                hit.LastUsedAt = now;
            }

            return new ApiKeyAuthentication(hit.Identity, null);
        }

        // Noted before reading: a change committed from here on makes what is read below a miss next time.
        var generation = CommittedChanges.Generation;
        // A plain pooled connection for the two reads: every committed change makes the next call of every key a
        // miss, so under writes this runs once per request, and an EF context cost more than both statements.
        await using var connection = await Hosting.SqlitePragmas.OpenAsync(PortalConnectionStrings.Of(dbFactory), ct);
        var key = await ReadKeyAsync(connection, prefix, ct);

        // Hash and compare even for an unknown prefix, so timing does not tell a real prefix from a made-up one.
        var expected = key is null ? new byte[32] : Convert.FromHexString(key.SecretHash);
        var matches = CryptographicOperations.FixedTimeEquals(presented, expected);
        if (key is null || !matches)
        {
            return ApiKeyAuthentication.Fail("Unknown API key.");
        }

        if (key.RevokedAt is not null)
        {
            return ApiKeyAuthentication.Fail("This API key has been revoked.");
        }

        if (key.ExpiresAt <= now)
        {
            return ApiKeyAuthentication.Fail("This API key has expired.");
        }

        var owner = await ActingMemberLoader.LoadAsync(connection, key.AccountId, key.OrganizationId, ct);
        if (owner is null)
        {
            return ApiKeyAuthentication.Fail("The key's owner is no longer an active member of its organization.");
        }

        if (userName is not null && !string.Equals(userName.Trim(), owner.UserName, StringComparison.OrdinalIgnoreCase))
        {
            return ApiKeyAuthentication.Fail("Unknown API key.");
        }

        var lastUsed = key.LastUsedAt;
        if (lastUsed is null || lastUsed <= now - LastUsedResolution)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await RecordUseAsync(db, key.Id, now, ct);
            lastUsed = now;
        }

        var identity = new ApiKeyIdentity(key.Id, key.AccountId, owner.UserName, key.OrganizationId, key.Scope);
        _verified.Remember(prefix, generation, now, new VerifiedKey(expected, identity, key.ExpiresAt) { LastUsedAt = lastUsed });
        return new ApiKeyAuthentication(identity, null);
    }

    private sealed record StoredKey(Guid Id, Guid AccountId, Guid OrganizationId, string SecretHash, ApiKeyScope Scope, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    private static async Task<StoredKey?> ReadKeyAsync(System.Data.Common.DbConnection connection, string prefix, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, AccountId, OrganizationId, SecretHash, Scope, ExpiresAt, LastUsedAt, RevokedAt FROM ApiKeys WHERE Prefix = @prefix";
        command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("@prefix", prefix));
        await using var r = await command.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        DateTime? Time(int i) => r.IsDBNull(i) ? null : SqliteTime.ParseUtc(r.GetString(i));
        return new StoredKey(Guid.Parse(r.GetString(0)), Guid.Parse(r.GetString(1)), Guid.Parse(r.GetString(2)), r.GetString(3), (ApiKeyScope)r.GetInt32(4), Time(5), Time(6), Time(7));
    }

    /// <summary>Writes the key's last use, unless another request did within <see cref="LastUsedResolution"/>.</summary>
    private static async Task RecordUseAsync(PortalDbContext db, Guid keyId, DateTime now, CancellationToken ct)
    {
        var stale = now - LastUsedResolution;
        try
        {
            await db.ApiKeys
                .Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt <= stale))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
        catch (Exception ex) when (DatabaseFaults.Describe(ex) is not null)
        {
            // Bookkeeping only: a full or read-only database must not turn every read into an error. The request
            // goes on; a write it makes meets the same fault and says so.
        }
    }

    /// <summary>A key that passed every check, and when: trusted while no change has committed since and for <see cref="VerifiedLifetime"/> at most.</summary>
    private sealed record VerifiedKey(byte[] SecretHash, ApiKeyIdentity Identity, DateTime? ExpiresAt)
    {
        public DateTime? LastUsedAt { get; set; }
    }

    public static bool TryParse(string? text, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (text is null || text.Length > 200 || !text.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(KeyPrefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != PrefixLength || rest.Length - separator - 1 < 32)
        {
            return false;
        }

        prefix = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    /// <summary>Upper-case hex SHA-256 of the secret's text, as stored.</summary>
    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string ScopeLabel(ApiKeyScope scope) => scope == ApiKeyScope.ReadWrite ? "read-write" : "read-only";

    private static async Task<IReadOnlyList<ApiKeyRow>> ReadRowsAsync(
        PortalDbContext db, System.Linq.Expressions.Expression<Func<ApiKey, bool>> which, CancellationToken ct)
    {
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(which)
            .Join(db.Users, k => k.AccountId, a => a.Id, (k, a) => new ApiKeyRow(
                k.Id, k.Name, k.Prefix, k.Scope, k.AccountId, a.UserName ?? "", k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(ct);

        // Sorted here: SQLite orders the stored UTC text correctly, but a few keys per account need no index.
        return rows.OrderByDescending(r => r.CreatedAt).ToList();
    }
}
