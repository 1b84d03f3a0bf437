using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace UserAdmin.Portal.E2E.Pages;

/// <summary>/Account/ChangePassword: also where an account with a forced change is held.</summary>
public sealed class ChangePasswordPage(IPage page, string baseUrl)
{
    public const string Path = "/Account/ChangePassword";

    // Exact: "New password" is also a substring of "Repeat new password".
    public ILocator CurrentPassword => page.GetByLabel("Current password", new() { Exact = true });

    public ILocator NewPassword => page.GetByLabel("New password", new() { Exact = true });

    public ILocator RepeatNewPassword => page.GetByLabel("Repeat new password", new() { Exact = true });

    public ILocator ChangeButton => page.GetByRole(AriaRole.Button, new() { Name = "Change password", Exact = true });

    /// <summary>The message shown under the new-password field when the server refuses it.</summary>
    public ILocator NewPasswordError =>
        page.Locator(".form-field").Filter(new() { Has = NewPassword }).Locator(".validation-message");

    public async Task ExpectShownAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(
            "^" + Regex.Escape(baseUrl + Path) + @"(\?.*)?$", RegexOptions.IgnoreCase));
        await Assertions.Expect(ChangeButton).ToBeVisibleAsync();
    }

    public async Task ChangeAsync(string current, string newPassword, string? repeat = null)
    {
        await CurrentPassword.FillAsync(current);
        await NewPassword.FillAsync(newPassword);
        await RepeatNewPassword.FillAsync(repeat ?? newPassword);
        await ChangeButton.ClickAsync();
    }
}
