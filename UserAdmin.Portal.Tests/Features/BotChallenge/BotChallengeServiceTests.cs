using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Features.BotChallenge;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.BotChallenge;

public sealed class BotChallengeServiceTests
{
    private readonly TestClock _clock = new();

    private BotChallengeService Create(bool enabled = true, string? key = null) =>
        new(Options.Create(new PortalOptions { BotChallenge = { Enabled = enabled, MaxNumber = 2000, HmacKey = key } }), _clock);

    /// <summary>What the widget does in the browser: try every number until the hash matches, then post the payload.</summary>
    private static string Solve(UserAdmin.Portal.Features.BotChallenge.BotChallenge challenge, int? number = null, string? signature = null)
    {
        var found = number ?? Enumerable.Range(0, challenge.MaxNumber + 1).First(n =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge.Salt + n.ToString(CultureInfo.InvariantCulture)))) == challenge.Challenge);
        var json = JsonSerializer.Serialize(new
        {
            algorithm = challenge.Algorithm,
            challenge = challenge.Challenge,
            number = found,
            salt = challenge.Salt,
            signature = signature ?? challenge.Signature,
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    [Fact]
    public void AChallengeCarriesItsExpiryInTheSaltAndIsSignedWithTheKey()
    {
        var challenge = Create(key: "a key of at least sixteen characters").Create();

        Assert.Equal(("SHA-256", 2000), (challenge.Algorithm, challenge.MaxNumber));
        Assert.Matches("^[0-9a-f]{24}\\?expires=[0-9]+&$", challenge.Salt);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("a key of at least sixteen characters"), Encoding.UTF8.GetBytes(challenge.Challenge)));
        Assert.Equal(expected, challenge.Signature);
    }

    [Fact]
    public void ASolvedChallengePassesOnceOnly()
    {
        var service = Create();
        var payload = Solve(service.Create());

        Assert.True(service.Verify(payload));
        Assert.False(service.Verify(payload));
    }

    [Fact]
    public void AWrongNumberAForgedSignatureOrAnotherServersChallengeFail()
    {
        var service = Create();
        var challenge = service.Create();
        var right = Solve(challenge);
        var number = JsonDocument.Parse(Convert.FromBase64String(right)).RootElement.GetProperty("number").GetInt32();

        Assert.False(service.Verify(Solve(challenge, number: (number + 1) % (challenge.MaxNumber + 1))));
        Assert.False(service.Verify(Solve(challenge, signature: new string('0', 64))));
        Assert.False(service.Verify(Solve(Create().Create())));
        Assert.True(service.Verify(right));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("eyJhbGdvcml0aG0iOiJTSEEtMjU2In0=")]
    [InlineData("W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW10=")]
    public void GarbageFails(string? payload) => Assert.False(Create().Verify(payload));

    [Fact]
    public void AnExpiredChallengeFails()
    {
        var service = Create();
        var payload = Solve(service.Create());

        _clock.Advance(TimeSpan.FromMinutes(11));

        Assert.False(service.Verify(payload));
    }

    [Fact]
    public void SwitchedOffEverythingPasses() => Assert.True(Create(enabled: false).Verify(null));
}
