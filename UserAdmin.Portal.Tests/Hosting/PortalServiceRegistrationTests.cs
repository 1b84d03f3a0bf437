using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>The security settings and lifetimes that AddPortal registers, read back from the real container.</summary>
public sealed class PortalServiceRegistrationTests(PortalServices portal) : IClassFixture<PortalServices>
{
    [Fact]
    public void TheChangeNotifierAndRunnerAreOneInstanceForEveryCircuit()
    {
        using var first = portal.Services.CreateScope();
        using var second = portal.Services.CreateScope();

        Assert.Same(first.ServiceProvider.GetRequiredService<IChangeNotifier>(), second.ServiceProvider.GetRequiredService<IChangeNotifier>());
        Assert.Same(first.ServiceProvider.GetRequiredService<OperationRunner>(), second.ServiceProvider.GetRequiredService<OperationRunner>());
        Assert.NotSame(first.ServiceProvider.GetRequiredService<PortalDbContext>(), second.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    [Fact]
    public void PasswordsFollowTheAppsRules()
    {
        var identity = portal.Get<IOptions<IdentityOptions>>().Value;
        using var scope = portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();

        Assert.Equal(PasswordRules.MinimumLength, identity.Password.RequiredLength);
        Assert.False(identity.Password.RequireDigit || identity.Password.RequireUppercase || identity.Password.RequireNonAlphanumeric);
        Assert.Contains(users.PasswordValidators, v => v is PasswordRules);
        Assert.Equal(PasswordHashing.Iterations, portal.Get<IOptions<PasswordHasherOptions>>().Value.IterationCount);
        Assert.True(PasswordHashing.Iterations >= 210_000);
    }

    [Fact]
    public void AccountsLockAfterFiveFailuresForFifteenMinutes()
    {
        var lockout = portal.Get<IOptions<IdentityOptions>>().Value.Lockout;

        Assert.Equal((true, 5, TimeSpan.FromMinutes(15)), (lockout.AllowedForNewUsers, lockout.MaxFailedAccessAttempts, lockout.DefaultLockoutTimeSpan));
    }

    [Fact]
    public void SessionsAreRecheckedEveryMinuteAndLastEightHoursOfActivity()
    {
        var cookie = portal.Get<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);

        Assert.Equal(TimeSpan.FromMinutes(1), portal.Get<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
        Assert.Equal(TimeSpan.FromHours(8), cookie.ExpireTimeSpan);
        Assert.True(cookie.SlidingExpiration);
        Assert.True(cookie.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, cookie.Cookie.SameSite);
        Assert.Equal("/Account/Login", cookie.LoginPath);
    }
}
