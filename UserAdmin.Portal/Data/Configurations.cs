using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace UserAdmin.Portal.Data;

// Indexes follow the user grid's filters and sorts (always inside one organization) and the activity feed's keyset paging.

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.FirstName).HasMaxLength(Account.NameMaxLength);
        b.Property(a => a.LastName).HasMaxLength(Account.NameMaxLength);
        b.Property(a => a.DisplayName).HasMaxLength(Account.NameMaxLength * 2);
        b.HasIndex(a => a.DisplayName);
        b.HasIndex(a => a.CreatedAt);
        b.HasIndex(a => a.LastSignInAt);
        b.HasMany(a => a.Memberships).WithOne(m => m.Account).HasForeignKey(m => m.AccountId);
        b.HasMany(a => a.CustomProperties).WithOne().HasForeignKey(p => p.AccountId);
        b.HasMany(a => a.ComputerUsernames).WithOne().HasForeignKey(c => c.AccountId);
        b.HasMany(a => a.Smartcards).WithOne().HasForeignKey(s => s.AccountId);
        b.HasMany(a => a.ApiKeys).WithOne().HasForeignKey(k => k.AccountId);
    }
}

internal sealed class CustomPropertyConfiguration : IEntityTypeConfiguration<CustomProperty>
{
    public void Configure(EntityTypeBuilder<CustomProperty> b)
    {
        b.HasKey(p => new { p.AccountId, p.Key });
        b.Property(p => p.Key).HasMaxLength(CustomProperty.KeyMaxLength);
        b.Property(p => p.Value).HasMaxLength(CustomProperty.ValueMaxLength);
    }
}

internal sealed class ComputerUsernameConfiguration : IEntityTypeConfiguration<ComputerUsername>
{
    public void Configure(EntityTypeBuilder<ComputerUsername> b)
    {
        b.Property(c => c.Name).HasMaxLength(ComputerUsername.MaxLength);
        b.HasIndex(c => new { c.AccountId, c.Name }).IsUnique();
        b.HasIndex(c => c.Name);
    }
}

internal sealed class SmartcardConfiguration : IEntityTypeConfiguration<Smartcard>
{
    public void Configure(EntityTypeBuilder<Smartcard> b)
    {
        b.Property(s => s.Number).HasMaxLength(Smartcard.NumberMaxLength);
        b.Property(s => s.Label).HasMaxLength(Smartcard.LabelMaxLength);
        b.HasIndex(s => s.AccountId);
        b.HasIndex(s => s.Number);
    }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> b)
    {
        b.Property(o => o.Name).HasMaxLength(Organization.NameMaxLength);
        b.Property(o => o.DisplayName).HasMaxLength(Organization.DisplayNameMaxLength);
        b.HasIndex(o => o.Name).IsUnique();
        b.HasMany(o => o.Memberships).WithOne(m => m.Organization).HasForeignKey(m => m.OrganizationId);
        b.HasMany(o => o.Groups).WithOne().HasForeignKey(g => g.OrganizationId);
        b.HasMany(o => o.ApplicationPermissions).WithOne().HasForeignKey(p => p.OrganizationId);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.Property(m => m.Version).HasMaxLength(32).IsConcurrencyToken();
        b.HasIndex(m => new { m.OrganizationId, m.AccountId }).IsUnique();
        b.HasIndex(m => m.AccountId);
        b.HasIndex(m => new { m.OrganizationId, m.Rank });
        b.HasIndex(m => new { m.OrganizationId, m.Tag });
        b.HasIndex(m => new { m.OrganizationId, m.IsSuspended });
        b.HasIndex(m => new { m.OrganizationId, m.JoinedAt });
        b.HasOne(m => m.PrimaryGroup).WithMany().HasForeignKey(m => m.PrimaryGroupId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.Property(g => g.Name).HasMaxLength(Group.NameMaxLength);
        b.Property(g => g.Description).HasMaxLength(Group.DescriptionMaxLength);
        b.HasIndex(g => new { g.OrganizationId, g.Name }).IsUnique();
        b.HasMany(g => g.Permissions).WithOne().HasForeignKey(p => p.GroupId);
        b.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.GroupId);
    }
}

internal sealed class GroupPermissionConfiguration : IEntityTypeConfiguration<GroupPermission>
{
    public void Configure(EntityTypeBuilder<GroupPermission> b)
    {
        b.HasKey(p => new { p.GroupId, p.Permission });
        b.Property(p => p.Permission).HasMaxLength(ApplicationPermission.KeyMaxLength);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> b)
    {
        b.HasKey(m => new { m.GroupId, m.MembershipId });
        b.HasIndex(m => m.MembershipId);
        b.HasOne(m => m.Membership).WithMany(m => m.Groups).HasForeignKey(m => m.MembershipId);
    }
}

internal sealed class ApplicationPermissionConfiguration : IEntityTypeConfiguration<ApplicationPermission>
{
    public void Configure(EntityTypeBuilder<ApplicationPermission> b)
    {
        b.HasKey(p => new { p.OrganizationId, p.Key });
        b.Property(p => p.Key).HasMaxLength(ApplicationPermission.KeyMaxLength);
        b.Property(p => p.Description).HasMaxLength(Group.DescriptionMaxLength);
    }
}

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> b)
    {
        b.Property(p => p.Name).HasMaxLength(Policy.NameMaxLength);
        b.Property(p => p.Description).HasMaxLength(Group.DescriptionMaxLength);
        b.HasIndex(p => new { p.OrganizationId, p.Name }).IsUnique();
        b.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrganizationId);
        b.HasMany(p => p.Members).WithOne().HasForeignKey(m => m.PolicyId);
        b.HasMany(p => p.Groups).WithOne().HasForeignKey(g => g.PolicyId);
    }
}

