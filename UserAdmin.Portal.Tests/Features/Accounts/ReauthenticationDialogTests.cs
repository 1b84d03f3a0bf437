using Bunit;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Accounts;

/// <summary>The "confirm it's you" dialog on the app's real services: a wrong password says so, the right one closes it with a proof.</summary>
public sealed class ReauthenticationDialogTests : PortalComponentTest
{
    private const string Password = "correct-horse-battery-9";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private PortalServices? _portal;

    [Fact]
    public async Task AWrongPasswordIsShownOnTheFieldAndTheRightOneGivesTheActorAProofThatTheCircuitKeeps()
    {
        _portal = await PortalServices.CreateAsync();
        Services.AddFallbackServiceProvider(_portal.ComponentServices);
        var organization = await _portal.Database.AddOrganizationAsync();
        var member = await _portal.Database.AddMemberWithPasswordAsync(_portal.Services, organization.Id, Password, MemberRank.Super);
        var host = Render<Radzen.Blazor.RadzenDialog>();
        var session = Services.GetRequiredService<SessionReauthentication>();

        Task<Actor?> proving = null!;
        await host.InvokeAsync(() => { proving = session.ProveAsync(member.Actor, "Granting SUPER"); });
        host.WaitForAssertion(() => Assert.Contains("Granting SUPER needs your password.", host.Find("form[aria-label=\"Confirm it's you\"]").TextContent, StringComparison.Ordinal), Wait);

        host.Find("#reauthenticate-password").Input("not-" + Password);
        await host.Find("form[aria-label=\"Confirm it's you\"]").SubmitAsync();
        host.WaitForAssertion(() => Assert.Equal("That password is not right.", host.Find(".validation-message").TextContent), Wait);
        Assert.False(proving.IsCompleted);

        host.Find("#reauthenticate-password").Input(Password);
        await host.Find("form[aria-label=\"Confirm it's you\"]").SubmitAsync();
        var proven = await proving.WaitAsync(Wait);

        Assert.NotNull(proven);
        var reauthentication = _portal.Get<ReauthenticationService>();
        Assert.True(reauthentication.Holds(proven!));
        Assert.False(reauthentication.Holds(new Actor(Guid.NewGuid(), organization.Id) { Reauthentication = proven!.Reauthentication }));
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("form")), Wait);

        // While the proof lasts, the circuit does not ask again.
        Task<Actor?> again = null!;
        await host.InvokeAsync(() => { again = session.ProveAsync(member.Actor, "Creating an API key"); });
        Assert.True(again.IsCompleted);
        Assert.Equal(proven.Reauthentication, (await again)!.Reauthentication);
    }

    [Fact]
    public async Task CancellingGivesNoActor()
    {
        _portal = await PortalServices.CreateAsync();
        Services.AddFallbackServiceProvider(_portal.ComponentServices);
        var organization = await _portal.Database.AddOrganizationAsync();
        var member = await _portal.Database.AddMemberAsync(organization.Id, MemberRank.Super);
        var host = Render<Radzen.Blazor.RadzenDialog>();

        Task<Actor?> proving = null!;
        await host.InvokeAsync(() => { proving = Services.GetRequiredService<SessionReauthentication>().ProveAsync(member.Actor, "Deleting an account"); });
        host.WaitForAssertion(() => host.Find("form[aria-label=\"Confirm it's you\"]"), Wait);
        await host.InvokeAsync(() => host.FindAll("form button").Single(b => b.TextContent.Contains("Cancel", StringComparison.Ordinal)).Click());

        Assert.Null(await proving.WaitAsync(Wait));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _portal?.DisposeAsync().GetAwaiter().GetResult();
    }
}
