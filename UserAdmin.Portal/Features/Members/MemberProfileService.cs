using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Members;

public sealed class ProfileInput
{
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>The address; empty removes it (decision 0007), and null leaves it as it is.</summary>
    public string? Email { get; set; } = "";
}

public sealed class PropertyInput
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>
/// What a profile save did: whether anything changed, whether the email changed (and so now waits for confirmation),
/// and, in <see cref="ConfirmationProblem"/>, why a confirmation email did not leave.
/// </summary>
public sealed record ProfileSaved(bool Changed, bool EmailChanged, bool ConfirmationSent = false, string? ConfirmationProblem = null);

/// <summary>A member's names, email and custom properties. Account-wide data: the rules check every organization.</summary>
public sealed partial class MemberProfileService(
    OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory, EmailConfirmationService confirmations, IEmailSender email)
{
    public const int MaxProperties = 50;

    public const string PendingNeedsEmail =
        "This account is pending activation, and the activation link goes to its email address, so the address cannot be removed.";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex PropertyKeyPattern();

    public static Dictionary<string, string[]> Validate(ProfileInput input)
    {
        // The create form's rules for names and email are the rules here too.
        var asNew = new NewMember { UserName = "placeholder", Email = input.Email ?? "", FirstName = input.FirstName, LastName = input.LastName, DisplayName = input.DisplayName, Password = "x" };
        var errors = MemberAdminService.Validate(asNew);
        errors.Remove(nameof(NewMember.UserName));
        errors.Remove(nameof(NewMember.Password));
        return errors;
    }

    public static Dictionary<string, string[]> Validate(IReadOnlyList<PropertyInput> properties)
    {
        var errors = new Dictionary<string, string[]>();
        if (properties.Count > MaxProperties)
        {
            errors["Properties"] = [$"At most {MaxProperties} custom properties."];
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < properties.Count; i++)
        {
            var key = (properties[i].Key ?? "").Trim();
            var value = properties[i].Value ?? "";
            if (!PropertyKeyPattern().IsMatch(key))
            {
                errors[$"Properties[{i}].Key"] = ["1–64 characters: letters, digits, '_', '.' and '-', starting with a letter."];
            }
            else if (!seen.Add(key))
            {
                errors[$"Properties[{i}].Key"] = [$"'{key}' is already in the list."];
            }

            if (value.Length > CustomProperty.ValueMaxLength)
            {
                errors[$"Properties[{i}].Value"] = [$"At most {CustomProperty.ValueMaxLength} characters."];
            }
            else if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
            {
                errors[$"Properties[{i}].Value"] = ["Control characters are not allowed."];
            }
        }

        return errors;
    }

    /// <summary>
    /// Saves names and email. A changed email is unconfirmed, ends the links sent to the old address, and (for an
    /// active account) gets a confirmation link, emailed after commit. An empty email removes the address, except from
    /// an account pending activation, whose activation link needs it.
    /// </summary>
    public async Task<OperationResult<ProfileSaved>> UpdateProfileAsync(
        Actor actor, Guid accountId, ProfileInput input, string expectedAccountVersion, CancellationToken ct = default)
    {
        EmailMessage? confirmation = null;
        var result = await runner.RunAsMemberAsync<ProfileSaved>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var errors = Validate(input);
            if (errors.Count > 0)
            {
                return OperationResult<ProfileSaved>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.EditProfile, expectedAccountVersion: expectedAccountVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<ProfileSaved>(refusal);
            }

            var account = membership.Account!;
            var first = input.FirstName.Trim();
            var last = input.LastName.Trim();
            var display = string.IsNullOrWhiteSpace(input.DisplayName) ? $"{first} {last}".Trim() is { Length: > 0 } full ? full : account.UserName ?? "" : input.DisplayName.Trim();
            var current = AccountEmail.Clean(account.Email);
            var email = input.Email is null ? current : AccountEmail.Clean(input.Email);
            var diff = new Dictionary<string, (object?, object?)>();
            Compare(diff, "firstName", account.FirstName, first);
            Compare(diff, "lastName", account.LastName, last);
            Compare(diff, "displayName", account.DisplayName, display);
            var emailChanged = !string.Equals(current, email, StringComparison.Ordinal);
            if (diff.Count == 0 && !emailChanged)
            {
                return OperationResult<ProfileSaved>.Ok(new ProfileSaved(false, false));
            }

            if (emailChanged && email is null && ActivationService.StateOf(account) == ActivationState.Pending)
            {
                return OperationResult<ProfileSaved>.Fail(OperationResult.Invalid(nameof(ProfileInput.Email), PendingNeedsEmail));
            }

            if (emailChanged && email is not null && await AccountEmail.IsTakenAsync(op.Db, op.Users.NormalizeEmail(email)!, account.Id, ct))
            {
                return OperationResult<ProfileSaved>.Fail(OperationResult.Invalid(nameof(ProfileInput.Email), $"Another account already uses {email}."));
            }

            if (emailChanged)
            {
                diff["email"] = (account.Email, email);
                diff["emailConfirmed"] = (account.EmailConfirmed, false);
                account.Email = email;
                account.NormalizedEmail = op.Users.NormalizeEmail(email);
                account.EmailConfirmed = false;
                account.EmailConfirmedAt = null;

                // Links sent to the old address (reset, confirmation) stop working.
                account.SecurityStamp = Guid.NewGuid().ToString("N");
                confirmation = await confirmations.AddressChangedAsync(op, account, ct);
            }

            account.FirstName = first;
            account.LastName = last;
            account.DisplayName = display;
            MemberOperation.Touch(account);

            var name = account.UserName ?? "";
            var record = op.Record(
                "member.profile_updated",
                emailChanged ? $"{op.Actor!.UserName} changed {name}'s profile and email" : $"{op.Actor!.UserName} changed {name}'s profile",
                ActivityCategory.Admin,
                account.Id,
                name,
                diff);
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.profile_updated", record);
            return OperationResult<ProfileSaved>.Ok(new ProfileSaved(true, emailChanged));
        }, ct);

        if (!result.Succeeded || confirmation is null)
        {
            return result;
        }

        var delivery = await email.SendAsync(confirmation, ct);
        return OperationResult<ProfileSaved>.Ok(result.Value! with { ConfirmationSent = delivery.Sent, ConfirmationProblem = delivery.Problem });
    }

    public async Task<IReadOnlyList<PropertyInput>> GetPropertiesAsync(Actor actor, Guid accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (_, membership, _) = await MemberOperation.LoadForReadingAsync(db, actor, accountId, ct);
        if (membership is null)
        {
            return [];
        }

        return await db.CustomProperties.AsNoTracking()
            .Where(p => p.AccountId == accountId)
            .OrderBy(p => p.Key)
            .Select(p => new PropertyInput { Key = p.Key, Value = p.Value })
            .ToListAsync(ct);
    }

    /// <summary>Replaces the account's custom properties with <paramref name="properties"/> as a whole list.</summary>
    public Task<OperationResult<bool>> ReplacePropertiesAsync(
        Actor actor, Guid accountId, IReadOnlyList<PropertyInput> properties, string expectedAccountVersion, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var errors = Validate(properties);
            if (errors.Count > 0)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some properties need attention.", errors));
            }

            var (membership, refusal) = await MemberOperation.LoadAsync(op, accountId, MemberAction.EditProfile, expectedAccountVersion: expectedAccountVersion, ct: ct);
            if (membership is null)
            {
                return MemberOperation.Fail<bool>(refusal);
            }

            var current = await op.Db.CustomProperties.Where(p => p.AccountId == accountId).ToListAsync(ct);
            var wanted = properties.ToDictionary(p => p.Key.Trim(), p => p.Value ?? "", StringComparer.Ordinal);
            var diff = new Dictionary<string, (object?, object?)>();
            foreach (var existing in current)
            {
                if (!wanted.TryGetValue(existing.Key, out var value))
                {
                    diff[$"prop.{existing.Key}"] = (existing.Value, null);
                    op.Db.Remove(existing);
                }
                else if (value != existing.Value)
                {
                    diff[$"prop.{existing.Key}"] = (existing.Value, value);
                    existing.Value = value;
                }
            }

            foreach (var (key, value) in wanted.Where(w => current.All(c => c.Key != w.Key)))
            {
                diff[$"prop.{key}"] = (null, value);
                op.Db.Add(new CustomProperty { AccountId = accountId, Key = key, Value = value });
            }

            if (diff.Count == 0)
            {
                return OperationResult<bool>.Ok(false);
            }

            var account = membership.Account!;
            MemberOperation.Touch(account);
            var name = account.UserName ?? "";
            var record = op.Record("member.properties_updated", $"{op.Actor!.UserName} changed {name}'s custom properties", ActivityCategory.Admin, account.Id, name, diff);
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.properties_updated", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    private static void Compare(Dictionary<string, (object?, object?)> diff, string field, string before, string after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            diff[field] = (before, after);
        }
    }
}
