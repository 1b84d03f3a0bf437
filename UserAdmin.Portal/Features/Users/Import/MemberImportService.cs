using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using Group = UserAdmin.Portal.Data.Group;

namespace UserAdmin.Portal.Features.Users.Import;

/// <summary>One data line of an import file. Empty cells mean "leave as it is" (or the default, for a new member).</summary>
public sealed record ImportRow(
    int Line,
    string UserName,
    string Email,
    string FirstName,
    string LastName,
    string DisplayName,
    string Rank,
    string Tag,
    string Groups,
    IReadOnlyDictionary<string, string> Properties)
{
    public string Key => UserName.Length > 0 ? UserName : Email;
}

public enum ImportVerdict
{
    Create,
    Update,
    Unchanged,
    Error,
}

public sealed record ImportRowOutcome(int Line, string Key, ImportVerdict Verdict, string Detail);

public sealed record ImportFile(IReadOnlyList<ImportRow> Rows, string? Error);

/// <summary>
/// CSV onboarding and bulk updates: read the file, plan every row (create, update, unchanged, or error with the
/// reason) without writing, then apply. Apply plans each batch again inside its transaction, so what is written is
/// checked against the data as it is at that moment; a row with an error is never written, and a row is written
/// whole (member, groups, properties and its activity record) or not at all.
/// </summary>
public sealed partial class MemberImportService(OperationRunner runner)
{
    public const int MaxRows = 200_000;
    public const int BatchSize = 1000;
    public const string PropertyPrefix = "prop.";

    private static readonly string[] KnownColumns = ["username", "email", "first_name", "last_name", "display_name", "rank", "tag", "groups"];

    private static readonly (string Change, string Field)[] ChangedNameFields =
    [
        ("firstName", nameof(NewMember.FirstName)),
        ("lastName", nameof(NewMember.LastName)),
        ("displayName", nameof(NewMember.DisplayName)),
    ];

    [GeneratedRegex("^[a-z0-9_.-]{1,64}$")]
    private static partial Regex PropertyKey();

    public static string ExpectedColumns =>
        $"{string.Join(", ", KnownColumns)} and {PropertyPrefix}<key> for custom properties (username or email identifies the member).";

    public static async Task<ImportFile> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = new List<ImportRow>();
        string[]? header = null;
        var line = 1;
        try
        {
            await foreach (var fields in CsvReader.ReadAsync(reader).WithCancellation(ct))
            {
                if (header is null)
                {
                    header = fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
                    var unknown = header.Where(h => !KnownColumns.Contains(h) && !(h.StartsWith(PropertyPrefix, StringComparison.Ordinal) && PropertyKey().IsMatch(h[PropertyPrefix.Length..]))).ToList();
                    if (unknown.Count > 0)
                    {
                        return new([], $"Unknown column(s): {string.Join(", ", unknown.Select(u => $"\"{u}\""))}. Expected {ExpectedColumns}");
                    }

                    if (!header.Contains("username") && !header.Contains("email"))
                    {
                        return new([], $"The first line must name the columns, including username or email. Expected {ExpectedColumns}");
                    }

                    if (header.Distinct().Count() != header.Length)
                    {
                        return new([], "A column is named twice in the first line.");
                    }

                    continue;
                }

                line++;
                if (rows.Count == MaxRows)
                {
                    return new([], $"The file has more than {MaxRows:N0} rows; split it.");
                }

                string Cell(string name)
                {
                    var i = Array.IndexOf(header, name);
                    return i >= 0 && i < fields.Count ? fields[i].Trim() : "";
                }

