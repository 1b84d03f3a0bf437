using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Members.Devices;

public sealed class SmartcardInput
{
    public string Number { get; set; } = "";
    public string? Label { get; set; }
}

public sealed record SmartcardRow(string Number, string? Label);

/// <summary>A member's smartcards and workstation usernames, each list read and replaced as a whole.</summary>
public sealed record MemberDevices(IReadOnlyList<SmartcardRow> Smartcards, IReadOnlyList<string> ComputerUsernames);

/// <summary>
/// Smartcards (numbers of digits with an optional label; never a PIN) and computer usernames. Both belong to the
/// account, so the rules are account-wide; both lists are saved whole, in one transaction, an empty list clearing.
/// </summary>
public sealed partial class MemberDeviceService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxSmartcards = 20;
    public const int MaxComputerUsernames = 50;
    public const int MinNumberLength = 4;

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex Digits();

    // An optional DOMAIN\ prefix, then letters, digits and . _ - (and a trailing $ for machine accounts).
    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9.-]{0,14}\\)?[A-Za-z0-9_][A-Za-z0-9._-]*\$?$")]
    private static partial Regex WorkstationName();

    /// <summary>What the activity feed may say of a card: its last four digits.</summary>
    public static string Mask(string number) => number.Length <= 4 ? "••••" : "••••" + number[^4..];

    public async Task<OperationResult<MemberDevices>> GetAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (_, membership, refusal) = await MemberOperation.LoadForReadingAsync(db, actor, accountId, ct);
        if (membership is null)
        {
            return MemberOperation.Fail<MemberDevices>(refusal);
        }

        var cards = await db.Smartcards.AsNoTracking().Where(s => s.AccountId == accountId).OrderBy(s => s.Id)
            .Select(s => new SmartcardRow(s.Number, s.Label)).ToListAsync(ct);
        var names = await db.ComputerUsernames.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.Id)
            .Select(c => c.Name).ToListAsync(ct);
        return OperationResult<MemberDevices>.Ok(new MemberDevices(cards, names));
    }

    public static Dictionary<string, string[]> Validate(IReadOnlyList<SmartcardInput> cards)
    {
        var errors = new Dictionary<string, string[]>();
        if (cards.Count > MaxSmartcards)
        {
            errors["Smartcards"] = [$"At most {MaxSmartcards} smartcards."];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cards.Count; i++)
        {
            var number = (cards[i].Number ?? "").Trim();
            if (number.Length < MinNumberLength || number.Length > Smartcard.NumberMaxLength || !Digits().IsMatch(number))
            {
                errors[$"Smartcards[{i}].Number"] = [$"{MinNumberLength}–{Smartcard.NumberMaxLength} digits, nothing else."];
            }
            else if (!seen.Add(number))
            {
                errors[$"Smartcards[{i}].Number"] = ["This number is already in the list."];
            }

            var label = cards[i].Label ?? "";
            if (label.Length > Smartcard.LabelMaxLength)
            {
                errors[$"Smartcards[{i}].Label"] = [$"At most {Smartcard.LabelMaxLength} characters."];
            }
            else if (label.Any(char.IsControl))
            {
                errors[$"Smartcards[{i}].Label"] = ["Control characters are not allowed."];
            }
        }

        return errors;
    }

    public static Dictionary<string, string[]> Validate(IReadOnlyList<string> names)
    {
        var errors = new Dictionary<string, string[]>();
        if (names.Count > MaxComputerUsernames)
        {
            errors["ComputerUsernames"] = [$"At most {MaxComputerUsernames} computer usernames."];
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            var name = (names[i] ?? "").Trim();
            if (name.Length is 0 or > ComputerUsername.MaxLength || !WorkstationName().IsMatch(name))
            {
                errors[$"ComputerUsernames[{i}]"] = [$"1–{ComputerUsername.MaxLength} characters: letters, digits, '.', '_', '-', an optional DOMAIN\\ in front and a $ at the end."];
            }
            else if (!seen.Add(name))
            {
                errors[$"ComputerUsernames[{i}]"] = ["This name is already in the list (names are compared ignoring case)."];
            }
        }

        return errors;
    }

    /// <summary>Replaces the member's smartcards. A number held by another member of this organization is refused unless <paramref name="allowDuplicates"/>.</summary>
    public Task<OperationResult<bool>> ReplaceSmartcardsAsync(
        Actor actor, Guid accountId, IReadOnlyList<SmartcardInput> cards, bool allowDuplicates, string expectedAccountVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var errors = Validate(cards);
            if (errors.Count > 0)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some smartcards need attention.", errors));
            }

            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.EditProfile, expectedAccountVersion: expectedAccountVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var wanted = cards.Select(c => new SmartcardRow(c.Number.Trim(), string.IsNullOrWhiteSpace(c.Label) ? null : c.Label.Trim())).ToList();
            var numbers = wanted.Select(c => c.Number).ToList();
            if (!allowDuplicates && numbers.Count > 0)
            {
                var organizationId = membership.OrganizationId;
                var held = await op.Db.Smartcards
                    .Where(s => numbers.Contains(s.Number) && s.AccountId != accountId
                        && op.Db.Memberships.Any(m => m.AccountId == s.AccountId && m.OrganizationId == organizationId))
                    .Select(s => new { s.Number, Holder = op.Db.Users.Where(a => a.Id == s.AccountId).Select(a => a.UserName).First() })
                    .ToListAsync(ct);
                if (held.Count > 0)
                {
                    var clashes = held.ToLookup(h => h.Number, h => h.Holder);
                    var fieldErrors = wanted
                        .Select((c, i) => (c, i))
                        .Where(x => clashes.Contains(x.c.Number))
                        .ToDictionary(
                            x => $"Smartcards[{x.i}].Number",
                            x => new[] { $"Already held by {string.Join(", ", clashes[x.c.Number])}. Tick \"Allow duplicates\" to give it to this member too." });
                    return OperationResult<bool>.Fail(OperationResult.Invalid("A smartcard number is already held by another member.", fieldErrors));
                }
            }

            var current = await op.Db.Smartcards.Where(s => s.AccountId == accountId).OrderBy(s => s.Id).ToListAsync(ct);
            var before = current.Select(c => new SmartcardRow(c.Number, c.Label)).ToList();
            if (before.SequenceEqual(wanted))
            {
                return OperationResult<bool>.Ok(false);
            }

            op.Db.Smartcards.RemoveRange(current);
            op.Db.Smartcards.AddRange(wanted.Select(c => new Smartcard { AccountId = accountId, Number = c.Number, Label = c.Label }));
            var account = membership.Account!;
            MemberOperation.Touch(account);
            var name = account.UserName ?? "";
            var record = op.Record(
                "member.smartcards_replaced",
                wanted.Count == 0 ? $"{op.Actor!.UserName} cleared {name}'s smartcards" : $"{op.Actor!.UserName} changed {name}'s smartcards",
                ActivityCategory.Security,
                accountId,
                name,
                new Dictionary<string, (object?, object?)> { ["smartcards"] = (Describe(before), Describe(wanted)) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.smartcards_replaced", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>Replaces the member's computer (workstation) usernames; an empty list clears them.</summary>
    public Task<OperationResult<bool>> ReplaceComputerUsernamesAsync(
        Actor actor, Guid accountId, IReadOnlyList<string> names, string expectedAccountVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var errors = Validate(names);
            if (errors.Count > 0)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some computer usernames need attention.", errors));
            }

            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.EditProfile, expectedAccountVersion: expectedAccountVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var wanted = names.Select(n => n.Trim()).ToList();
            var current = await op.Db.ComputerUsernames.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.Id).ToListAsync(ct);
            var before = current.Select(c => c.Name).ToList();
            if (before.SequenceEqual(wanted, StringComparer.Ordinal))
            {
                return OperationResult<bool>.Ok(false);
            }

            // Deleted first in their own statement, so a name kept in other letter case never meets the unique index.
            await op.Db.ComputerUsernames.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(ct);
            op.Db.ComputerUsernames.AddRange(wanted.Select(n => new ComputerUsername { AccountId = accountId, Name = n }));
            var account = membership.Account!;
            MemberOperation.Touch(account);
            var name = account.UserName ?? "";
            var record = op.Record(
                "member.computer_usernames_replaced",
                wanted.Count == 0 ? $"{op.Actor!.UserName} cleared {name}'s computer usernames" : $"{op.Actor!.UserName} changed {name}'s computer usernames",
                ActivityCategory.Admin,
                accountId,
                name,
                new Dictionary<string, (object?, object?)> { ["computerUsernames"] = (string.Join(", ", before), string.Join(", ", wanted)) });
            op.Notify(ChangeEntities.Member, accountId.ToString(), "member.computer_usernames_replaced", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    private static string Describe(IEnumerable<SmartcardRow> cards) =>
        string.Join(", ", cards.Select(c => c.Label is null ? Mask(c.Number) : $"{Mask(c.Number)} ({c.Label})"));
}
