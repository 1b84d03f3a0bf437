using Bogus;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Demo;

/// <summary>
/// Fills the first organization with realistic members for demos and manual testing (--seed-demo N).
/// Demo accounts have no password (a million PBKDF2 hashes would take hours); they show every status the grid
/// filters on. Inserted in batches, one transaction each, with the organization's member count kept in step.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, ILogger<DemoSeeder> logger)
{
    private const int BatchSize = 5000;

    /// <summary>Adds <paramref name="count"/> demo members to the first organization, and says how many went where.</summary>
    public async Task<DemoSeeded> SeedAsync(int count, CancellationToken ct = default)
    {
        await using var lookup = await dbFactory.CreateDbContextAsync(ct);
        var organization = await lookup.Organizations.OrderBy(o => o.CreatedAt).FirstAsync(ct);
        if (count <= 0)
        {
            return new DemoSeeded(0, organization.DisplayName);
        }

        var helpDesk = await lookup.Groups.Where(g => g.OrganizationId == organization.Id).Select(g => g.Id).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var runId = Guid.NewGuid().ToString("N")[..6];
        var faker = new Faker();
        var started = System.Diagnostics.Stopwatch.StartNew();

        for (var done = 0; done < count; done += BatchSize)
        {
            var size = Math.Min(BatchSize, count - done);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            var members = new List<Membership>(size);
            for (var i = 0; i < size; i++)
            {
                var n = done + i;
                var first = faker.Name.FirstName();
                var last = faker.Name.LastName();
                var userName = $"{faker.Internet.UserName(first, last).ToLowerInvariant()}.{runId}{n}";
                var created = now.AddDays(-faker.Random.Double(1, 1500));
                var activated = faker.Random.Double() > 0.04;
                var account = new Account
                {
                    Id = Guid.NewGuid(),
                    UserName = userName,
                    NormalizedUserName = userName.ToUpperInvariant(),
                    Email = $"{userName}@{faker.Internet.DomainName()}",
                    FirstName = first,
                    LastName = last,
                    DisplayName = $"{first} {last}",
                    SecurityStamp = Guid.NewGuid().ToString("N"),
                    ConcurrencyStamp = Guid.NewGuid().ToString(),
                    LockoutEnabled = true,
                    CreatedAt = created,
                    IsActivated = activated,
                    ActivatedAt = activated ? created.AddHours(faker.Random.Double(0, 72)) : null,
                    MustChangePassword = faker.Random.Double() < 0.08,
                    LastSignInAt = activated && faker.Random.Double() > 0.1 ? now.AddMinutes(-faker.Random.Double(5, 60 * 24 * 90)) : null,
                    DeviceStatus = faker.PickRandom<DeviceStatus>(),
                };
                account.NormalizedEmail = account.Email.ToUpperInvariant();
                account.EmailConfirmed = activated && faker.Random.Double() > 0.1;
                account.EmailConfirmedAt = account.EmailConfirmed ? account.ActivatedAt : null;
                account.DeviceAddedAt = account.DeviceStatus == DeviceStatus.Registered ? created.AddDays(faker.Random.Double(0, 30)) : null;
                if (faker.Random.Double() < 0.01)
                {
                    account.LockoutEnd = now.AddMinutes(15);
                }

                db.Users.Add(account);
                var membership = new Membership
                {
                    OrganizationId = organization.Id,
                    AccountId = account.Id,
                    Rank = faker.Random.Double() < 0.01 ? MemberRank.Admin : MemberRank.Regular,
                    Tag = faker.Random.Double() < 0.1 ? MemberTag.Guest : MemberTag.User,
                    IsSuspended = faker.Random.Double() < 0.05,
                    JoinedAt = created,
                };
                membership.SuspendedAt = membership.IsSuspended ? now.AddDays(-faker.Random.Double(0, 30)) : null;
                members.Add(membership);
            }

            db.Memberships.AddRange(members);
            await db.SaveChangesAsync(ct);

            if (helpDesk != Guid.Empty)
            {
                db.GroupMembers.AddRange(members.Where((_, i) => i % 50 == 0)
                    .Select(m => new GroupMember { GroupId = helpDesk, MembershipId = m.Id, AddedAt = now }));
            }

            await db.Organizations.Where(o => o.Id == organization.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberCount, o => o.MemberCount + size), ct);
            if (done + size >= count)
            {
                db.Activity.Add(new ActivityRecord
                {
                    OrganizationId = organization.Id,
                    ActorName = "system",
                    Verb = "organization.demo_seeded",
                    Title = $"system added {count} demo members",
                    Category = ActivityCategory.Admin,
                    OccurredAt = now,
                });
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Seeded {Done}/{Count} demo members", done + size, count);
        }

        logger.LogInformation("Seeded {Count} demo members into {Organization} in {Seconds:0.0} s", count, organization.Name, started.Elapsed.TotalSeconds);
        return new DemoSeeded(count, organization.DisplayName);
    }
}

public sealed record DemoSeeded(int Count, string OrganizationDisplayName);
