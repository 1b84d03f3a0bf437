using System.Net;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Tests.Features.Passwords;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Password guessing on the sign-in form: five failures lock the account that was guessed at (whether it was
/// named by username or by email), the right password is then refused with the same message, and nobody else is
/// affected. SignInTests proves the plain five-failures case and that four failures then the right password still work.
/// </summary>
public sealed class SignInBruteForceTests(AbuseHost host) : IClassFixture<AbuseHost>
{
    private const string Password = "amber-lantern-river-42";

    private async Task<string?> FailAsync(string login, string password)
    {
        using var client = host.Portal.CreateBrowser();
        using var response = await client.SignInAsync(login, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PortalHttp.ReadAlert(await response.Content.ReadAsStringAsync());
    }

    [Fact(DisplayName = "Brute force: 5 wrong passwords (by username and by email) lock that account; the right password then gets the generic message; a neighbour still signs in")]
    public async Task FiveGuessesLockTheRightAccount()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var victim = await host.Portal.Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, Password);
        var neighbour = await host.Portal.Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, Password);

        for (var guess = 0; guess < 5; guess++)
        {
            var login = guess % 2 == 0 ? victim.UserName : $"{victim.UserName}@portal.test";
            Assert.Equal(SignInOutcome.GenericFailure, await FailAsync(login, $"guess-number-{guess}-of-many"));
        }

        Assert.Equal(SignInOutcome.GenericFailure, await FailAsync(victim.UserName, Password));
        var locked = await host.Portal.Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == victim.AccountId));
        Assert.True(locked.LockoutEnd > host.Clock.GetUtcNow().AddMinutes(10), $"Locked until {locked.LockoutEnd}");
        Assert.Null(locked.LastSignInAt);
        var record = Assert.Single(await host.Portal.Database.ActivityForAsync(organization.Id), a => a.Verb == "account.locked_out");
        Assert.Equal(victim.AccountId, record.TargetAccountId);

        using var client = host.Portal.CreateBrowser();
        using var neighbourSignIn = await client.SignInAsync(neighbour.UserName, Password);
        Assert.Equal("/", neighbourSignIn.RedirectTarget());
        Assert.Null(await host.Portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == neighbour.AccountId).Select(a => a.LockoutEnd).SingleAsync()));
    }

    [Fact(DisplayName = "Brute force: guesses at an unknown username lock nothing and create no account or record")]
    public async Task GuessesAtAnUnknownName()
    {
        var accounts = await host.Portal.Database.QueryAsync(db => db.Users.CountAsync());
        var name = "ghost-" + Guid.NewGuid().ToString("N")[..8];

        for (var guess = 0; guess < 6; guess++)
        {
            Assert.Equal(SignInOutcome.GenericFailure, await FailAsync(name, $"guess-number-{guess}-of-many"));
        }

        Assert.Equal(accounts, await host.Portal.Database.QueryAsync(db => db.Users.CountAsync()));
        Assert.False(await host.Portal.Database.QueryAsync(db => db.Activity.AnyAsync(a => a.Title.Contains(name))));
    }
}

/// <summary>
/// Flooding the public forgot-password form from one address: after <c>ResetRequestsPerAddress</c> posts (4 here)
/// the answer is 429 with Retry-After, and one account never gets more than three emails in the window however often
/// it is named. ForgotPasswordPageTests and PasswordResetServiceTests prove the plain cases.
/// </summary>
public sealed class ResetFormRateLimitTests(RateLimitedAbuseHost host) : IClassFixture<RateLimitedAbuseHost>
{
    [Fact(DisplayName = "Brute force: the 5th forgot-password post from one address is 429 with Retry-After; the named account got at most 3 emails")]
    public async Task ForgotPasswordFlood()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();
        for (var post = 0; post < 4; post++)
        {
            using var answered = await HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot(member.UserName), "/Account/ForgotPassword");
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Equal(PasswordResetService.RequestAnswer, ForgotPasswordForm.Answer(await answered.Content.ReadAsStringAsync()));
        }

        using var limited = await HostileForms.PostAsync(client, "/Account/ForgotPassword", HostileForms.Forgot(member.UserName), "/Account/ForgotPassword");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        await Eventually.ReturnsAsync(() => Task.FromResult(host.Email.To($"{member.UserName}@portal.test").Count == 3 ? "three" : null), "three reset emails");
        await Task.Delay(300);
        Assert.Equal(3, host.Email.To($"{member.UserName}@portal.test").Count);
    }
}

/// <summary>Guessing reset tokens on the reset page from one address runs into the same per-address limit.</summary>
public sealed class ResetPageRateLimitTests(RateLimitedAbuseHost host) : IClassFixture<RateLimitedAbuseHost>
{
    [Fact(DisplayName = "Brute force: guessing tokens on the reset page is 429 after 4 posts from one address")]
    public async Task ResetTokenGuessing()
    {
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberAsync(organization.Id);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync("/Account/ForgotPassword"));
        var statuses = new List<HttpStatusCode>();

        for (var guess = 0; guess < 5; guess++)
        {
            var fields = HostileForms.NewPassword("reset-password", "a guessed new passphrase");
            fields[PortalHttp.AntiforgeryField] = antiforgery;
            using var response = await client.PostAsync($"/Account/ResetPassword?user={member.AccountId:D}&token=guess{guess}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                new FormUrlEncodedContent(fields));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Null(await host.Portal.Database.QueryAsync(db => db.Users.Where(a => a.Id == member.AccountId).Select(a => a.PasswordHash).SingleAsync()));
    }
}
