using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace UserAdmin.Portal.Data;

/// <summary>
/// Identity's user store (no role tables: ranks and groups are the portal's roles) plus the portal's own model.
/// Pages never use this directly: services create one per operation through IDbContextFactory.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityUserContext<Account, Guid>(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupPermission> GroupPermissions => Set<GroupPermission>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<ApplicationPermission> ApplicationPermissions => Set<ApplicationPermission>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<PolicyMember> PolicyMembers => Set<PolicyMember>();
    public DbSet<PolicyGroup> PolicyGroups => Set<PolicyGroup>();
    public DbSet<CustomProperty> CustomProperties => Set<CustomProperty>();
    public DbSet<ComputerUsername> ComputerUsernames => Set<ComputerUsername>();
    public DbSet<Smartcard> Smartcards => Set<Smartcard>();
    public DbSet<ActivityRecord> Activity => Set<ActivityRecord>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<MemberDirectoryEntry> MemberDirectory => Set<MemberDirectoryEntry>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Times are stored as UTC text (which sorts correctly in SQLite) and come back marked as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
