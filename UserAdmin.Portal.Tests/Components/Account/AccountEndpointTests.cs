using System.Net;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Account;

/// <summary>
/// The form endpoints that are not pages (sign-out, switch organization) refuse a bad post as an ordinary 400 in
/// Development too, where a minimal API's own form binding would throw: no exception page, nothing logged as an error.
/// </summary>
public sealed class AccountEndpointTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Password = "copper-harbor-lantern-31";

    private async Task<(TestMember Member, TestOrganization Other)> MemberOfTwoOrganizationsAsync()
    {
        var first = await app.Database.AddOrganizationAsync();
        var member = await app.Database.AddMemberWithPasswordAsync(app.Services, first.Id, Password, MemberRank.Admin);
        var second = await app.Database.AddOrganizationAsync();
        await app.Database.AddMembershipAsync(second.Id, member.AccountId, MemberRank.Admin);
        return (member, second);
    }

    private async Task<HttpClient> SignedInAsync(TestMember member)
    {
        var client = app.CreateBrowser();
        using var signIn = await client.SignInAsync(member.UserName, Password);
        Assert.Equal("/", signIn.RedirectTarget());
        return client;
    }

    private async Task AssertPlainBadRequestAsync(Func<Task<HttpResponseMessage>> post)
    {
        var logged = app.Logs.Entries.Count;

        using var response = await post();

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries.Skip(logged), e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task SwitchingOrganizationWithoutATokenIsAPlain400WithNoErrorLogged()
    {
        var (member, other) = await MemberOfTwoOrganizationsAsync();
        using var client = await SignedInAsync(member);

        await AssertPlainBadRequestAsync(() => client.PostAsync("/Account/SwitchOrganization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["organizationId"] = other.Id.ToString(),
            ["returnUrl"] = "/",
        })));
    }

    [Fact]
    public async Task SigningOutWithoutATokenIsAPlain400WithNoErrorLogged()
    {
        var (member, _) = await MemberOfTwoOrganizationsAsync();
        using var client = await SignedInAsync(member);

        await AssertPlainBadRequestAsync(() => client.PostAsync("/Account/Logout", new FormUrlEncodedContent([])));
        using var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public async Task SwitchingToAnOrganizationIdThatIsNoIdIsAPlain400(string organizationId)
    {
        var (member, _) = await MemberOfTwoOrganizationsAsync();
        using var client = await SignedInAsync(member);
        var token = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync("/"));

        await AssertPlainBadRequestAsync(() => client.PostAsync("/Account/SwitchOrganization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [PortalHttp.AntiforgeryField] = token,
            ["organizationId"] = organizationId,
        })));
    }

    [Fact]
    public async Task SwitchingOrganizationWithTheTokenOfThePageStillWorks()
    {
        var (member, other) = await MemberOfTwoOrganizationsAsync();
        using var client = await SignedInAsync(member);
        var token = PortalHttp.ReadAntiforgeryToken(await client.GetStringAsync("/"));

        using var response = await client.PostAsync("/Account/SwitchOrganization", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [PortalHttp.AntiforgeryField] = token,
            ["organizationId"] = other.Id.ToString(),
            ["returnUrl"] = "/users",
        }));

        Assert.Equal("/users", response.RedirectTarget());
    }
}
