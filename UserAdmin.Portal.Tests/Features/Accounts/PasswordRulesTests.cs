using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Organizations;

namespace UserAdmin.Portal.Tests.Features.Accounts;

public sealed class PasswordRulesTests
{
    private static readonly IdentityOptions AppLikeOptions = new() { Password = { RequiredLength = PasswordRules.MinimumLength } };

    [Theory]
    [InlineData("lantern copper orbit meadow")]
    [InlineData("quiet-meadow-test-2026")]
    [InlineData("Ünïcödé påsswörd ✓ works")]
    [InlineData("abcdeabcdeab")] // a five-character period is past what the repetition rule looks for
    public void AGoodPassphrasePasses(string password)
    {
        Assert.True(PasswordRules.Validate("jsmith", password).Succeeded);
        Assert.Empty(OrganizationProvisioner.PasswordProblems(password, "jsmith", AppLikeOptions));
    }

    [Fact]
    public void TwelveToOneHundredTwentyEightCharactersAreAllowed()
    {
        var longest = string.Concat(Enumerable.Range(0, 20).Select(i => $"w{i:D2}rd-")).PadRight(PasswordRules.MaximumLength, 'z')[..PasswordRules.MaximumLength];

        Assert.Empty(OrganizationProvisioner.PasswordProblems("twelve chars", "jsmith", AppLikeOptions));
        Assert.Empty(OrganizationProvisioner.PasswordProblems(longest, "jsmith", AppLikeOptions));
        Assert.Equal(128, longest.Length);
    }

    [Fact]
    public void ElevenCharactersAreTooShort()
    {
        var problems = OrganizationProvisioner.PasswordProblems("eleven char", "jsmith", AppLikeOptions);

        Assert.Equal(["it is shorter than 12 characters"], problems);
    }

    [Fact]
    public void MoreThanOneHundredTwentyEightCharactersAreTooLong()
    {
        var tooLong = string.Concat(Enumerable.Range(0, 30).Select(i => $"w{i:D2}rd-"))[..(PasswordRules.MaximumLength + 1)];

        var result = PasswordRules.Validate("jsmith", tooLong);

        Assert.Equal(["PasswordTooLong"], result.Errors.Select(e => e.Code));
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password1234")]
    [InlineData("  PASSWORD1234  ")]
    [InlineData("iloveyou1234")]
    [InlineData("administrator1")]
    [InlineData("correct horse battery staple")]
    public void ACommonPasswordIsRefusedWhateverItsCaseOrSurroundingSpaces(string password)
    {
        var result = PasswordRules.Validate("jsmith", password);

        Assert.Equal(["PasswordCommon"], result.Errors.Select(e => e.Code));
        Assert.True(PasswordRules.IsCommon(password));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("abababababababab")]
    [InlineData("abcabcabcabcabc")]
    [InlineData("121212121212")]
    [InlineData("abcdabcdabcdab")]
    [InlineData("XyZ!XyZ!XyZ!XyZ!")]
    public void ALongButRepetitivePasswordIsRefused(string password)
    {
        var result = PasswordRules.Validate("jsmith", password);

        Assert.Equal(["PasswordCommon"], result.Errors.Select(e => e.Code));
    }

    [Theory]
    [InlineData("jsmith", "jsmith-in-the-garden")]
    [InlineData("jsmith", "my JSMITH password!")]
    [InlineData("Jsmith", "garden-jsmith-2026")]
    public void APasswordContainingTheUsernameIsRefused(string userName, string password)
    {
        var result = PasswordRules.Validate(userName, password);

        Assert.Equal(["PasswordContainsUserName"], result.Errors.Select(e => e.Code));
    }

    [Fact]
    public void AVeryShortUsernameInsideAPasswordIsNotAProblem()
    {
        Assert.True(PasswordRules.Validate("al", "al-fresco-garden-party").Succeeded);
    }

    [Fact]
    public void EveryProblemIsReportedTogether()
    {
        var problems = OrganizationProvisioner.PasswordProblems("admin", "admin", AppLikeOptions);

        Assert.Contains("it is shorter than 12 characters", problems);
        Assert.Contains("The password must not contain the username.", problems);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void AMissingPasswordIsReportedAsMissing(string? password)
    {
        Assert.Equal(["no password is set"], OrganizationProvisioner.PasswordProblems(password, "admin", AppLikeOptions));
    }

    [Fact]
    public void TheSummaryNamesBothLimits()
    {
        Assert.Contains("12", PasswordRules.Summary, StringComparison.Ordinal);
        Assert.Contains("128", PasswordRules.Summary, StringComparison.Ordinal);
    }
}
