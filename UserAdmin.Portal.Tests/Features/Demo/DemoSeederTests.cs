using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Demo;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Demo;

/// <summary>The seeder fills the oldest organization, so each test gets a database of its own.</summary>
public sealed class DemoSeederTests : IAsyncLifetime
{
    private PortalServices _portal = null!;
    private TestOrganization _organization = null!;

    public async Task InitializeAsync()
    {
        _portal = await PortalServices.CreateAsync(migrate: true);
        _organization = await _portal.Database.AddOrganizationAsync();
        await _portal.Database.AddMemberAsync(_organization.Id, MemberRank.Super);
        await _portal.Database.ExecuteAsync(db =>
        {
            db.Groups.Add(new Group { Id = Guid.NewGuid(), OrganizationId = _organization.Id, Name = "Help desk", CreatedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
    }

    public Task DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task SeedingAddsTheMembersWithoutPasswordsAndKeepsTheCountInStep()
    {
        await _portal.Get<DemoSeeder>().SeedAsync(60);

        await using var db = _portal.Database.CreateContext();
        Assert.Equal(61, await db.Memberships.CountAsync(m => m.OrganizationId == _organization.Id));
        Assert.Equal(61, await db.Organizations.Where(o => o.Id == _organization.Id).Select(o => o.MemberCount).SingleAsync());

        var seeded = await db.Users.Where(a => a.Memberships.Any(m => m.OrganizationId == _organization.Id && m.Rank != MemberRank.Super)).ToListAsync();
        Assert.Equal(60, seeded.Count);
        Assert.All(seeded, a => Assert.Null(a.PasswordHash));
        Assert.All(seeded, a => Assert.Equal(a.UserName!.ToUpperInvariant(), a.NormalizedUserName));
        Assert.All(seeded, a => Assert.False(string.IsNullOrEmpty(a.SecurityStamp)));
        Assert.Equal(60, seeded.Select(a => a.UserName).Distinct().Count());
        Assert.Equal(2, await db.GroupMembers.CountAsync());

        var record = Assert.Single(await _portal.Database.ActivityForAsync(_organization.Id));
        Assert.Equal(("organization.demo_seeded", "system added 60 demo members"), (record.Verb, record.Title));
    }

    [Fact]
    public async Task SeedingTwiceAddsBothBatchesWithoutNameClashes()
    {
        var seeder = _portal.Get<DemoSeeder>();

        await seeder.SeedAsync(5);
        await seeder.SeedAsync(7);

        Assert.Equal(13, await _portal.Database.QueryAsync(db => db.Organizations.Where(o => o.Id == _organization.Id).Select(o => o.MemberCount).SingleAsync()));
        Assert.Equal(13, await _portal.Database.QueryAsync(db => db.Memberships.CountAsync(m => m.OrganizationId == _organization.Id)));
    }

    [Fact]
    public async Task SeedingNothingChangesNothing()
    {
        await _portal.Get<DemoSeeder>().SeedAsync(0);

        Assert.Equal(1, await _portal.Database.QueryAsync(db => db.Memberships.CountAsync()));
        Assert.Empty(await _portal.Database.ActivityForAsync(_organization.Id));
    }
}
