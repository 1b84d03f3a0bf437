using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Tests.Features.Shared;

public sealed class NameTextTests
{
    [Theory]
    [InlineData("Ann\u200BLee", "U+200B (an invisible formatting character)")]
    [InlineData("Ann\u200CLee", "U+200C (an invisible formatting character)")]
    [InlineData("Ann\u200DLee", "U+200D (an invisible formatting character)")]
    [InlineData("Ann\u2060Lee", "U+2060 (an invisible formatting character)")]
    [InlineData("\uFEFFAnn", "U+FEFF (an invisible formatting character)")]
    [InlineData("Le\u00ADe", "U+00AD (an invisible formatting character)")]
    [InlineData("Ann\u200E", "U+200E (an invisible formatting character)")]
    [InlineData("Bob \u202Enimda", "U+202E (a direction override, which reorders the text after it)")]
    [InlineData("Bob \u2067x\u2069", "U+2067 (a direction override, which reorders the text after it)")]
    [InlineData("Ann\tLee", "U+0009 (a control character)")]
    [InlineData("Ann\u2028Lee", "U+2028 (a line break)")]
    [InlineData("Ann\uE000", "U+E000 (a private-use character)")]
    public void AnInvisibleOrControlCharacterIsRefusedByItsCodePoint(string name, string named)
    {
        Assert.Equal($"{named} is not allowed.", NameText.Refusal(name));
    }

    [Fact]
    public void ALoneSurrogateIsRefused()
    {
        Assert.Equal("U+D800 (half of a surrogate pair) is not allowed.", NameText.Refusal(new string(['A', '\uD800', 'b'])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ann Lee")]
    [InlineData("Zoë Ångström-O'Brien")]
    [InlineData("Zoe\u0308 Saldan\u0303a")]
    [InlineData("\u0633\u0627\u0631\u0629")]
    [InlineData("\u05D3\u05D5\u05D3 (QA)")]
    [InlineData("\u674E\u5C0F\u9F99")]
    [InlineData("Ada \U0001F4BB")]
    public void LettersMarksAndEmojiOfEveryScriptAreNames(string name)
    {
        Assert.Null(NameText.Refusal(name));
    }

    [Fact]
    public void ARequiredNameIsOneToMaxCharactersOnceTrimmed()
    {
        Assert.Equal("Use 1–5 characters.", NameText.RefusalOfRequired("   ", 5));
        Assert.Equal("Use 1–5 characters.", NameText.RefusalOfRequired("abcdef", 5));
        Assert.Null(NameText.RefusalOfRequired(" abcde ", 5));
        Assert.StartsWith("U+200B", NameText.RefusalOfRequired("a\u200Bb", 5), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNameValidatorRefusesAZeroWidthSpaceNamingIt()
    {
        const string Name = "Ann\u200BLee";
        var member = MemberAdminService.Validate(new NewMember
        {
            UserName = "ann\u200Blee", Email = "ann@example.org", FirstName = Name, LastName = Name, DisplayName = Name, SendActivationEmail = true,
        });
        var profile = MemberProfileService.Validate(new ProfileInput { FirstName = Name, LastName = Name, DisplayName = Name, Email = "ann@example.org" });

        var refusals = new[]
        {
            member[nameof(NewMember.UserName)], member[nameof(NewMember.FirstName)], member[nameof(NewMember.LastName)], member[nameof(NewMember.DisplayName)],
            profile[nameof(ProfileInput.FirstName)], profile[nameof(ProfileInput.LastName)], profile[nameof(ProfileInput.DisplayName)],
            GroupService.Validate(Name, "")["Name"], PolicyService.Validate(Name, "")["Name"],
        };
        Assert.All(refusals, r => Assert.StartsWith("U+200B", Assert.Single(r), StringComparison.Ordinal));
    }
}
