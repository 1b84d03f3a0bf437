using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.ApiKeys;

namespace UserAdmin.Portal.Features.Api;

public static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";

    /// <summary>The policy every <c>/api</c> endpoint requires: an API key (never the cookie) whose scope allows the method.</summary>
    public const string Policy = "api-key";

    /// <summary>Usergrid's form, <c>Authorization: Bearer &lt;key&gt;</c>: accepted only on endpoints that opt in with <see cref="BearerKeyAccepted"/>.</summary>
    public const string BearerScheme = "Bearer";

    public const string ScopeClaim = "portal:api_scope";
    public const string KeyIdClaim = "portal:api_key";
}

/// <summary>Endpoint metadata: this endpoint also takes the key as <c>Authorization: Bearer &lt;key&gt;</c> (Usergrid's scripts).</summary>
public sealed class BearerKeyAccepted;

/// <summary>
/// Endpoint metadata: this GET changes data (Usergrid's <c>activate</c> and <c>reactivate</c> are GETs), so a read-only
/// key may not call it.
/// </summary>
public sealed class ChangesDataDespiteGet;

/// <summary>
/// Endpoint metadata: what a caller who sent no key at all is told in the 401, in place of the generic "needs an API
/// key" (where the portal offers the same thing without a key, say where).
/// </summary>
public sealed class KeylessCallerHint(Func<HttpContext, string> message)
{
    public string MessageFor(HttpContext http) => message(http);
}

/// <summary>
/// Endpoint metadata for the compatibility routes: how this endpoint's clients expect a refusal to look
/// (instead of a problem details body). Used for the 401 and 403 of the ApiKey scheme.
/// </summary>
public interface IApiErrorShape
{
    Task WriteAsync(HttpContext http, int status, string message);
}

/// <summary>
/// <c>Authorization: ApiKey &lt;key&gt;</c>, or the compatibility form <c>Authorization: apikey &lt;username&gt;:&lt;key&gt;</c>
/// (scheme name in any case). The principal carries the same account and organization claims as a cookie sign-in,
/// so every service sees the key's owner — re-checked on each call, so a key never outranks its owner.
/// Failures and challenges are problem details; the key itself is never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthenticateResult.NoResult();
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var bearer = space > 0 && header[..space].Equals(ApiKeyDefaults.BearerScheme, StringComparison.OrdinalIgnoreCase)
            && Context.GetEndpoint()?.Metadata.GetMetadata<BearerKeyAccepted>() is not null;
        if (space <= 0 || !(bearer || header[..space].Equals(ApiKeyDefaults.Scheme, StringComparison.OrdinalIgnoreCase)))
        {
            _failure = "Send the key as 'Authorization: ApiKey <key>'.";
            return AuthenticateResult.NoResult();
        }

        var credential = header[(space + 1)..].Trim();
        string? userName = null;
        var colon = credential.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && !bearer)
        {
            userName = credential[..colon];
            credential = credential[(colon + 1)..];
        }

        var result = await keys.AuthenticateAsync(credential, userName, Context.RequestAborted);
        if (result.Identity is not { } key)
        {
            _failure = result.Failure;
            return AuthenticateResult.Fail(result.Failure ?? "Unknown API key.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.AccountId.ToString()),
                new Claim(ClaimTypes.Name, key.UserName),
                new Claim(PortalClaims.Organization, key.OrganizationId.ToString()),
                new Claim(ApiKeyDefaults.ScopeClaim, key.Scope.ToString()),
                new Claim(ApiKeyDefaults.KeyIdClaim, key.KeyId.ToString()),
            ],
            ApiKeyDefaults.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyDefaults.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = ApiKeyDefaults.Scheme;
        await WriteAsync(StatusCodes.Status401Unauthorized,
            _failure
            ?? Context.GetEndpoint()?.Metadata.GetMetadata<KeylessCallerHint>()?.MessageFor(Context)
            ?? "This API needs an API key: 'Authorization: ApiKey <key>'. Create one on the portal's API keys page.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        // The only refusal the policy itself makes; the services' own refusals are 403s with their reason.
        WriteAsync(StatusCodes.Status403Forbidden, "This is a read-only API key: it can only read (GET).");

    private Task WriteAsync(int status, string message) =>
        Context.GetEndpoint()?.Metadata.GetMetadata<IApiErrorShape>() is { } shape
            ? shape.WriteAsync(Context, status, message)
            : ApiProblems.WriteAsync(Context, status, message);
}

/// <summary>Read-only keys may only read: GET and HEAD, except a GET that changes data.</summary>
public sealed class ApiScopeRequirement : IAuthorizationRequirement;

internal sealed class ApiScopeRequirementHandler : AuthorizationHandler<ApiScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var method = http?.Request.Method;
        var reads = method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            && http!.GetEndpoint()?.Metadata.GetMetadata<ChangesDataDespiteGet>() is null;
        if (reads || context.User.FindFirstValue(ApiKeyDefaults.ScopeClaim) == nameof(ApiKeyScope.ReadWrite))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
