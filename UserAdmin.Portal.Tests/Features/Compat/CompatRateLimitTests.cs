using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Compat;

/// <summary>
/// The per-key rate limit on the compatibility routes answers in each API's own error shape, with the key limit's
/// Retry-After (at most its one-minute window), never with the public forms' plain-text "from your address" answer.
/// </summary>
public sealed class CompatRateLimitTests : IAsyncLifetime
{
    private const int PerMinute = 3;
    private readonly PortalAppFactory _app = PortalAppFactory.For(Environments.Development, s => s["Portal:Api:RequestsPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async Task InitializeAsync() => await ((IAsyncLifetime)_app).InitializeAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/orgadmin/", "application/problem+json", "status", "429")]
    [InlineData("/management/organizations/{org}/users/{user}", "application/json", "error", "too_many_requests")]
    [InlineData("/compat/allthenticate/multipleusers", "application/json", "error", null)]
    [InlineData("/compat/virtool/api/users", "application/json", "id", "too_many_requests")]
    public async Task AKeyBeyondItsLimitGets429InTheApisShapeWithTheKeysRetryAfter(string path, string mediaType, string field, string? value)
    {
        var kit = new ApiTestKit(_app);
        var (organization, member, key) = await kit.MemberWithKeyAsync(MemberRank.Admin);
        using var client = kit.Client(key);
        path = path.Replace("{org}", organization.Name, StringComparison.Ordinal).Replace("{user}", member.UserName, StringComparison.Ordinal);

        for (var i = 0; i < PerMinute; i++)
        {
            await ApiTestKit.AssertOkAsync(await client.GetAsync(path));
        }

        using var limited = await client.GetAsync(path);

        var text = await limited.Content.ReadAsStringAsync();
        Assert.True(limited.StatusCode == HttpStatusCode.TooManyRequests, $"Expected 429, got {(int)limited.StatusCode}: {text}");
        Assert.Equal(mediaType, limited.Content.Headers.ContentType?.MediaType);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var body = JsonDocument.Parse(text).RootElement;
        if (value is null)
        {
            // Allthenticate's shape has the one field.
            Assert.Equal([field], body.EnumerateObject().Select(p => p.Name));
        }
        else
        {
            Assert.Equal(value, body.GetProperty(field).ToString());
        }

        Assert.Contains($"more than {PerMinute} requests in a minute", text, StringComparison.Ordinal);
        Assert.Contains($"Wait {(int)limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds} seconds", text, StringComparison.Ordinal);
        Assert.DoesNotContain("from your address", text, StringComparison.Ordinal);
    }
}
