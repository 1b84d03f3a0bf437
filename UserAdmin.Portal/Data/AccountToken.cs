using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace UserAdmin.Portal.Data;

public enum AccountTokenPurpose
{
    Activation = 0,
    PasswordReset = 1,
    EmailConfirmation = 2,
}

/// <summary>
/// An emailed single-use link's token, stored only as its SHA-256 hash: the database alone cannot produce a working
/// link. One live token per account and purpose (issuing a new one deletes the old); <see cref="UsedAt"/> ends it.
/// </summary>
public sealed class AccountToken
{
    public const int HashLength = 64;

    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public AccountTokenPurpose Purpose { get; set; }

    /// <summary>Upper-case hex SHA-256 of the token's text.</summary>
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

internal sealed class AccountTokenConfiguration : IEntityTypeConfiguration<AccountToken>
{
    public void Configure(EntityTypeBuilder<AccountToken> b)
    {
        b.Property(t => t.TokenHash).HasMaxLength(AccountToken.HashLength);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => new { t.AccountId, t.Purpose });
        b.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId);
    }
}
