using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Components.Account;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;

namespace UserAdmin.Portal.Hosting;

internal static class IdentityExtensions
{
    public static void AddPortalIdentity(this WebApplicationBuilder builder, PortalOptions portal)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<IdentityRedirectManager>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.AddIdentityCore<Account>(options =>
            {
                // Identity's check would refuse an account without an email; the services check that a present one
                // is unique instead, in the transaction that writes it (AccountEmail, decision 0007).
                options.User.RequireUniqueEmail = false;
                options.SignIn.RequireConfirmedAccount = false;

                // ASVS v5: length, not composition. PasswordRules adds the maximum and the blocklist.
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;

                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = portal.Lockout.MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(portal.Lockout.Minutes);
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddPasswordValidator<PasswordRules>();

        // ASVS v5 11.4.2: PBKDF2-HMAC-SHA256 with at least 210,000 iterations (Identity's default is 100,000).
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = PasswordHashing.Iterations);
        services.AddSingleton<DummyPasswordHash>();

        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            // A refreshed principal is rebuilt from the database; keep the organization the session acts in.
            o.OnRefreshingPrincipal = context =>
            {
                var org = context.CurrentPrincipal?.FindFirst(PortalClaims.Organization);
                if (org is not null && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                {
                    identity.AddClaim(org);
                }

                return Task.CompletedTask;
            };
        });

        services.ConfigureApplicationCookie(o =>
        {
            // __Host- cookies must be Secure, so the prefix is used only where HTTPS is required.
            o.Cookie.Name = development ? "UserAdmin.Auth" : "__Host-UserAdmin.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
            o.ExpireTimeSpan = TimeSpan.FromHours(portal.SessionHours);
            o.SlidingExpiration = true;
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
        });

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = development ? "UserAdmin.Antiforgery" : "__Host-UserAdmin.Antiforgery";
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddPortalAuthorization();
    }
}
