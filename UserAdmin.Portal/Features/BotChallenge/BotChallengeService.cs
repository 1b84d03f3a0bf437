using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.BotChallenge;

/// <summary>A challenge as the ALTCHA widget fetches it.</summary>
public sealed record BotChallenge(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("challenge")] string Challenge,
    [property: JsonPropertyName("maxnumber")] int MaxNumber,
    [property: JsonPropertyName("salt")] string Salt,
    [property: JsonPropertyName("signature")] string Signature);

/// <summary>
/// A self-hosted proof-of-work check for public forms, speaking the ALTCHA widget's protocol, with no outside service:
/// the server picks a random salt (carrying its expiry) and a secret number, and sends SHA-256(salt + number) signed
/// with its HMAC key. The browser finds the number by trying them all; the form posts it back, and the server checks
/// the signature, the hash, the expiry, and that the same solution was not used before.
/// </summary>
public sealed class BotChallengeService(IOptions<PortalOptions> options, TimeProvider clock)
{
    public const string FieldName = "altcha";
    public const string Problem = "Please tick \"I'm not a robot\" and wait for the check to finish, then send the form again.";
    private const string Algorithm = "SHA-256";

    private readonly byte[] _key = options.Value.BotChallenge.HmacKey is { Length: >= 16 } configured
        ? Encoding.UTF8.GetBytes(configured)
        : RandomNumberGenerator.GetBytes(32);

    // Solutions already accepted, until their challenge expires: a solved challenge works once.
    private readonly ConcurrentDictionary<string, long> _used = new(StringComparer.Ordinal);

    public bool Enabled => options.Value.BotChallenge.Enabled;

    private BotChallengeSettings Settings => options.Value.BotChallenge;

    public BotChallenge Create()
    {
        var expires = clock.GetUtcNow().AddMinutes(Math.Max(1, Settings.LifetimeMinutes)).ToUnixTimeSeconds();
        var salt = $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}?expires={expires.ToString(CultureInfo.InvariantCulture)}&";
        var maxNumber = Math.Max(10, Settings.MaxNumber);
        var number = RandomNumberGenerator.GetInt32(0, maxNumber + 1);
        var challenge = Hash(salt, number);
        return new BotChallenge(Algorithm, challenge, maxNumber, salt, Sign(challenge));
    }

    /// <summary>True for a valid, unexpired, first-time solution; always true when the check is switched off.</summary>
    public bool Verify(string? payload)
    {
        if (!Enabled)
        {
            return true;
        }

        if (string.IsNullOrEmpty(payload) || payload.Length > 2048 || Decode(payload) is not { } solution)
        {
            return false;
        }

        if (solution.Algorithm != Algorithm || solution.Salt is null || solution.Challenge is null || solution.Signature is null
            || solution.Number is not { } number || number < 0)
        {
            return false;
        }

        var expires = ExpiresOf(solution.Salt);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (expires is null || expires < now)
        {
            return false;
        }

        var signatureOk = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(solution.Challenge)), Encoding.ASCII.GetBytes(solution.Signature));
        if (!signatureOk || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Hash(solution.Salt, number)), Encoding.ASCII.GetBytes(solution.Challenge)))
        {
            return false;
        }

        Forget(now);
        return _used.TryAdd(solution.Challenge, expires.Value);
    }

    private void Forget(long now)
    {
        foreach (var (challenge, expires) in _used)
        {
            if (expires < now)
            {
                _used.TryRemove(challenge, out _);
            }
        }
    }

    private static long? ExpiresOf(string salt)
    {
        var query = salt.IndexOf('?');
        if (query < 0)
        {
            return null;
        }

        foreach (var part in salt[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("expires=", StringComparison.Ordinal)
                && long.TryParse(part["expires=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static Solution? Decode(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<Solution>(Convert.FromBase64String(payload));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Hash(string salt, int number) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));

    private string Sign(string challenge) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(challenge)));

    private sealed record Solution(
        [property: JsonPropertyName("algorithm")] string? Algorithm,
        [property: JsonPropertyName("challenge")] string? Challenge,
        [property: JsonPropertyName("number")] int? Number,
        [property: JsonPropertyName("salt")] string? Salt,
        [property: JsonPropertyName("signature")] string? Signature);
}
