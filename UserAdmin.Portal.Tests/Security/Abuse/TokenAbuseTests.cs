using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Replayed, expired and cross-account reset and activation links, posted through the real pages
/// (<c>/Account/ResetPassword</c>, <c>/Account/Activate</c>) with a valid antiforgery token, so that only the link
/// decides. Each is refused with the page's one message and changes nothing. The services' own tests
/// (PasswordResetServiceTests, ActivationServiceTests) prove the same rules one layer down.
/// </summary>
public sealed class TokenAbuseTests(AbuseHost host) : IClassFixture<AbuseHost>
{
    private const string OldPassword = "the old and tired passphrase";
    private const string FirstPassword = "a first fresh passphrase";
    private const string SecondPassword = "an attacker's second passphrase";

    private TestDatabase Database => host.Portal.Database;

    private Task<Account> AccountAsync(Guid id) => Database.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(a => a.Id == id));

    private async Task<bool> PasswordWorksAsync(Guid accountId, string password)
    {
        await using var scope = host.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(accountId.ToString()))!, password);
    }

    private async Task<(TestMember Member, string Token)> ResetLinkAsync(TestOrganization organization)
    {
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var member = await Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, OldPassword);
        Assert.True((await host.Portal.Get<PasswordResetService>().SendResetLinkAsync(admin.Actor, member.AccountId)).Succeeded);
        var (accountId, token) = CapturingEmailSender.ResetLink(host.Email.To($"{member.UserName}@portal.test")[^1]);
        Assert.Equal(member.AccountId, accountId);
        return (member, token);
    }

    private async Task<(Guid AccountId, string Token)> ActivationLinkAsync(TestOrganization organization)
    {
        var admin = await Database.AddMemberAsync(organization.Id, MemberRank.Admin);
        var email = $"{Guid.NewGuid():N}@example.org";
        var created = await host.Portal.Get<MemberAdminService>().CreateAsync(admin.Actor, new NewMember
        {
            UserName = TestData.UniqueName("pending").Replace("-", ".", StringComparison.Ordinal), Email = email, SendActivationEmail = true,
        });
        Assert.True(created.Succeeded, created.Message);
        return CapturingEmailSender.ActivationLink(Assert.Single(host.Email.To(email)));
    }

    private static string ResetUrl(Guid accountId, string token) => $"/Account/ResetPassword?user={accountId:D}&token={Uri.EscapeDataString(token)}";

    private static string ActivateUrl(Guid accountId, string token) => $"/Account/Activate?user={accountId:D}&token={Uri.EscapeDataString(token)}";

    private static async Task<string> PostAsync(HttpClient client, string url, string handler, string password, string antiforgery)
    {
        var fields = HostileForms.NewPassword(handler, password);
        fields[PortalHttp.AntiforgeryField] = antiforgery;
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact(DisplayName = "Tokens: a reset link used a second time is refused with the link message and the first new password stays")]
    public async Task ReplayedResetLink()
    {
        var (member, token) = await ResetLinkAsync(await Database.AddOrganizationAsync());
        var url = ResetUrl(member.AccountId, token);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(url));
        await PostAsync(client, url, "reset-password", FirstPassword, antiforgery);
        Assert.True(await PasswordWorksAsync(member.AccountId, FirstPassword));

        var replay = await PostAsync(client, url, "reset-password", SecondPassword, antiforgery);

        Assert.Equal(PasswordResetService.LinkProblem, PortalHttp.ReadAlert(replay));
        Assert.True(await PasswordWorksAsync(member.AccountId, FirstPassword));
        Assert.False(await PasswordWorksAsync(member.AccountId, SecondPassword));
        Assert.Single(await Database.ActivityForAsync(member.OrganizationId), a => a.Verb == "account.password_reset");
    }

    [Fact(DisplayName = "Tokens: a reset link issued to account A, posted for account B, is refused and neither password changes")]
    public async Task CrossAccountResetLink()
    {
        var organization = await Database.AddOrganizationAsync();
        var (a, tokenOfA) = await ResetLinkAsync(organization);
        var b = await Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, OldPassword);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(ResetUrl(a.AccountId, tokenOfA)));
        var bBefore = await AccountAsync(b.AccountId);

        var html = await PostAsync(client, ResetUrl(b.AccountId, tokenOfA), "reset-password", SecondPassword, antiforgery);

        Assert.Equal(PasswordResetService.LinkProblem, PortalHttp.ReadAlert(html));
        var bAfter = await AccountAsync(b.AccountId);
        Assert.Equal((bBefore.PasswordHash, bBefore.SecurityStamp), (bAfter.PasswordHash, bAfter.SecurityStamp));
        Assert.True(await PasswordWorksAsync(a.AccountId, OldPassword));
        Assert.NotNull(await host.Portal.Get<PasswordResetService>().CheckLinkAsync(a.AccountId, tokenOfA));
    }

    [Fact(DisplayName = "Tokens: an activation link issued to account A, posted for pending account B, is refused and B stays pending")]
    public async Task CrossAccountActivationLink()
    {
        var organization = await Database.AddOrganizationAsync();
        var (a, tokenOfA) = await ActivationLinkAsync(organization);
        var (b, _) = await ActivationLinkAsync(organization);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(ActivateUrl(a, tokenOfA)));

        var html = await PostAsync(client, ActivateUrl(b, tokenOfA), "activate", SecondPassword, antiforgery);

        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(html));
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(b)));
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(a)));
    }

    [Fact(DisplayName = "Tokens: an activation link used a second time is refused and the password chosen first stays")]
    public async Task ReplayedActivationLink()
    {
        var (accountId, token) = await ActivationLinkAsync(await Database.AddOrganizationAsync());
        var url = ActivateUrl(accountId, token);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(url));
        await PostAsync(client, url, "activate", FirstPassword, antiforgery);
        Assert.True(await PasswordWorksAsync(accountId, FirstPassword));

        var replay = await PostAsync(client, url, "activate", SecondPassword, antiforgery);

        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(replay));
        Assert.True(await PasswordWorksAsync(accountId, FirstPassword));
    }

    [Fact(DisplayName = "Tokens: an expired reset link (lifetime + 1 minute) is refused and an expired activation link too; nothing changes")]
    public async Task ExpiredLinks()
    {
        var organization = await Database.AddOrganizationAsync();
        var (member, resetToken) = await ResetLinkAsync(organization);
        var (pending, activationToken) = await ActivationLinkAsync(organization);
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(ResetUrl(member.AccountId, resetToken)));

        // Defaults: a reset link works 1 hour, an activation link 72 hours. Moving the clock only ever goes forward.
        host.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        var reset = await PostAsync(client, ResetUrl(member.AccountId, resetToken), "reset-password", SecondPassword, antiforgery);
        var activation = await PostAsync(client, ActivateUrl(pending, activationToken), "activate", SecondPassword, antiforgery);

        Assert.Equal(PasswordResetService.LinkProblem, PortalHttp.ReadAlert(reset));
        Assert.Equal(ActivationService.LinkProblem, PortalHttp.ReadAlert(activation));
        Assert.True(await PasswordWorksAsync(member.AccountId, OldPassword));
        Assert.Equal(ActivationState.Pending, ActivationService.StateOf(await AccountAsync(pending)));
    }

    [Fact(DisplayName = "Tokens: a reset link with its token truncated or tampered by one character is refused alike")]
    public async Task TamperedResetLink()
    {
        var (member, token) = await ResetLinkAsync(await Database.AddOrganizationAsync());
        using var client = host.Portal.CreateBrowser();
        var antiforgery = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync(ResetUrl(member.AccountId, token)));
        var flipped = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        foreach (var forged in new[] { token[..^1], flipped, token + "A", "" })
        {
            var html = await PostAsync(client, ResetUrl(member.AccountId, forged), "reset-password", SecondPassword, antiforgery);
            Assert.Equal(PasswordResetService.LinkProblem, PortalHttp.ReadAlert(html));
        }

        Assert.True(await PasswordWorksAsync(member.AccountId, OldPassword));
    }
}
