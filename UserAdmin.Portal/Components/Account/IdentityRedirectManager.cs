using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;

namespace UserAdmin.Portal.Components.Account;

/// <summary>Redirects from static account pages, allowing only local targets (no open redirects).</summary>
internal sealed class IdentityRedirectManager(NavigationManager navigation)
{
    public static string SafeLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            ? url
            : "/";

    // NavigateTo during static rendering throws a NavigationException that the framework turns into a redirect.
    [DoesNotReturn]
    public void RedirectTo(string? url)
    {
        navigation.NavigateTo(SafeLocalUrl(url), forceLoad: true);
        throw new InvalidOperationException($"{nameof(IdentityRedirectManager)} can only be used during static rendering.");
    }
}
