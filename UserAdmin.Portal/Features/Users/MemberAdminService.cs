using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Users;

/// <summary>
/// What an admin fills in to create a member: either a password or an activation email. The email is optional, but an
/// activation email needs one (decision 0007).
/// </summary>
public sealed class NewMember
{
    public string UserName { get; set; } = "";
    public string Email { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? DisplayName { get; set; }
    public bool SendActivationEmail { get; set; }
    public string? Password { get; set; }
    public bool MustChangePassword { get; set; } = true;
    public MemberTag Tag { get; set; } = MemberTag.User;
}

/// <summary>Creating members of the actor's organization.</summary>
public sealed partial class MemberAdminService(OperationRunner runner, ActivationService activation)
{
    public const int UserNameMaxLength = 64;

    /// <summary>Nobody could get into an account with neither an email nor a password (decision 0007).</summary>
    public const string NoEmailNoPassword =
        "Without an email address the member cannot get an activation email: set an initial password, or enter their email.";

    public const string NoEmailForActivation = "An activation email needs an email address: enter one, or set an initial password.";

    // ASCII only: letters, digits, dot, dash, underscore. Look-alike characters from other scripts cannot spoof a name.
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9._-]{1,62}[a-z0-9])?$")]
    private static partial Regex UserNamePattern();

    /// <summary>Field errors for a new member, as the form and the API show them; empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(NewMember m)
    {
        var errors = new Dictionary<string, string[]>();
        var userName = (m.UserName ?? "").Trim().ToLowerInvariant();
        // The pattern refuses every non-ASCII character; the shared rule first names an invisible or control one.
        if (NameText.Refusal(userName) is { } character)
        {
            errors[nameof(NewMember.UserName)] = [character];
        }
        else if (userName.Length < 3 || !UserNamePattern().IsMatch(userName))
        {
            errors[nameof(NewMember.UserName)] = ["3–64 characters: lower-case letters, digits, '.', '-' and '_', starting and ending with a letter or digit."];
        }

        var email = AccountEmail.Clean(m.Email);
        if (email is not null && !AccountEmail.IsValid(email))
        {
            errors[nameof(NewMember.Email)] = [AccountEmail.InvalidAddress];
        }

        foreach (var (field, value) in new[] { (nameof(NewMember.FirstName), m.FirstName), (nameof(NewMember.LastName), m.LastName), (nameof(NewMember.DisplayName), m.DisplayName) })
        {
            if ((value ?? "").Length > Account.NameMaxLength)
            {
                errors[field] = [$"At most {Account.NameMaxLength} characters."];
            }
            else if (NameText.Refusal(value) is { } refusal)
            {
                errors[field] = [refusal];
            }
        }

        if (m.SendActivationEmail && email is null)
        {
            errors[nameof(NewMember.Email)] = [NoEmailForActivation];
        }
        else if (!m.SendActivationEmail && string.IsNullOrEmpty(m.Password))
        {
            errors[nameof(NewMember.Password)] = [email is null ? NoEmailNoPassword : "Set an initial password, or choose to send an activation email."];
        }

        // JSON may carry an enum as any number ("tag": 99); only the defined tags may be stored.
        if (!Enum.IsDefined(m.Tag))
        {
            errors[nameof(NewMember.Tag)] = ["Choose User or Guest."];
        }

        return errors;
    }

    /// <summary>
    /// Creates the member; with <see cref="NewMember.SendActivationEmail"/> the activation link is issued and sent after
    /// the member is committed. If that fails the member still exists, and the Ok result's message tells the admin to resend.
    /// </summary>
    public async Task<OperationResult<Guid>> CreateAsync(Actor actor, NewMember request, CancellationToken ct = default)
    {
        var created = await CreateMemberAsync(actor, request, ct);
        if (!created.Succeeded || !request.SendActivationEmail)
        {
            return created;
        }

        var sent = await activation.SendActivationAsync(actor, created.Value, ct);
        return sent.Succeeded && sent.Value!.Sent
            ? created
            : created with { Message = sent.Succeeded ? sent.Message : $"The member was created, but no activation email was sent: {sent.Message} Use \"Resend activation\" later." };
    }

    private Task<OperationResult<Guid>> CreateMemberAsync(Actor actor, NewMember request, CancellationToken ct) =>
        runner.RunAsMemberAsync<Guid>(actor, PortalPermissions.ManageUsers, async op =>
        {
            var errors = Validate(request);
            if (errors.Count > 0)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            var userName = request.UserName.Trim().ToLowerInvariant();
            var email = AccountEmail.Clean(request.Email);
            if (await op.Users.FindByNameAsync(userName) is not null)
            {
                return OperationResult<Guid>.Fail(OperationResult.Taken(nameof(NewMember.UserName), $"The username '{userName}' is already taken."));
            }

            if (email is not null && await AccountEmail.IsTakenAsync(op.Db, op.Users.NormalizeEmail(email)!, null, ct))
            {
                return OperationResult<Guid>.Fail(OperationResult.Taken(nameof(NewMember.Email), $"An account with the email '{email}' already exists."));
            }

            var first = request.FirstName.Trim();
            var last = request.LastName.Trim();
            var account = new Account
            {
                Id = Guid.NewGuid(),
                UserName = userName,
                Email = email,
                FirstName = first,
                LastName = last,
                DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? $"{first} {last}".Trim() is { Length: > 0 } full ? full : userName : request.DisplayName.Trim(),
                CreatedAt = op.Now,
                IsActivated = !request.SendActivationEmail,
                ActivatedAt = request.SendActivationEmail ? null : op.Now,
                MustChangePassword = !request.SendActivationEmail && request.MustChangePassword,
                LastPasswordChangeAt = request.SendActivationEmail ? null : op.Now,
            };

            var created = request.SendActivationEmail
                ? await op.Users.CreateAsync(account)
                : await op.Users.CreateAsync(account, request.Password!);
            if (!created.Succeeded)
            {
                var field = created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? nameof(NewMember.Password)
                    : created.Errors.Any(e => e.Code.Contains("Email", StringComparison.Ordinal)) ? nameof(NewMember.Email)
                    : nameof(NewMember.UserName);
                // Identity's own uniqueness check (DuplicateUserName, DuplicateEmail) catches a name taken since the check above.
                var taken = created.Errors.Any(e => e.Code.StartsWith("Duplicate", StringComparison.Ordinal));
                return OperationResult<Guid>.Fail(OperationResult.Invalid(field, string.Join(" ", created.Errors.Select(e => e.Description))) with { InUse = taken });
            }

            op.Db.Memberships.Add(new Membership
            {
                OrganizationId = actor.OrganizationId,
                AccountId = account.Id,
                Rank = MemberRank.Regular,
                Tag = request.Tag,
                JoinedAt = op.Now,
            });
            await op.Db.Organizations.Where(o => o.Id == actor.OrganizationId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount + 1), ct);

            var how = request.SendActivationEmail ? "pending activation" : request.MustChangePassword ? "with a password to change at first sign-in" : "with a password";
            var record = op.Record(
                "member.created",
                $"{op.Actor!.UserName} created {userName} ({how})",
                ActivityCategory.Admin,
                account.Id,
                userName,
                new Dictionary<string, (object?, object?)>
                {
                    ["username"] = (null, userName),
                    ["email"] = (null, email),
                    ["tag"] = (null, request.Tag.ToString().ToUpperInvariant()),
                    ["activated"] = (null, account.IsActivated),
                    ["mustChangePassword"] = (null, account.MustChangePassword),
                });
            op.Notify(ChangeEntities.Member, account.Id.ToString(), "member.created", record);
            return OperationResult<Guid>.Ok(account.Id);
        }, ct);
}
