using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Features.Policies;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Authorization;

/// <summary>Who calls the API in the matrix: the credentials a request carries.</summary>
public enum Caller
{
    NoKey,
    Regular,
    HelpDesk,
    Admin,
    Super,

    /// <summary>A SUPER of another organization; every target lives in this one.</summary>
    OtherOrgSuper,

    /// <summary>A read-only key of a SUPER of this organization.</summary>
    ReadOnlyKey,

    /// <summary>A read-write key of a SUPER, revoked.</summary>
    RevokedKey,

    /// <summary>A read-write key of a SUPER, past its expiry.</summary>
    ExpiredKey,
}

/// <summary>The state a fresh target member is created in, so that the allowed callers' request can succeed.</summary>
public enum TargetState
{
    Active,
    Suspended,
    PendingActivation,
    Deactivated,
    Guest,

    /// <summary>In the world's plain group (a group that grants no permission).</summary>
    InPlainGroup,

    /// <summary>An account of a third organization only: not a member here (for "add an existing account").</summary>
    Outsider,
}

/// <summary>A fresh member to act on, and what the requests about them need to quote.</summary>
public sealed record Target(TestMember Member, string Email, string Version, string AccountVersion, Guid PolicyId, Guid GroupId)
{
    public Guid Id => Member.AccountId;
    public long Number => Member.MembershipId;
    public string UserName => Member.UserName;

    /// <summary>Whatever else a case prepared before it acts (an API key's id, an application permission's key).</summary>
    public string? Prepared { get; init; }
}

/// <summary>
/// One app and database for a whole matrix class: an organization with a REGULAR member, a help-desk member (a
/// REGULAR in a group with view_users + reset_passwords + view_activity, as DESIGN.md defines the help desk), an
/// ADMIN and two SUPERs; a SUPER of another organization; and a key for each caller. Targets are made fresh per case
/// (<see cref="NewTargetAsync"/>), so a write that succeeds never changes what a later case sees.
/// </summary>
public sealed class AuthorizationWorld : IAsyncLifetime, IAsyncDisposable
{
    public static readonly string[] HelpDeskPermissions =
        [PortalPermissions.ViewUsers, PortalPermissions.ResetPasswords, PortalPermissions.ViewActivity];

    private readonly Dictionary<Caller, string?> _keys = [];

    // The per-key rate limit would stop a key after 600 requests; the matrix sends more than that with some keys.
    public PortalAppFactory App { get; } = PortalAppFactory.For(Environments.Development, s => s["Portal:Api:RequestsPerMinute"] = "1000000");

    public TestDatabase Database => App.Database;
    public TestOrganization Organization { get; private set; } = null!;
    public TestOrganization OtherOrganization { get; private set; } = null!;
    public TestOrganization ThirdOrganization { get; private set; } = null!;
    public TestMember Regular { get; private set; } = null!;
    public TestMember HelpDesk { get; private set; } = null!;
    public TestMember Admin { get; private set; } = null!;
    public TestMember Super { get; private set; } = null!;
    public TestMember SecondSuper { get; private set; } = null!;
    public TestMember OtherOrgSuper { get; private set; } = null!;

    /// <summary>An ADMIN who is suspended now.</summary>
    public TestMember SuspendedAdmin { get; private set; } = null!;

    /// <summary>Was an ADMIN when their <see cref="Features.Shared.Actor"/> was made; REGULAR since.</summary>
    public TestMember DemotedAdmin { get; private set; } = null!;

    /// <summary>A group of this organization that grants no permission: anyone with manage_groups may add a REGULAR to it.</summary>
    public (Guid Id, string Name) PlainGroup { get; private set; }

