using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>/Account/Login: a static server-rendered form.</summary>
public sealed class LoginPage(IPage page, string baseUrl)
{
    public const string Path = "/Account/Login";

    public ILocator Login => page.GetByLabel("Username or email", new() { Exact = true });

    public ILocator Password => page.GetByLabel("Password", new() { Exact = true });

    public ILocator SignInButton => page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    public ILocator Alert => page.GetByRole(AriaRole.Alert);

    public async Task GotoAsync() => await page.GotoAsync(baseUrl + Path);

    public async Task SignInAsync(string login, string password)
    {
        await Login.FillAsync(login);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
    }

    /// <summary>Waits for the sign-in page, also when reached by a redirect with a return address.</summary>
    public async Task ExpectShownAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(
            "^" + Regex.Escape(baseUrl + Path) + @"(\?.*)?$", RegexOptions.IgnoreCase));
        await Assertions.Expect(SignInButton).ToBeVisibleAsync();
    }

    /// <summary>Waits for the failure alert and returns its text (deliberately the same for every cause).</summary>
    public async Task<string> ExpectFailureAsync()
    {
        await Assertions.Expect(Alert).ToHaveTextAsync(new Regex(@"^\s*Sign-in failed"));
        await ExpectShownAsync();
        return (await Alert.TextContentAsync())!.Trim();
    }
}
