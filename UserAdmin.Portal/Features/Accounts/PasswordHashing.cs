using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Accounts;

public static class PasswordHashing
{
    public const int Iterations = 210_000;
}

/// <summary>
/// A hash of a random password, verified against when the account is unknown, locked out or has no password,
/// so those answers take as long as a wrong password does and timing does not tell which it was.
/// </summary>
public sealed class DummyPasswordHash(IOptions<PasswordHasherOptions> options)
{
    private readonly PasswordHasher<Account> _hasher = new(options);
    private readonly Account _nobody = new();
    private string? _hash;

    public void Verify(string password)
    {
        _hash ??= _hasher.HashPassword(_nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        _hasher.VerifyHashedPassword(_nobody, _hash, password);
    }
}