    public Guid PolicyId { get; private set; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        Organization = await Database.AddOrganizationAsync();
        OtherOrganization = await Database.AddOrganizationAsync();
        ThirdOrganization = await Database.AddOrganizationAsync();
        Regular = await Database.AddMemberAsync(Organization.Id, MemberRank.Regular);
        HelpDesk = await Database.AddMemberAsync(Organization.Id, MemberRank.Regular, permissions: HelpDeskPermissions);
        Admin = await Database.AddMemberAsync(Organization.Id, MemberRank.Admin);
        Super = await Database.AddMemberAsync(Organization.Id, MemberRank.Super);
        SecondSuper = await Database.AddMemberAsync(Organization.Id, MemberRank.Super);
        OtherOrgSuper = await Database.AddMemberAsync(OtherOrganization.Id, MemberRank.Super);
        await Database.AddMemberAsync(OtherOrganization.Id, MemberRank.Super);
        SuspendedAdmin = await Database.AddMemberAsync(Organization.Id, MemberRank.Admin, suspended: true);
        DemotedAdmin = await Database.AddMemberAsync(Organization.Id, MemberRank.Admin);
        var demoted = DemotedAdmin.MembershipId;
        await Database.ExecuteAsync(db => db.Memberships.Where(m => m.Id == demoted).ExecuteUpdateAsync(s => s.SetProperty(m => m.Rank, MemberRank.Regular)));

        var groupName = TestData.UniqueName("plain");
        var group = await Get<GroupService>().CreateAsync(Super.Actor, groupName, "grants nothing");
        Assert.True(group.Succeeded, group.Message);
        PlainGroup = (group.Value, groupName);
        var policy = await Get<PolicyService>().CreateAsync(Super.Actor, TestData.UniqueName("policy"), "shared by the matrix");
        Assert.True(policy.Succeeded, policy.Message);
        PolicyId = policy.Value;

        _keys[Caller.NoKey] = null;
        _keys[Caller.Regular] = await KeyAsync(Regular);
        _keys[Caller.HelpDesk] = await KeyAsync(HelpDesk);
        _keys[Caller.Admin] = await KeyAsync(Admin);
        _keys[Caller.Super] = await KeyAsync(Super);
        _keys[Caller.OtherOrgSuper] = await KeyAsync(OtherOrgSuper);
        _keys[Caller.ReadOnlyKey] = await KeyAsync(Super, ApiKeyScope.ReadOnly);
        _keys[Caller.RevokedKey] = await RevokedKeyAsync(SecondSuper);
        _keys[Caller.ExpiredKey] = await ExpiredKeyAsync(SecondSuper);
    }

    /// <summary>Puts the member in a new group of their organization that grants these permissions.</summary>
    public async Task<Guid> GrantAsync(TestMember member, IReadOnlyCollection<string> permissions)
    {
        var group = new Group
        {
            Id = Guid.NewGuid(),
            OrganizationId = member.OrganizationId,
            Name = TestData.UniqueName("grants"),
            CreatedAt = DateTime.UtcNow,
            Permissions = permissions.Select(p => new GroupPermission { Permission = p }).ToList(),
        };
        await Database.ExecuteAsync(db =>
        {
            db.Groups.Add(group);
            db.GroupMembers.Add(new GroupMember { GroupId = group.Id, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
            return Task.CompletedTask;
        });
        return group.Id;
    }

    public async Task<string> KeyAsync(TestMember owner, ApiKeyScope scope = ApiKeyScope.ReadWrite)
    {
        var created = await Get<ApiKeyService>().CreateAsync(App.Services.Proven(owner.Actor), new NewApiKey { Name = "matrix", Scope = scope });
        Assert.True(created.Succeeded, created.Message);
        return created.Value!.Key;
    }

    private async Task<string> RevokedKeyAsync(TestMember owner)
    {
        var created = await Get<ApiKeyService>().CreateAsync(App.Services.Proven(owner.Actor), new NewApiKey { Name = "revoked", Scope = ApiKeyScope.ReadWrite });
        Assert.True(created.Succeeded, created.Message);
        var revoked = await Get<ApiKeyService>().RevokeAsync(owner.Actor, created.Value!.Id);
        Assert.True(revoked.Succeeded && revoked.Value, revoked.Message);
        return created.Value.Key;
    }

    private async Task<string> ExpiredKeyAsync(TestMember owner)
    {
        // A key cannot be created already expired: create it for an hour, then move its expiry into the past.
        var created = await Get<ApiKeyService>().CreateAsync(App.Services.Proven(owner.Actor),
            new NewApiKey { Name = "expired", Scope = ApiKeyScope.ReadWrite, ExpiresAt = DateTime.UtcNow.AddHours(1) });
        Assert.True(created.Succeeded, created.Message);
        var id = created.Value!.Id;
        await Database.ExecuteAsync(db => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddMinutes(-5))));
        return created.Value.Key;
    }

