using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Organizations;

/// <summary>The app's services with one configured operator (<c>Portal:Operators</c>).</summary>
public sealed class OperatorPortal : IAsyncLifetime
{
    public string OperatorName { get; } = TestData.UniqueName("operator");
    public PortalServices Portal { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Portal = await PortalServices.CreateAsync(settings: new Dictionary<string, string?> { ["Portal:Operators:0"] = OperatorName.ToUpperInvariant() });

    public Task DisposeAsync() => Portal.DisposeAsync();
}

public sealed class InstanceOperatorsTests(OperatorPortal fixture) : IClassFixture<OperatorPortal>
{
    private TestDatabase Database => fixture.Portal.Database;
    private InstanceOperators Operators => fixture.Portal.Get<InstanceOperators>();

    [Fact]
    public async Task AnOperatorCreatesAnOrganizationWhoseFirstSuperIsAnExistingAccount()
    {
        var @operator = await OperatorAsync();
        var admin = await Database.AddMemberAsync((await Database.AddOrganizationAsync()).Id);
        var name = TestData.UniqueName("globex");

        var result = await Operators.CreateOrganizationAsync(@operator.AccountId, $" {name} ", "Globex Corporation", $"{admin.UserName}@portal.test");

        Assert.True(result.Succeeded, result.Message);
        var organization = await Database.QueryAsync(db => db.Organizations.SingleAsync(o => o.Id == result.Value));
        Assert.Equal((name, "Globex Corporation", 1), (organization.Name, organization.DisplayName, organization.MemberCount));
        var membership = await Database.QueryAsync(db => db.Memberships.SingleAsync(m => m.OrganizationId == result.Value));
        Assert.Equal((admin.AccountId, MemberRank.Super), (membership.AccountId, membership.Rank));
        Assert.Equal(OrganizationProvisioner.HelpDeskGroupName, (await Database.QueryAsync(db => db.Groups.SingleAsync(g => g.OrganizationId == result.Value))).Name);
        var activity = await Database.ActivityForAsync(result.Value);
        Assert.Equal(["organization.created", "member.added"], activity.Select(a => a.Verb));
        Assert.All(activity, a => Assert.Equal((@operator.AccountId, @operator.UserName), (a.ActorAccountId, a.ActorName)));
    }

    [Fact]
    public async Task SomeoneWhoIsNotAnOperatorIsRefusedEvenAsASuper()
    {
        var organization = await Database.AddOrganizationAsync();
        var super = await Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var name = TestData.UniqueName("refused");

        var result = await Operators.CreateOrganizationAsync(super.AccountId, name, "", super.UserName);

        Assert.Equal((OperationStatus.Forbidden, InstanceOperators.NotAnOperator), (result.Status, result.Message));
        Assert.Null(await Operators.OperatorNameAsync(super.AccountId));
        Assert.False(await Database.QueryAsync(db => db.Organizations.AnyAsync(o => o.Name == name)));
    }

    [Fact]
    public async Task AnUnknownFirstSuperABadNameAndATakenNameAreRefused()
    {
        var @operator = await OperatorAsync();
        var taken = await Database.AddOrganizationAsync();

        var unknown = await Operators.CreateOrganizationAsync(@operator.AccountId, TestData.UniqueName("org"), "", "no-such-account");
        var badName = await Operators.CreateOrganizationAsync(@operator.AccountId, "Not A Slug", "", @operator.UserName);
        var duplicate = await Operators.CreateOrganizationAsync(@operator.AccountId, taken.Name, "", @operator.UserName);

        Assert.Equal((OperationStatus.Invalid, "There is no account with the username or email 'no-such-account'."), (unknown.Status, unknown.Message));
        Assert.Contains("Name", badName.FieldErrors!.Keys);
        Assert.Equal(OperationStatus.Conflict, duplicate.Status);
    }

    [Fact]
    public async Task ALockedOutOperatorIsNotAnOperator()
    {
        var @operator = await OperatorAsync(a => a.LockoutEnd = DateTimeOffset.UtcNow.AddHours(1));

        Assert.Null(await Operators.OperatorNameAsync(@operator.AccountId));
    }

    private async Task<TestMember> OperatorAsync(Action<Account>? configure = null)
    {
        // One account per fixture holds the configured name; tests that need another state change it first.
        var existing = await Database.QueryAsync(db => db.Users.Where(a => a.UserName == fixture.OperatorName).Select(a => (Guid?)a.Id).SingleOrDefaultAsync());
        if (existing is { } id)
        {
            await Database.ExecuteAsync(db => db.Users.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.UserName, TestData.UniqueName("former"))));
        }

        var organization = await Database.AddOrganizationAsync();
        return await Database.AddMemberAsync(organization.Id, configure: a =>
        {
            a.UserName = fixture.OperatorName;
            configure?.Invoke(a);
        });
    }
}
