using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Tests.Infrastructure;

public sealed record TestOrganization(Guid Id, string Name, string DisplayName);

public sealed record TestMember(Guid AccountId, long MembershipId, Guid OrganizationId, string UserName)
{
    public Actor Actor => new(AccountId, OrganizationId, "203.0.113.7");
}

/// <summary>
/// Seeds organizations and members straight into the database. Accounts get no password unless one is asked
/// for: a PBKDF2 hash at 210,000 iterations costs ~90 ms, so only sign-in and password tests pay for one.
/// Every name is unique, so tests can share a database and still only see their own rows.
/// </summary>
public static class TestData
{
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static async Task<TestOrganization> AddOrganizationAsync(this TestDatabase database, string? displayName = null)
    {
        var organization = new Organization
        {
            Id = Guid.NewGuid(),
            Name = UniqueName("org"),
            CreatedAt = DateTime.UtcNow,
        };
        organization.DisplayName = displayName ?? organization.Name;
        await using var db = database.CreateContext();
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        return new TestOrganization(organization.Id, organization.Name, organization.DisplayName);
    }

    /// <summary>Adds a member without a password; <paramref name="permissions"/> are granted through a group of their own.</summary>
    public static async Task<TestMember> AddMemberAsync(
        this TestDatabase database,
        Guid organizationId,
        MemberRank rank = MemberRank.Regular,
        bool suspended = false,
        IReadOnlyCollection<string>? permissions = null,
        Action<Account>? configure = null)
    {
        var account = NewAccount(UniqueName(rank.ToString().ToLowerInvariant()));
        configure?.Invoke(account);
        await using var db = database.CreateContext();
        db.Users.Add(account);
        await db.SaveChangesAsync();
        return await AddMembershipAsync(database, organizationId, account.Id, rank, suspended, permissions);
    }

    /// <summary>Adds an account with a real password hash, through the app's UserManager.</summary>
    public static async Task<TestMember> AddMemberWithPasswordAsync(
        this TestDatabase database,
        IServiceProvider services,
        Guid organizationId,
        string password,
        MemberRank rank = MemberRank.Regular,
        bool suspended = false,
        Action<Account>? configure = null)
    {
        var account = NewAccount(UniqueName("user"));
        account.SecurityStamp = null;
        account.ConcurrencyStamp = Guid.NewGuid().ToString();
        configure?.Invoke(account);
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            var created = await users.CreateAsync(account, password);
            Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        return await AddMembershipAsync(database, organizationId, account.Id, rank, suspended, null);
    }

    public static async Task<TestMember> AddMembershipAsync(
        this TestDatabase database,
        Guid organizationId,
        Guid accountId,
        MemberRank rank = MemberRank.Regular,
        bool suspended = false,
        IReadOnlyCollection<string>? permissions = null)
    {
        await using var db = database.CreateContext();
        var account = await db.Users.SingleAsync(a => a.Id == accountId);
        var membership = new Membership
        {
            OrganizationId = organizationId,
            AccountId = accountId,
            Rank = rank,
            IsSuspended = suspended,
            SuspendedAt = suspended ? DateTime.UtcNow : null,
            JoinedAt = DateTime.UtcNow,
        };
        db.Memberships.Add(membership);
        await db.Organizations.Where(o => o.Id == organizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount + 1));
        await db.SaveChangesAsync();

        if (permissions is { Count: > 0 })
        {
            var group = new Group
            {
                Id = Guid.NewGuid(),
                OrganizationId = organizationId,
                Name = UniqueName("group"),
                CreatedAt = DateTime.UtcNow,
                Permissions = permissions.Select(p => new GroupPermission { Permission = p }).ToList(),
            };
            db.Groups.Add(group);
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, MembershipId = membership.Id, AddedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        return new TestMember(accountId, membership.Id, organizationId, account.UserName!);
    }

    public static async Task<T> QueryAsync<T>(this TestDatabase database, Func<PortalDbContext, Task<T>> query)
    {
        await using var db = database.CreateContext();
        return await query(db);
    }

    /// <summary>
    /// A change written straight to the database, standing in for one a service would commit: like a committed
    /// operation it ends the trust of short-lived caches (a verified API key), so the next call sees it.
    /// </summary>
    public static async Task ExecuteAsync(this TestDatabase database, Func<PortalDbContext, Task> change)
    {
        await using var db = database.CreateContext();
        await change(db);
        await db.SaveChangesAsync();
        UserAdmin.Portal.Data.CommittedChanges.Bump();
    }

    public static Task<List<ActivityRecord>> ActivityForAsync(this TestDatabase database, Guid organizationId) =>
        database.QueryAsync(db => db.Activity.AsNoTracking().Where(a => a.OrganizationId == organizationId).OrderBy(a => a.Id).ToListAsync());

    private static Account NewAccount(string userName) => new()
    {
        Id = Guid.NewGuid(),
        UserName = userName,
        NormalizedUserName = userName.ToUpperInvariant(),
        Email = $"{userName}@portal.test",
        NormalizedEmail = $"{userName}@portal.test".ToUpperInvariant(),
        EmailConfirmed = true,
        DisplayName = $"Display {userName}",
        SecurityStamp = Guid.NewGuid().ToString("N"),
        ConcurrencyStamp = Guid.NewGuid().ToString(),
        LockoutEnabled = true,
        IsActivated = true,
        CreatedAt = DateTime.UtcNow,
    };
}