                var properties = header
                    .Select((h, i) => (h, i))
                    .Where(x => x.h.StartsWith(PropertyPrefix, StringComparison.Ordinal) && x.i < fields.Count && fields[x.i].Length > 0)
                    .ToDictionary(x => x.h[PropertyPrefix.Length..], x => fields[x.i].Trim());
                rows.Add(new ImportRow(line, Cell("username").ToLowerInvariant(), Cell("email"), Cell("first_name"), Cell("last_name"),
                    Cell("display_name"), Cell("rank"), Cell("tag"), Cell("groups"), properties));
            }
        }
        catch (FormatException ex)
        {
            return new([], $"The file is not valid CSV near line {line + 1}: {ex.Message}");
        }

        return header is null ? new([], "The file is empty.") : new(rows, null);
    }

    /// <summary>The dry run: every row's verdict, nothing written.</summary>
    public async Task<OperationResult<IReadOnlyList<ImportRowOutcome>>> PlanAsync(Actor actor, IReadOnlyList<ImportRow> rows, CancellationToken ct = default)
    {
        var outcomes = new List<ImportRowOutcome>();
        var result = await RunAsync(actor, rows, apply: false, outcomes.AddRange, null, ct);
        return result.Succeeded ? OperationResult<IReadOnlyList<ImportRowOutcome>>.Ok(outcomes) : OperationResult<IReadOnlyList<ImportRowOutcome>>.Fail(result);
    }

    public Task<OperationResult> ApplyAsync(
        Actor actor, IReadOnlyList<ImportRow> rows, Action<IReadOnlyList<ImportRowOutcome>> report, IProgress<BulkProgress>? progress, CancellationToken ct = default) =>
        RunAsync(actor, rows, apply: true, report, progress, ct);

    private async Task<OperationResult> RunAsync(
        Actor actor, IReadOnlyList<ImportRow> rows, bool apply, Action<IReadOnlyList<ImportRowOutcome>> report, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        var duplicates = InFileDuplicates(rows);
        for (var start = 0; start < rows.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            var batch = rows.Skip(start).Take(BatchSize).ToList();
            var outcome = await runner.RunAsMemberAsync<List<ImportRowOutcome>>(actor, PortalPermissions.ManageUsers, async op =>
            {
                var outcomes = await ProcessBatchAsync(op, batch, duplicates, apply, ct);
                return apply ? OperationResult<List<ImportRowOutcome>>.Ok(outcomes) : new(OperationStatus.Conflict, outcomes, "dry run");
            }, ct);

            if (outcome.Value is null)
            {
                return outcome;
            }

            report(outcome.Value);
            progress?.Report(new BulkProgress(start + batch.Count, rows.Count));
        }

        return OperationResult.Ok();
    }

    /// <summary>Rows that repeat a username or email of an earlier row, with the line they repeat.</summary>
    private static Dictionary<int, string> InFileDuplicates(IReadOnlyList<ImportRow> rows)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var duplicates = new Dictionary<int, string>();
        foreach (var row in rows)
        {
            foreach (var key in new[] { "u:" + row.UserName, "e:" + row.Email }.Where(k => k.Length > 2))
            {
                if (seen.TryGetValue(key, out var first))
                {
                    duplicates.TryAdd(row.Line, $"Repeats the {(key[0] == 'u' ? "username" : "email")} of line {first}.");
                }
                else
                {
                    seen[key] = row.Line;
                }
            }
        }

        return duplicates;
    }

    private static async Task<List<ImportRowOutcome>> ProcessBatchAsync(
        OperationContext op, List<ImportRow> batch, Dictionary<int, string> duplicates, bool apply, CancellationToken ct)
    {
        var actor = op.Actor!;
        var names = batch.Where(r => r.UserName.Length > 0).Select(r => r.UserName.ToUpperInvariant()).ToList();
        var emails = batch.Where(r => r.Email.Length > 0).Select(r => r.Email.ToUpperInvariant()).ToList();
        var accounts = await op.Db.Users
            .Include(a => a.CustomProperties)
            .Where(a => names.Contains(a.NormalizedUserName!) || emails.Contains(a.NormalizedEmail!))
            .ToListAsync(ct);
        var accountIds = accounts.Select(a => a.Id).ToList();
        var memberships = await op.Db.Memberships
            .Include(m => m.Groups)
            .Where(m => m.OrganizationId == actor.OrganizationId && accountIds.Contains(m.AccountId))
            .ToDictionaryAsync(m => m.AccountId, ct);
        // With their permissions: placing a member in a group grants what it grants (GroupGrants).
        var grantingGroups = await op.Db.Groups.AsNoTracking().Include(g => g.Permissions).Where(g => g.OrganizationId == actor.OrganizationId)
            .ToDictionaryAsync(g => g.Name, StringComparer.OrdinalIgnoreCase, ct);
        var groups = grantingGroups.ToDictionary(g => g.Key, g => g.Value.Id, StringComparer.OrdinalIgnoreCase);
        var activeSupers = await op.Db.Memberships.CountAsync(m => m.OrganizationId == actor.OrganizationId && m.Rank == MemberRank.Super && !m.IsSuspended, ct);

        var outcomes = new List<ImportRowOutcome>(batch.Count);
        var created = 0;
        foreach (var row in batch)
        {
            var byName = row.UserName.Length > 0 ? accounts.FirstOrDefault(a => string.Equals(a.NormalizedUserName, row.UserName.ToUpperInvariant(), StringComparison.Ordinal)) : null;
            var byEmail = row.Email.Length > 0 ? accounts.FirstOrDefault(a => string.Equals(a.NormalizedEmail, row.Email.ToUpperInvariant(), StringComparison.Ordinal)) : null;
            var error = duplicates.GetValueOrDefault(row.Line) ?? CheckCells(row, groups);
            if (error is null && byName is not null && byEmail is not null && byName.Id != byEmail.Id)
            {
                error = "The username and the email belong to two different accounts.";
            }

            var account = byName ?? byEmail;
            Membership? membership = null;
            if (error is null && account is not null && !memberships.TryGetValue(account.Id, out membership))
            {
                error = "An account with this username or email exists outside this organization; add it through Organizations.";
            }

            if (error is null && account is not null && byName is null && row.UserName.Length > 0)
            {
                error = "The email belongs to a member with another username; import cannot rename members.";
            }

            if (error is not null)
            {
                outcomes.Add(new(row.Line, row.Key, ImportVerdict.Error, error));
                continue;
            }

            if (account is null)
            {
                var check = MemberAdminService.Validate(new NewMember
                {
                    UserName = row.UserName, Email = row.Email, FirstName = row.FirstName, LastName = row.LastName,
                    DisplayName = row.DisplayName, SendActivationEmail = row.Email.Length > 0,
                });

                // A file carries no passwords. Without an email there is no activation link to send either: such a member
                // is created active and signs in with a temporary password from the help desk (decision 0007).
                check.Remove(nameof(NewMember.Password));
                var rank = ParseRank(row.Rank) ?? MemberRank.Regular;
                var refusal = check.Count > 0 ? string.Join(" ", check.Select(c => $"{Label(c.Key)}: {c.Value[0]}"))
                    : rank != MemberRank.Regular && actor.Rank != MemberRank.Super ? "Only a SUPER admin can import members as ADMIN or SUPER."
                    : GroupRefusal(actor, SplitGroups(row.Groups), grantingGroups);
                if (refusal is not null)
                {
                    outcomes.Add(new(row.Line, row.Key, ImportVerdict.Error, refusal));
                    continue;
                }

                outcomes.Add(new(row.Line, row.Key, ImportVerdict.Create, row.Email.Length > 0
                    ? $"New {rank.ToString().ToUpperInvariant()} member, pending activation."
                    : $"New {rank.ToString().ToUpperInvariant()} member without email: they sign in with a temporary password from the help desk."));
                if (apply)
                {
                    Create(op, row, rank, groups);
                    created++;
                }

                continue;
            }

            var (changes, denied) = await ChangesAsync(op, row, account, membership!, grantingGroups, activeSupers, ct);
            if (denied is not null)
            {
                outcomes.Add(new(row.Line, row.Key, ImportVerdict.Error, denied));
            }
            else if (changes.Count == 0)
            {
                outcomes.Add(new(row.Line, row.Key, ImportVerdict.Unchanged, "Already as in the file."));
            }
            else
            {
                outcomes.Add(new(row.Line, row.Key, ImportVerdict.Update, "Changes " + string.Join(", ", changes.Keys) + "."));
                if (apply)
                {
                    Update(op, row, account, membership!, groups, changes);
                }
            }
        }

        if (apply && created > 0)
        {
            await op.Db.Organizations.Where(o => o.Id == actor.OrganizationId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount + created), ct);
        }

        return outcomes;
    }

    private static string? CheckCells(ImportRow row, Dictionary<string, Guid> groups)
    {
        if (row.UserName.Length == 0 && row.Email.Length == 0)
        {
            return "Give a username or an email.";
        }

        if (row.Rank.Length > 0 && ParseRank(row.Rank) is null)
        {
            return $"Rank \"{row.Rank}\" is not one of REGULAR, ADMIN, SUPER.";
        }

        if (row.Tag.Length > 0 && ParseTag(row.Tag) is null)
        {
            return $"Tag \"{row.Tag}\" is not USER or GUEST.";
        }

        var unknown = SplitGroups(row.Groups).Where(g => !groups.ContainsKey(g)).ToList();
        if (unknown.Count > 0)
        {
            return $"No group named {string.Join(", ", unknown.Select(g => $"\"{g}\""))} in this organization.";
        }

        var longValue = row.Properties.FirstOrDefault(p => p.Value.Length > CustomProperty.ValueMaxLength);
        return longValue.Key is not null ? $"Property {longValue.Key} is longer than {CustomProperty.ValueMaxLength} characters." : null;
    }

    /// <summary>
    /// DESIGN.md: putting a member in groups takes manage_groups, and nobody grants a permission they do not hold —
    /// an import places members in groups as the member page does (MemberAccessService), so the same rules apply.
    /// </summary>
    private static string? GroupRefusal(ActingMember actor, IEnumerable<string> names, Dictionary<string, Group> groups)
    {
        var placed = names.ToList();
        if (placed.Count > 0 && !actor.Has(PortalPermissions.ManageGroups))
        {
            return $"You need the {PortalPermissions.ManageGroups} permission to put members in groups.";
        }

        return placed.Select(n => GroupGrants.Check(actor, groups[n])).FirstOrDefault(d => !d.Allowed)?.Reason;
    }

    private static async Task<(Dictionary<string, (object?, object?)> Changes, string? Denied)> ChangesAsync(
        OperationContext op, ImportRow row, Account account, Membership membership, Dictionary<string, Group> grantingGroups, int activeSupers, CancellationToken ct)
    {
        var groups = grantingGroups.ToDictionary(g => g.Key, g => g.Value.Id, StringComparer.OrdinalIgnoreCase);
        var actor = op.Actor!;
        var changes = new Dictionary<string, (object?, object?)>();
        void Compare(string field, string? before, string after)
        {
            if (after.Length > 0 && !string.Equals(before ?? "", after, StringComparison.Ordinal))
            {
                changes[field] = (before, after);
            }
        }

        Compare("email", account.Email, row.Email);
        Compare("firstName", account.FirstName, row.FirstName);
        Compare("lastName", account.LastName, row.LastName);
        Compare("displayName", account.DisplayName, row.DisplayName);
        if (ParseTag(row.Tag) is { } tag && tag != membership.Tag)
        {
            changes["tag"] = (membership.Tag.ToString().ToUpperInvariant(), tag.ToString().ToUpperInvariant());
        }

        var newGroups = SplitGroups(row.Groups).Where(g => membership.Groups.All(m => m.GroupId != groups[g])).ToList();
        if (newGroups.Count > 0)
        {
            changes["groups"] = (null, string.Join("; ", newGroups));
        }

        foreach (var (key, value) in row.Properties)
        {
            Compare(PropertyPrefix + key, account.CustomProperties.FirstOrDefault(p => p.Key == key)?.Value, value);
        }

        var target = new TargetMember(account.Id, membership.Rank, membership.Rank == MemberRank.Super && !membership.IsSuspended && activeSupers <= 1);
        var rank = ParseRank(row.Rank);
        if (rank is { } r && r != membership.Rank)
        {
            var decision = AccessRules.Check(actor, MemberAction.ChangeRank, target, r);
            if (!decision.Allowed)
            {
                return (changes, decision.Reason);
            }

            changes["rank"] = (membership.Rank.ToString().ToUpperInvariant(), r.ToString().ToUpperInvariant());
        }

        var edit = changes.Keys.Any(k => k is not ("rank" or "groups")) ? AccessRules.Check(actor, MemberAction.EditProfile, target) : Decision.Allow;
        if (edit.Allowed && changes.Keys.Any(k => k is "email" or "firstName" or "lastName" or "displayName" || k.StartsWith(PropertyPrefix, StringComparison.Ordinal)))
        {
            // The account's own data (email, names, properties) is account-wide: the import may change it only where the
            // member page could, i.e. when the actor may edit the account in every organization it belongs to.
            edit = await MemberTargets.CheckAccountWideAsync(op.Db, actor, account.Id, MemberAction.EditProfile, ct);
        }

        var regroup = changes.ContainsKey("groups") ? AccessRules.Check(actor, MemberAction.ChangeGroups, target) : Decision.Allow;
        if (regroup.Allowed && GroupRefusal(actor, newGroups, grantingGroups) is { } grant)
        {
            regroup = Decision.Deny(grant);
        }

        // What the row changes meets the create form's rules: the email and the names.
        var check = MemberAdminService.Validate(new NewMember
        {
            UserName = "valid", Email = row.Email, FirstName = row.FirstName, LastName = row.LastName, DisplayName = row.DisplayName, SendActivationEmail = true,
        });
        var invalid = changes.ContainsKey("email") && check.ContainsKey(nameof(NewMember.Email))
            ? "The email is not a valid address."
            : ChangedNameFields.Where(f => changes.ContainsKey(f.Change) && check.ContainsKey(f.Field))
                .Select(f => $"{Label(f.Field)}: {check[f.Field][0]}").FirstOrDefault();
        return (changes, edit.Reason ?? regroup.Reason ?? invalid);
    }

    private static void Create(OperationContext op, ImportRow row, MemberRank rank, Dictionary<string, Guid> groups)
    {
        var first = row.FirstName;
        var last = row.LastName;
        var email = AccountEmail.Clean(row.Email);
        var account = new Account
        {
            Id = Guid.NewGuid(),
            UserName = row.UserName,
            NormalizedUserName = row.UserName.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email?.ToUpperInvariant(),
            FirstName = first,
            LastName = last,
            DisplayName = row.DisplayName.Length > 0 ? row.DisplayName : $"{first} {last}".Trim() is { Length: > 0 } full ? full : row.UserName,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            IsActivated = email is null,
            ActivatedAt = email is null ? op.Now : null,
            CreatedAt = op.Now,
            CustomProperties = row.Properties.Select(p => new CustomProperty { Key = p.Key, Value = p.Value }).ToList(),
        };
        var membership = new Membership
        {
            OrganizationId = op.Actor!.OrganizationId,
            Account = account,
            Rank = rank,
            Tag = ParseTag(row.Tag) ?? MemberTag.User,
            JoinedAt = op.Now,
            Groups = SplitGroups(row.Groups).Select(g => new GroupMember { GroupId = groups[g], AddedAt = op.Now }).ToList(),
        };
        op.Db.Users.Add(account);
        op.Db.Memberships.Add(membership);
        var record = op.Record("member.imported", $"{op.Actor.UserName} imported {account.UserName}", ActivityCategory.Admin, account.Id, account.UserName,
            new Dictionary<string, (object?, object?)> { ["username"] = (null, account.UserName), ["email"] = (null, account.Email), ["rank"] = (null, rank.ToString().ToUpperInvariant()) });
        op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.imported", record);
    }

    private static void Update(OperationContext op, ImportRow row, Account account, Membership membership, Dictionary<string, Guid> groups, Dictionary<string, (object?, object?)> changes)
    {
        if (changes.ContainsKey("email"))
        {
            account.Email = row.Email;
            account.NormalizedEmail = row.Email.ToUpperInvariant();
            account.EmailConfirmed = false;
            account.EmailConfirmedAt = null;
        }

        account.FirstName = changes.ContainsKey("firstName") ? row.FirstName : account.FirstName;
        account.LastName = changes.ContainsKey("lastName") ? row.LastName : account.LastName;
        account.DisplayName = changes.ContainsKey("displayName") ? row.DisplayName : account.DisplayName;
        account.ConcurrencyStamp = Guid.NewGuid().ToString();
        membership.Tag = ParseTag(row.Tag) ?? membership.Tag;
        membership.Rank = ParseRank(row.Rank) ?? membership.Rank;
        membership.Version = Guid.NewGuid().ToString("N");
        foreach (var name in SplitGroups(row.Groups).Where(g => membership.Groups.All(m => m.GroupId != groups[g])))
        {
            op.Db.GroupMembers.Add(new GroupMember { GroupId = groups[name], MembershipId = membership.Id, AddedAt = op.Now });
        }

        foreach (var (key, value) in row.Properties)
        {
            if (account.CustomProperties.FirstOrDefault(p => p.Key == key) is { } property)
            {
                property.Value = value;
            }
            else
            {
                account.CustomProperties.Add(new CustomProperty { AccountId = account.Id, Key = key, Value = value });
            }
        }

        var record = op.Record("member.updated", $"{op.Actor!.UserName} updated {account.UserName} by import", ActivityCategory.Admin, account.Id, account.UserName ?? "", changes);
        op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.updated", record);
    }

    private static IEnumerable<string> SplitGroups(string cell) =>
        cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase);

    private static MemberRank? ParseRank(string cell) => cell.ToUpperInvariant() switch
    {
        "REGULAR" => MemberRank.Regular,
        "ADMIN" => MemberRank.Admin,
        "SUPER" => MemberRank.Super,
        _ => null,
    };

    private static MemberTag? ParseTag(string cell) => cell.ToUpperInvariant() switch
    {
        "USER" => MemberTag.User,
        "GUEST" => MemberTag.Guest,
        _ => null,
    };

    private static string Label(string field) => field switch
    {
        nameof(NewMember.UserName) => "username",
        nameof(NewMember.Email) => "email",
        nameof(NewMember.FirstName) => "first_name",
        nameof(NewMember.LastName) => "last_name",
        _ => "display_name",
    };
}
