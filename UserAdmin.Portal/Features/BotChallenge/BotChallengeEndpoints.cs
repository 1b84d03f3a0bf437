namespace UserAdmin.Portal.Features.BotChallenge;

internal static class BotChallengeEndpoints
{
    /// <summary>GET /altcha/challenge: a fresh challenge for the widget on public forms; never cached.</summary>
    public static void MapBotChallenge(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/altcha/challenge", (HttpContext http, BotChallengeService challenges) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return challenges.Enabled ? Results.Json(challenges.Create()) : Results.NotFound();
        })
        .AllowAnonymous()
        .RequireRateLimiting(Passwords.PublicFormLimits.PolicyName);
}
