using System.Text.RegularExpressions;
using Group = UserAdmin.Portal.Data.Group;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Organizations;

public sealed record NewOrganization(
    string Name,
    string DisplayName,
    string AdminUserName,
    string AdminEmail,
    string AdminPassword,
    bool AdminMustChangePassword);

/// <summary>An organization an instance operator creates, naming an existing account as its first SUPER.</summary>
public sealed record ExistingAdminOrganization(
    string Name,
    string DisplayName,
    string AdminLogin,
    Guid OperatorAccountId,
    string OperatorName,
    string? ClientAddress = null);

/// <summary>Creates an organization with its "Help desk" group and its first SUPER admin, in one transaction.</summary>
public sealed partial class OrganizationProvisioner(OperationRunner runner)
{
    public const string HelpDeskGroupName = "Help desk";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Slug();

    public Task<OperationResult<Guid>> CreateAsync(NewOrganization request, CancellationToken ct = default) =>
        runner.RunAsync<Guid>(null, null, async op =>
        {
            if ((await CheckNameAsync(op, request.Name, ct) ?? CheckDisplayName(request.DisplayName)) is { } refusal)
            {
                return OperationResult<Guid>.Fail(refusal);
            }

            var email = AccountEmail.Clean(request.AdminEmail);
            if (email is not null && await AccountEmail.IsTakenAsync(op.Db, op.Users.NormalizeEmail(email)!, null, ct))
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid($"An account with the email '{email}' already exists."));
            }

            var organization = AddOrganization(op, request.Name, request.DisplayName);

            var admin = new Account
            {
                Id = Guid.NewGuid(),
                UserName = request.AdminUserName,
                Email = email,
                EmailConfirmed = email is not null,
                EmailConfirmedAt = email is null ? null : op.Now,
                DisplayName = request.AdminUserName,
                CreatedAt = op.Now,
                IsActivated = true,
                ActivatedAt = op.Now,
                MustChangePassword = request.AdminMustChangePassword,
                LastPasswordChangeAt = op.Now,
            };
            var created = await op.Users.CreateAsync(admin, request.AdminPassword);
            if (!created.Succeeded)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid(
                    string.Join(" ", created.Errors.Select(e => e.Description))));
            }

            op.Db.Memberships.Add(new Membership
            {
                OrganizationId = organization.Id,
                AccountId = admin.Id,
                Rank = MemberRank.Super,
                JoinedAt = op.Now,
            });

            var orgContext = op.WithOrganization(organization.Id);
            orgContext.Record("organization.created", $"system created organization {organization.Name}", ActivityCategory.Admin);
            var record = orgContext.Record("member.added", $"system added {admin.UserName} as SUPER", ActivityCategory.Admin, admin.Id, admin.UserName!);
            orgContext.Notify(ChangeEntities.Organization, organization.Id.ToString(), "organization.created", record);
            return OperationResult<Guid>.Ok(organization.Id);
        }, ct);

    /// <summary>
    /// Creates an organization whose first SUPER is an existing account (by username or email), on an instance
    /// operator's request; the operator is named as the actor of its first records.
    /// </summary>
    public Task<OperationResult<Guid>> CreateWithExistingAdminAsync(ExistingAdminOrganization request, CancellationToken ct = default) =>
        runner.RunAsync<Guid>(null, request.ClientAddress, async op =>
        {
            if ((await CheckNameAsync(op, request.Name, ct) ?? CheckDisplayName(request.DisplayName)) is { } refusal)
            {
                return OperationResult<Guid>.Fail(refusal);
            }

            var login = (request.AdminLogin ?? "").Trim();
            var admin = login.Length is 0 or > 256 ? null : await OrganizationMembershipService.FindAccountAsync(op.Db, login, ct);
            if (admin is null)
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid(nameof(request.AdminLogin), $"There is no account with the username or email '{login}'."));
            }

            var organization = AddOrganization(op, request.Name, request.DisplayName);
            op.Db.Memberships.Add(new Membership { OrganizationId = organization.Id, AccountId = admin.Id, Rank = MemberRank.Super, JoinedAt = op.Now });
            var orgContext = op.WithOrganization(organization.Id);
            orgContext.Record("organization.created", $"{request.OperatorName} created organization {organization.Name}", ActivityCategory.Admin,
                actorAccountId: request.OperatorAccountId, actorName: request.OperatorName);
            var record = orgContext.Record("member.added", $"{request.OperatorName} added {admin.UserName} as SUPER", ActivityCategory.Admin, admin.Id, admin.UserName!,
                actorAccountId: request.OperatorAccountId, actorName: request.OperatorName);
            orgContext.Notify(ChangeEntities.Organization, organization.Id.ToString(), "organization.created", record);
            return OperationResult<Guid>.Ok(organization.Id);
        }, ct);

    private static async Task<OperationResult?> CheckNameAsync(OperationContext op, string name, CancellationToken ct)
    {
        if (!Slug().IsMatch(name ?? ""))
        {
            return OperationResult.Invalid(nameof(NewOrganization.Name),
                "An organization name is 1–64 lower-case letters, digits and dashes, starting and ending with a letter or digit.");
        }

        return await op.Db.Organizations.AnyAsync(o => o.Name == name, ct)
            ? OperationResult.Conflict($"An organization named '{name}' already exists.")
            : null;
    }

    /// <summary>An empty display name stands for the name; any other follows the rule of names people read.</summary>
    private static OperationResult? CheckDisplayName(string? displayName)
    {
        var trimmed = (displayName ?? "").Trim();
        var refusal = trimmed.Length > Organization.DisplayNameMaxLength ? $"At most {Organization.DisplayNameMaxLength} characters." : NameText.Refusal(trimmed);
        return refusal is null ? null : OperationResult.Invalid(nameof(NewOrganization.DisplayName), refusal);
    }

    /// <summary>The organization with its member count of one (its first SUPER) and its "Help desk" group.</summary>
    private static Organization AddOrganization(OperationContext op, string name, string? displayName)
    {
        var organization = new Organization
        {
            Id = Guid.NewGuid(),
            Name = name,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(),
            CreatedAt = op.Now,
            MemberCount = 1,
        };
        op.Db.Organizations.Add(organization);
        op.Db.Groups.Add(new Group
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            Name = HelpDeskGroupName,
            Description = "Resets passwords, forces password changes, unlocks accounts and reads activity, without admin rank.",
            CreatedAt = op.Now,
            Permissions = PortalPermissions.HelpDesk.Select(p => new GroupPermission { Permission = p }).ToList(),
        });

        return organization;
    }

    /// <summary>Checks a password against the Identity options and the portal's rules without an account.</summary>
    public static IReadOnlyList<string> PasswordProblems(string? password, string userName, IdentityOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(password))
        {
            problems.Add("no password is set");
            return problems;
        }

        if (password.Length < options.Password.RequiredLength)
        {
            problems.Add($"it is shorter than {options.Password.RequiredLength} characters");
        }

        problems.AddRange(Accounts.PasswordRules.Validate(userName, password).Errors.Select(e => e.Description));
        return problems;
    }
}