    public HttpClient Client(Caller caller) => Client(_keys[caller]);

    public HttpClient Client(string? key)
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        }

        return client;
    }

    /// <summary>A fresh member of this organization (or, for <see cref="TargetState.Outsider"/>, of a third one), REGULAR unless told.</summary>
    public async Task<Target> NewTargetAsync(TargetState state, bool withActivity = false, MemberRank rank = MemberRank.Regular)
    {
        var organizationId = state == TargetState.Outsider ? ThirdOrganization.Id : Organization.Id;
        var member = await Database.AddMemberAsync(organizationId, rank, suspended: state == TargetState.Suspended, configure: a =>
        {
            if (state is TargetState.PendingActivation or TargetState.Deactivated)
            {
                a.IsActivated = false;
                a.ActivatedAt = state == TargetState.Deactivated ? DateTime.UtcNow.AddDays(-3) : null;
            }
        });
        await Database.ExecuteAsync(async db =>
        {
            if (state == TargetState.Guest)
            {
                await db.Memberships.Where(m => m.Id == member.MembershipId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Tag, MemberTag.Guest));
            }

            if (state == TargetState.InPlainGroup)
            {
                db.GroupMembers.Add(new GroupMember { GroupId = PlainGroup.Id, MembershipId = member.MembershipId, AddedAt = DateTime.UtcNow });
            }

            if (withActivity)
            {
                db.Activity.Add(new ActivityRecord
                {
                    OrganizationId = organizationId,
                    ActorName = "system",
                    TargetAccountId = member.AccountId,
                    TargetName = member.UserName,
                    Verb = "test.seeded",
                    Title = $"seeded a record about {member.UserName}",
                    Category = ActivityCategory.Admin,
                    OccurredAt = DateTime.UtcNow,
                });
            }
        });

        // A fresh policy and group per target: assignment and deletion cases never share one.
        var policy = await Get<PolicyService>().CreateAsync(Super.Actor, TestData.UniqueName("policy"), "");
        Assert.True(policy.Succeeded, policy.Message);
        var group = await Get<GroupService>().CreateAsync(Super.Actor, TestData.UniqueName("group"), "");
        Assert.True(group.Succeeded, group.Message);
        if (state == TargetState.InPlainGroup)
        {
            await Database.ExecuteAsync(db =>
            {
                db.PolicyMembers.Add(new PolicyMember { PolicyId = policy.Value, MembershipId = member.MembershipId });
                return Task.CompletedTask;
            });
        }

        var (version, accountVersion, email) = await Database.QueryAsync(async db =>
        {
            var m = await db.Memberships.Where(x => x.Id == member.MembershipId).Select(x => new { x.Version, x.Account!.ConcurrencyStamp, x.Account.Email }).SingleAsync();
            return (m.Version, m.ConcurrencyStamp ?? "", m.Email ?? "");
        });
        return new Target(member, email, version, accountVersion, policy.Value, group.Value);
    }

    /// <summary>Activity records about this account written in this organization after <paramref name="afterId"/>.</summary>
    public Task<int> ActivityAboutAsync(Guid accountId, long afterId, Guid organizationId) =>
        Database.QueryAsync(db => db.Activity.CountAsync(a => a.Id > afterId && a.TargetAccountId == accountId && a.OrganizationId == organizationId));

    public Task<int> ActivitySinceAsync(long afterId) =>
        Database.QueryAsync(db => db.Activity.CountAsync(a => a.Id > afterId));

    public Task<long> LastActivityIdAsync() =>
        Database.QueryAsync(async db => await db.Activity.MaxAsync(a => (long?)a.Id) ?? 0);

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    ValueTask IAsyncDisposable.DisposeAsync() => App.DisposeAsync();
}
