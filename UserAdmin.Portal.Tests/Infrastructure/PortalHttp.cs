using System.Net;
using System.Text.RegularExpressions;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>Drives the static sign-in and password forms the way a browser without JavaScript would.</summary>
public static partial class PortalHttp
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<div class=\"form-alert\" role=\"alert\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex Alert();

    public static string ReadAntiforgeryToken(string html)
    {
        var match = AntiforgeryToken().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token field.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The text of the form's role="alert" message, or null when there is none.</summary>
    public static string? ReadAlert(string html)
    {
        var match = Alert().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;
    }

    /// <summary>Opens the sign-in page and posts the form on it, as the page's own form would.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string login, string password, string returnUrl = "/")
    {
        var url = "/Account/Login?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await client.GetStringAsync(url);
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            [AntiforgeryField] = ReadAntiforgeryToken(page),
            ["Input.Login"] = login,
            ["Input.Password"] = password,
            ["Input.ReturnUrl"] = returnUrl,
        }));
    }

    public static async Task<HttpResponseMessage> ChangePasswordAsync(this HttpClient client, string current, string next, string returnUrl = "/")
    {
        var url = "/Account/ChangePassword?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await client.GetStringAsync(url);
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            [AntiforgeryField] = ReadAntiforgeryToken(page),
            ["Input.CurrentPassword"] = current,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = next,
            ["Input.ReturnUrl"] = returnUrl,
        }));
    }

    /// <summary>
    /// Where a redirect goes: path and query for this site (absolute or relative, http or https),
    /// the full address for any other site.
    /// </summary>
    public static string RedirectTarget(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var absolute = location.IsAbsoluteUri ? location : new Uri(Site, location);
        return absolute.Host == Site.Host ? absolute.PathAndQuery : absolute.ToString();
    }

    private static readonly Uri Site = new("http://localhost");
}
