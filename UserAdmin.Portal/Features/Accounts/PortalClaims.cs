using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

public static class PortalClaims
{
    /// <summary>The organization the session currently acts in; chosen at sign-in, changed by the switcher.</summary>
    public const string Organization = "portal:org";

    /// <summary>Present while the account must change its password before doing anything else.</summary>
    public const string MustChangePassword = "portal:must_change_password";

    public const string DisplayName = "portal:display_name";

    public static Guid? AccountId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static Guid? OrganizationId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Organization), out var id) ? id : null;

    public static bool MustChangePasswordNow(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == MustChangePassword);
}

/// <summary>Adds the portal's claims whenever Identity builds a principal (sign-in and every security-stamp refresh).</summary>
internal sealed class PortalClaimsPrincipalFactory(UserManager<Account> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PortalClaims.MustChangePassword, "true"));
        }

        return identity;
    }
}
