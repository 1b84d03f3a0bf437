using System.Text.RegularExpressions;
using Group = UserAdmin.Portal.Data.Group;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
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

/// <summary>Creates an organization with its "Help desk" group and its first SUPER admin, in one transaction.</summary>
public sealed partial class OrganizationProvisioner(OperationRunner runner)
{
    public const string HelpDeskGroupName = "Help desk";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Slug();

    public Task<OperationResult<Guid>> CreateAsync(NewOrganization request, CancellationToken ct = default) =>
        runner.RunAsync<Guid>(null, null, async op =>
        {
            if (!Slug().IsMatch(request.Name))
            {
                return OperationResult<Guid>.Fail(OperationResult.Invalid(nameof(request.Name),
                    "An organization name is 1–64 lower-case letters, digits and dashes, starting and ending with a letter or digit."));
            }

            if (await op.Db.Organizations.AnyAsync(o => o.Name == request.Name, ct))
            {
                return OperationResult<Guid>.Fail(OperationResult.Conflict($"An organization named '{request.Name}' already exists."));
            }

            var organization = new Organization
            {
                Id = Guid.NewGuid(),
                Name = request.Name,
                DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.Name : request.DisplayName.Trim(),
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

            var admin = new Account
            {
                Id = Guid.NewGuid(),
                UserName = request.AdminUserName,
                Email = request.AdminEmail,
                EmailConfirmed = true,
                EmailConfirmedAt = op.Now,
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
