namespace UserAdmin.Portal.Features.Email;

/// <summary>
/// Absolute links into the portal for emails, built on Portal:PublicBaseUrl (the address people reach the portal at,
/// which the server cannot know behind a proxy). Never taken from the request's Host header.
/// </summary>
public sealed class PortalLinks(Uri publicBaseUrl)
{
    // A trailing slash makes relative links keep a base path such as https://example.org/portal/.
    private readonly Uri _base = publicBaseUrl.AbsoluteUri.EndsWith('/') ? publicBaseUrl : new Uri(publicBaseUrl.AbsoluteUri + "/");

    public Uri Base => _base;

    public Uri Activation(Guid accountId, string token) =>
        new(_base, $"Account/Activate?user={accountId:D}&token={Uri.EscapeDataString(token)}");

    public Uri PasswordReset(Guid accountId, string token) =>
        new(_base, $"Account/ResetPassword?user={accountId:D}&token={Uri.EscapeDataString(token)}");

    public Uri EmailConfirmation(Guid accountId, string token) =>
        new(_base, $"Account/ConfirmEmail?user={accountId:D}&token={Uri.EscapeDataString(token)}");

    public Uri SignIn() => new(_base, "Account/Login");

    /// <summary>An absolute http(s) address, or null with the reason.</summary>
    public static Uri? TryParseBase(string? value, out string? problem)
    {
        problem = null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            return uri;
        }

        problem = $"Portal:PublicBaseUrl must be an absolute http or https address without a query, such as https://portal.example.org/, not '{value}'.";
        return null;
    }
}
