using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.Passwords;

/// <summary>
/// The rate limit of the public password forms (and the challenge they fetch), per client address: page views are
/// free, posts and challenges count. Beyond the limit the answer is 429 with a plain message and Retry-After.
/// </summary>
internal static class PublicFormLimits
{
    public const string PolicyName = "public-forms";

    public static void AddPublicFormLimits(this IServiceCollection services, PortalOptions portal)
    {
        var settings = portal.Passwords;
        var window = TimeSpan.FromMinutes(Math.Max(1, settings.ResetRequestWindowMinutes));
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(
                    $"Too many requests from your address. Wait {window.TotalMinutes:0} minutes, then try again.", ct);
            };
            limiter.AddPolicy(PolicyName, http =>
                HttpMethods.IsGet(http.Request.Method) && !http.Request.Path.StartsWithSegments("/altcha")
                    ? RateLimitPartition.GetNoLimiter("views")
                    : RateLimitPartition.GetFixedWindowLimiter(
                        (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString() + (http.Request.Path.StartsWithSegments("/altcha") ? "|challenge" : "|post"),
                        _ => new FixedWindowRateLimiterOptions
                        {
                            // A challenge per attempt, plus the page's own fetch on each view.
                            PermitLimit = Math.Max(1, settings.ResetRequestsPerAddress) * (http.Request.Path.StartsWithSegments("/altcha") ? 3 : 1),
                            Window = window,
                            QueueLimit = 0,
                        }));
        });
    }
}
