using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Unicode edge cases in the names people see: usernames are ASCII (<c>a-z 0-9 . _ -</c>, lower-cased), so look-alikes
/// from other scripts, invisible characters, combining marks, emoji and both normal forms of an accented letter are
/// refused, and a compatibility character that lower-cases into ASCII (the Kelvin sign) is normalised into the name it
/// looks like, which is then taken. Names and display names are free text, but invisible format characters (zero-width
/// spaces and joiners, the soft hyphen, the byte-order mark, direction marks) and the direction overrides that reorder
/// what follows ("Trojan Source") are refused with the code point named, in every name and through every route;
/// combining characters, emoji and right-to-left scripts are kept as typed.
/// </summary>
public sealed class UnicodeAbuseTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private readonly ApiTestKit _kit = new(app);

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<HttpResponseMessage> CreateAsync(HttpClient client, string userName, string? displayName = null) =>
        await client.PostAsJsonAsync("/api/v1/members", new
        {
            userName,
            email = $"u{Unique()}@example.org",
            displayName,
            sendActivationEmail = true,
        });

    [Theory(DisplayName = "Unicode")]
    [InlineData("username with a Cyrillic 'а' (U+0430) spelling 'аdmin' is refused", "\u0430dmin")]
    [InlineData("username with a Greek 'ο' (U+03BF) in 'rοot' is refused", "r\u03BFot")]
    [InlineData("username in fullwidth letters ('ａｄｍｉｎ') is refused", "\uFF41\uFF44\uFF4D\uFF49\uFF4E")]
    [InlineData("username with a right-to-left override U+202E is refused", "\u202Eadmin")]
    [InlineData("username with a zero-width space U+200B is refused", "ad\u200Bmin")]
    [InlineData("username with a zero-width joiner U+200D is refused", "ad\u200Dmin")]
    [InlineData("username with a right-to-left mark U+200F is refused", "admin\u200F")]
    [InlineData("username with a combining acute accent (NFD 'émile') is refused", "e\u0301mile")]
    [InlineData("username with a precomposed 'é' (NFC 'émile') is refused", "\u00E9mile")]
    [InlineData("username with an emoji is refused", "admin\U0001F600")]
    [InlineData("username with a dotted capital I (U+0130) is refused", "\u0130nfo")]
    [InlineData("username with a NUL character is refused", "adm\0in")]
    public async Task LookAlikeUsernameIsRefused(string @case, string userName)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);
        var accounts = await _kit.Database.QueryAsync(db => db.Users.CountAsync());

        using var response = await CreateAsync(client, userName + Unique());

        await ApiTestKit.AssertInvalidAsync(response, "userName");
        Assert.Equal(accounts, await _kit.Database.QueryAsync(db => db.Users.CountAsync()));
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Theory(DisplayName = "Unicode")]
    [InlineData("username 'ADMIN…' (upper case) of an existing 'admin…' is taken, not a second account", "ADMIN{0}")]
    [InlineData("username with the Kelvin sign K (U+212A) lower-cases to an existing 'k…' name and is taken", "\u212A{0}")]
    [InlineData("username padded with a no-break space U+00A0 is trimmed to the existing name and is taken", "\u00A0k{0}\u00A0")]
    public async Task NormalisedDuplicateIsTaken(string @case, string template)
    {
        Assert.NotEmpty(@case);
        var (_, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);
        var suffix = Unique();
        var existing = template.StartsWith("ADMIN", StringComparison.Ordinal) ? $"admin{suffix}" : $"k{suffix}";
        await ApiTestKit.AssertOkAsync(await CreateAsync(client, existing), HttpStatusCode.Created);

        using var response = await CreateAsync(client, string.Format(System.Globalization.CultureInfo.InvariantCulture, template, suffix));

        var problem = await ApiTestKit.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already taken", problem.GetProperty("errors").GetProperty("userName")[0].GetString(), StringComparison.Ordinal);
        var normalized = existing.ToUpperInvariant();
        Assert.Equal(1, await _kit.Database.QueryAsync(db => db.Users.CountAsync(a => a.NormalizedUserName == normalized)));
    }

    [Fact(DisplayName = "Unicode: the Kelvin sign alone is normalised: 'K…' (U+212A) is stored as plain ASCII 'k…'")]
    public async Task KelvinIsNormalised()
    {
        var (_, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);
        var suffix = Unique();

        using var response = await CreateAsync(client, $"\u212A{suffix}");

        await ApiTestKit.AssertOkAsync(response, HttpStatusCode.Created);
        Assert.Equal($"k{suffix}", (await ApiTestKit.ReadJsonAsync(response)).GetProperty("userName").GetString());
    }

    [Theory(DisplayName = "Unicode")]
    [InlineData("display name with a right-to-left override U+202E is refused", "Bob \u202Enimda")]
    [InlineData("display name with a left-to-right override U+202D is refused", "Bob \u202Dx")]
    [InlineData("display name with a right-to-left isolate U+2067 is refused", "Bob \u2067x\u2069")]
    [InlineData("display name with a right-to-left embedding U+202B is refused", "Bob \u202Bx\u202C")]
    public async Task DirectionOverrideInANameIsRefused(string @case, string displayName)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);

        using var response = await CreateAsync(client, $"u{Unique()}", displayName);

        await ApiTestKit.AssertInvalidAsync(response, "displayName");
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Theory(DisplayName = "Unicode")]
    [InlineData("displayName", "a zero-width space U+200B", "Ann\u200BLee", "U+200B")]
    [InlineData("displayName", "a zero-width non-joiner U+200C", "Ann\u200CLee", "U+200C")]
    [InlineData("displayName", "a zero-width joiner U+200D, even in an emoji sequence", "Ada \U0001F469\u200D\U0001F4BB", "U+200D")]
    [InlineData("displayName", "a word joiner U+2060", "Ann\u2060Lee", "U+2060")]
    [InlineData("displayName", "a byte-order mark U+FEFF", "\uFEFFAnn Lee", "U+FEFF")]
    [InlineData("displayName", "a soft hyphen U+00AD", "Ann Le\u00ADe", "U+00AD")]
    [InlineData("displayName", "a right-to-left mark U+200F", "\u05D3\u05D5\u05D3 \u200F(QA)", "U+200F")]
    [InlineData("firstName", "a zero-width space U+200B", "An\u200Bn", "U+200B")]
    [InlineData("lastName", "a soft hyphen U+00AD", "Le\u00ADe", "U+00AD")]
    [InlineData("userName", "a zero-width space U+200B", "ann\u200Blee", "U+200B")]
    public async Task InvisibleCharacterInANameIsRefusedNamingIt(string field, string @case, string value, string codePoint)
    {
        Assert.NotEmpty(@case);
        var (organization, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);
        var body = new Dictionary<string, object?>
        {
            ["userName"] = $"u{Unique()}",
            ["email"] = $"u{Unique()}@example.org",
            ["sendActivationEmail"] = true,
            [field] = value,
        };

        using var response = await client.PostAsJsonAsync("/api/v1/members", body);

        await ApiTestKit.AssertInvalidAsync(response, field);
        var message = (await ApiTestKit.ReadJsonAsync(response)).GetProperty("errors").GetProperty(field)[0].GetString();
        Assert.Contains(codePoint, message, StringComparison.Ordinal);
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.created");
    }

    [Fact(DisplayName = "Unicode: a profile update with a zero-width space U+200B in the display name is 422, naming it, and changes nothing")]
    public async Task InvisibleCharacterInAProfileUpdateIsRefused()
    {
        var (organization, _, key) = await _kit.MemberWithKeyAsync();
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        using var client = _kit.Client(key);
        var read = await ApiTestKit.ReadJsonAsync(await client.GetAsync($"/api/v1/members/{target.AccountId}"));

        using var response = await client.PutAsJsonAsync($"/api/v1/members/{target.AccountId}/profile", new
        {
            firstName = "Ann",
            lastName = "Lee",
            displayName = "Ann\u200BLee",
            email = read.GetProperty("email").GetString(),
            accountVersion = read.GetProperty("accountVersion").GetString(),
        });

        await ApiTestKit.AssertInvalidAsync(response, "displayName");
        Assert.Contains("U+200B", (await ApiTestKit.ReadJsonAsync(response)).GetProperty("errors").GetProperty("displayName")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await _kit.ActivityAsync(organization.Id), r => r.Verb == "member.profile_updated");
    }

    [Fact(DisplayName = "Unicode: a group named with a zero-width space U+200B is 422, naming it")]
    public async Task InvisibleCharacterInAGroupNameIsRefused()
    {
        var (_, _, key) = await _kit.MemberWithKeyAsync(MemberRank.Super);
        using var client = _kit.Client(key);

        using var response = await client.PostAsJsonAsync("/api/v1/groups", new { name = "Help\u200Bdesk", description = "" });

        await ApiTestKit.AssertInvalidAsync(response, "name");
        Assert.Contains("U+200B", (await ApiTestKit.ReadJsonAsync(response)).GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory(DisplayName = "Unicode")]
    [InlineData("display name in Hebrew is kept exactly", "\u05D3\u05D5\u05D3 (QA)")]
    [InlineData("display name with an emoji is kept exactly", "Ada \U0001F4BB")]
    [InlineData("display name with combining characters (NFD) is kept exactly, not recomposed", "Zoe\u0308 Saldan\u0303a")]
    [InlineData("display name in Arabic is kept exactly", "\u0633\u0627\u0631\u0629")]
    public async Task FreeTextNameIsKept(string @case, string displayName)
    {
        Assert.NotEmpty(@case);
        var (_, _, key) = await _kit.MemberWithKeyAsync();
        using var client = _kit.Client(key);

        using var response = await CreateAsync(client, $"u{Unique()}", displayName);

        await ApiTestKit.AssertOkAsync(response, HttpStatusCode.Created);
        var id = (await ApiTestKit.ReadJsonAsync(response)).GetProperty("id").GetGuid();
        var stored = await _kit.Database.QueryAsync(db => db.Users.Where(a => a.Id == id).Select(a => a.DisplayName).SingleAsync());
        Assert.Equal(Encoding.UTF8.GetBytes(displayName), Encoding.UTF8.GetBytes(stored!));
    }
}
