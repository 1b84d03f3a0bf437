using System.Reflection;
using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>
/// Password rules per OWASP ASVS v5: length is what counts (12 to 128 characters, no composition rules),
/// and a password that is common, or that contains the account's own name, is refused.
/// </summary>
public sealed class PasswordRules : IPasswordValidator<Account>
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 128;

    private static readonly Lazy<HashSet<string>> Blocklist = new(LoadBlocklist);

    public static string Summary =>
        $"At least {MinimumLength} characters (up to {MaximumLength}); spaces and any characters allowed; not a common password and not your username.";

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password) =>
        Task.FromResult(Validate(user.UserName, password));

    public static IdentityResult Validate(string? userName, string? password)
    {
        password ??= "";
        var errors = new List<IdentityError>();
        if (password.Length > MaximumLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaximumLength} characters." });
        }

        if (IsCommon(password))
        {
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = "This password is too common; choose a less guessable one (a passphrase of several words works well)." });
        }

        if (!string.IsNullOrEmpty(userName) && userName.Length >= 3 && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsUserName", Description = "The password must not contain the username." });
        }

        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    public static bool IsCommon(string password)
    {
        var folded = password.Trim().ToLowerInvariant();
        return Blocklist.Value.Contains(folded) || IsSingleRepeatedPattern(folded);
    }

    // "aaaaaaaaaaaa", "abcabcabcabc", "121212121212": long but trivially guessable.
    private static bool IsSingleRepeatedPattern(string s)
    {
        for (var period = 1; period <= 4 && period < s.Length; period++)
        {
            var repeats = true;
            for (var i = period; i < s.Length && repeats; i++)
            {
                repeats = s[i] == s[i - period];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<string> LoadBlocklist()
    {
        using var stream = Assembly.GetExecutingAssembly()
            .GetManifestResourceStream("UserAdmin.Portal.Features.Accounts.common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