internal sealed class PolicyMemberConfiguration : IEntityTypeConfiguration<PolicyMember>
{
    public void Configure(EntityTypeBuilder<PolicyMember> b)
    {
        b.HasKey(m => new { m.PolicyId, m.MembershipId });
        b.HasIndex(m => m.MembershipId);
        b.HasOne<Membership>().WithMany().HasForeignKey(m => m.MembershipId);
    }
}

internal sealed class PolicyGroupConfiguration : IEntityTypeConfiguration<PolicyGroup>
{
    public void Configure(EntityTypeBuilder<PolicyGroup> b)
    {
        b.HasKey(g => new { g.PolicyId, g.GroupId });
        b.HasIndex(g => g.GroupId);
        b.HasOne<Group>().WithMany().HasForeignKey(g => g.GroupId);
    }
}

internal sealed class ActivityRecordConfiguration : IEntityTypeConfiguration<ActivityRecord>
{
    public void Configure(EntityTypeBuilder<ActivityRecord> b)
    {
        // No foreign keys: the record outlives the accounts and organizations it names.
        b.Property(a => a.ActorName).HasMaxLength(256);
        b.Property(a => a.Verb).HasMaxLength(64);
        b.Property(a => a.TargetName).HasMaxLength(256);
        b.Property(a => a.Title).HasMaxLength(512);
        b.Property(a => a.ClientAddress).HasMaxLength(64);
        // The feed is ordered by (OccurredAt, Id): every filter's index ends in that order, so a filter plus a time
        // range is one index range and a page is a seek at any depth (20261130090000_ActivityFeedIndexes).
        b.HasIndex(a => new { a.OrganizationId, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.OrganizationId, a.TargetAccountId, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.OrganizationId, a.ActorAccountId, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.OrganizationId, a.Verb, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.OrganizationId, a.Category, a.OccurredAt, a.Id });
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(ApiKey.NameMaxLength);
        b.Property(k => k.Prefix).HasMaxLength(32);
        b.Property(k => k.SecretHash).HasMaxLength(128);
        b.HasIndex(k => k.Prefix).IsUnique();
        b.HasIndex(k => k.AccountId);
        b.HasIndex(k => k.OrganizationId);
        b.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId);
    }
}

internal sealed class MemberDirectoryConfiguration : IEntityTypeConfiguration<MemberDirectoryEntry>
{
    public const string NoCase = "NOCASE";

    public static readonly string[][] MemberDirectorySorts =
    [
        ["DisplayName"], ["UserName"], ["Email"], ["GroupNames"], ["Rank"], ["Tag"], ["IsSuspended", "IsActivated", "LockoutEnd"],
        ["CreatedAt"], ["LastSignInAt"],
    ];

    // The filters a page most often combines (status, rank, tag). Flags that change often in bulk (must change
    // password) stay out: every index holding a column is rewritten when it changes, which would make a 10,000-member
    // forced password change rewrite nine index entries per member. Those filters are checked per row instead.
    public static readonly string[] FilterColumns = ["Rank", "Tag", "IsSuspended", "IsActivated", "LockoutEnd"];

    /// <summary>Named by the sort alone: the covering columns would make the generated names unreadably long.</summary>
    public static string IndexName(string[] sort) => "IX_MemberDirectory_Sort_" + string.Join("_", sort);

    public void Configure(EntityTypeBuilder<MemberDirectoryEntry> b)
    {
        b.ToTable("MemberDirectory");
        b.HasKey(d => d.MembershipId);
        b.Property(d => d.MembershipId).ValueGeneratedNever();
        b.Property(d => d.UserName).UseCollation(NoCase);
        b.Property(d => d.Email).UseCollation(NoCase);
        b.Property(d => d.DisplayName).UseCollation(NoCase);
        b.Property(d => d.GroupNames).UseCollation(NoCase);

        // One index per sortable column, each ending in the key so any page is a seek (keyset paging), then the
        // filter columns, so a filtered page is found by walking the sort index alone (MemberQueryService).
        foreach (var sort in MemberDirectorySorts)
        {
            b.HasIndex([nameof(MemberDirectoryEntry.OrganizationId), .. sort, nameof(MemberDirectoryEntry.MembershipId), .. FilterColumns.Except(sort)])
                .HasDatabaseName(IndexName(sort));
        }

        b.HasIndex(d => d.AccountId);
    }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.Property(v => v.Name).HasMaxLength(SavedView.NameMaxLength);
        b.Property(v => v.Query).HasMaxLength(SavedView.QueryMaxLength);
        b.HasIndex(v => new { v.AccountId, v.OrganizationId, v.Name }).IsUnique();
        b.HasOne<Account>().WithMany().HasForeignKey(v => v.AccountId);
        b.HasOne<Organization>().WithMany().HasForeignKey(v => v.OrganizationId);
    }
}
