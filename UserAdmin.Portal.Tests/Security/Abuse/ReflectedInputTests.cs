using System.Net;
using AngleSharp.Html.Parser;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Reflected cross-site scripting and redirects on the static account pages, which echo the return address and what
/// the visitor typed: the echo is encoded (parsed as a browser would, no element or handler appears), and a
/// <c>javascript:</c> or foreign return address never becomes the redirect.
/// </summary>
public sealed class ReflectedInputTests(AbuseHost host) : IClassFixture<AbuseHost>
{
    private const string Password = "amber-lantern-river-42";
    private const string Payload = "\"><script>alert(1)</script><img src=x onerror=alert(1)>";

    private static void AssertInert(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        Assert.DoesNotContain(document.QuerySelectorAll("script"), s => s.TextContent.Contains("alert", StringComparison.Ordinal));
        Assert.Empty(document.QuerySelectorAll("img[src=x], [onerror], [onload]"));
    }

    [Theory(DisplayName = "XSS")]
    [InlineData("a returnUrl of '\"><script>' on the sign-in page is echoed encoded, no element injected", "/Account/Login?returnUrl=")]
    [InlineData("a returnUrl of '\"><script>' on the forgot-password page is never markup", "/Account/ForgotPassword?returnUrl=")]
    [InlineData("a user id of '\"><script>' in a reset link shows the link message, no element injected", "/Account/ResetPassword?token=x&user=")]
    [InlineData("a token of '\"><script>' in an activation link shows the link message, no element injected", "/Account/Activate?user=00000000-0000-0000-0000-000000000000&token=")]
    public async Task QueryEcho(string @case, string url)
    {
        Assert.NotEmpty(@case);
        using var client = host.Portal.CreateBrowser();

        using var response = await client.GetAsync(url + Uri.EscapeDataString(Payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertInert(await response.Content.ReadAsStringAsync());
    }

    [Fact(DisplayName = "XSS: a login of '\"><script>' posted to sign-in is echoed encoded with the generic message")]
    public async Task LoginEcho()
    {
        using var client = host.Portal.CreateBrowser();

        using var response = await client.SignInAsync(Payload, "whatever-password-1");

        var html = await response.Content.ReadAsStringAsync();
        AssertInert(html);
        Assert.Equal(UserAdmin.Portal.Features.Accounts.SignInOutcome.GenericFailure, PortalHttp.ReadAlert(html));
    }

    [Theory(DisplayName = "Redirect")]
    [InlineData("a returnUrl of javascript:alert(1) signs in to the dashboard instead", "javascript:alert(1)")]
    [InlineData("a returnUrl of //evil.example signs in to the dashboard instead", "//evil.example/steal")]
    [InlineData("a returnUrl of /\\evil.example signs in to the dashboard instead", "/\\evil.example")]
    [InlineData("a returnUrl of https://evil.example signs in to the dashboard instead", "https://evil.example/")]
    public async Task ReturnUrl(string @case, string returnUrl)
    {
        Assert.NotEmpty(@case);
        var organization = await host.Portal.Database.AddOrganizationAsync();
        var member = await host.Portal.Database.AddMemberWithPasswordAsync(host.Portal.Services, organization.Id, Password);
        using var client = host.Portal.CreateBrowser();

        using var response = await client.SignInAsync(member.UserName, Password, returnUrl);

        Assert.Equal("/", response.RedirectTarget());
    }
}
