using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Hosting;

/// <summary>
/// The portal's authorization policies, all in one place. Pages use <c>[Authorize(Policy = PortalPolicies.X)]</c>;
/// each requirement is checked against the database on every evaluation, so a demotion or suspension
/// takes effect on the next navigation. Services re-check again for every operation.
/// </summary>
public static class PortalPolicies
{
    /// <summary>An active member of the session's organization who has no pending forced password change.</summary>
    public const string Member = "member";

    public const string ViewUsersPolicy = "perm:" + PortalPermissions.ViewUsers;
    public const string ManageUsersPolicy = "perm:" + PortalPermissions.ManageUsers;
    public const string ResetPasswordsPolicy = "perm:" + PortalPermissions.ResetPasswords;
    public const string ManageGroupsPolicy = "perm:" + PortalPermissions.ManageGroups;
    public const string ViewActivityPolicy = "perm:" + PortalPermissions.ViewActivity;

    public static string For(string permission) => "perm:" + permission;

    public static void AddPortalAuthorization(this IServiceCollection services)
    {
        var builder = services.AddAuthorizationBuilder()
            .AddPolicy(Member, p => p.RequireAuthenticatedUser().AddRequirements(new MemberRequirement(null)));
        foreach (var permission in PortalPermissions.All)
        {
            builder.AddPolicy(For(permission), p => p.RequireAuthenticatedUser().AddRequirements(new MemberRequirement(permission)));
        }

        services.AddScoped<IAuthorizationHandler, MemberRequirementHandler>();
    }
}

public sealed record MemberRequirement(string? Permission) : IAuthorizationRequirement;

internal sealed class MemberRequirementHandler(IDbContextFactory<PortalDbContext> dbFactory) : AuthorizationHandler<MemberRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MemberRequirement requirement)
    {
        if (context.User.AccountId() is not { } accountId
            || context.User.OrganizationId() is not { } organizationId
            || context.User.MustChangePasswordNow())
        {
            return;
        }

        var member = await ActingMemberLoader.LoadForReadingAsync(dbFactory, accountId, organizationId);
        if (member is not null && (requirement.Permission is null || member.Has(requirement.Permission)))
        {
            context.Succeed(requirement);
        }
    }
}
