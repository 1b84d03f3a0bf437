using System.Text.RegularExpressions;
using UserAdmin.Portal.E2E.Infrastructure;
using UserAdmin.Portal.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace UserAdmin.Portal.E2E.Tests;

public sealed class SignOutTests(PortalFixture fixture) : PortalTest(fixture)
{
    [Fact]
    public Task SigningOutReturnsToTheSignInPageAndTheDashboardThenAsksToSignInAgain() => RunSignedInAsync(async page =>
    {
        var shell = new ShellPage(page, Portal.BaseUrl);
        var login = new LoginPage(page, Portal.BaseUrl);
        await shell.GotoDashboardAsync();
        await shell.ExpectDashboardAsync();

        await shell.SignOutAsync();
        await Expect(page).ToHaveURLAsync(Portal.BaseUrl + LoginPage.Path);
        await login.ExpectShownAsync();

        await shell.GotoDashboardAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(LoginPage.Path) + @"\?ReturnUrl=%2F$", RegexOptions.IgnoreCase));
        await login.ExpectShownAsync();
    });
}
