using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.ApiKeys;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.ApiKeys;

/// <summary>The API keys page on the app's real services: create (shown once), list, revoke, and the SUPER's view.</summary>
public sealed class ApiKeysPageTests : PortalComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ACreatedKeyIsShownOnceThenListedByPrefixOnly()
    {
        var (portal, organization, member) = await UsePortalAsync(MemberRank.Regular);
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Contains("No keys.", page.Markup, StringComparison.Ordinal), Wait);

        page.Find("input[aria-label='Key name']").Change("deploy script");
        page.Find("select[aria-label='Scope']").Change(nameof(ApiKeyScope.ReadWrite));
        var asked = PasswordAskedAsync();
        var submitted = page.Find("form[aria-label='Create API key']").SubmitAsync();

        // The page asks for the password first; the dialog closes with the proof that a right password earns.
        await asked;
        await page.InvokeAsync(() => Dialogs.Close(portal.Services.Proven(member.Actor).Reauthentication));
        await submitted;
        page.WaitForAssertion(() => page.Find("[data-testid='new-key']"), Wait);
        var key = page.Find("[data-testid='new-key'] input").GetAttribute("value")!;
        Assert.Matches("^uap_[a-z0-9]{12}_[0-9a-f]{64}$", key);
        var stored = await portal.Database.QueryAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.AccountId == member.AccountId));
        Assert.Equal(("deploy script", ApiKeyScope.ReadWrite, organization.Id), (stored.Name, stored.Scope, stored.OrganizationId));
        var table = page.Find("table[aria-label='Your API keys']");
        Assert.Contains($"uap_{stored.Prefix}_", table.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^20..], table.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("table[aria-label='Organization API keys']"));

        await page.Find("[data-testid='new-key'] button").ClickAsync(new MouseEventArgs());

        Assert.Empty(page.FindAll("[data-testid='new-key']"));
        Assert.DoesNotContain(key, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKeyIsCreatedWhenThePasswordIsNotConfirmed()
    {
        var (portal, _, member) = await UsePortalAsync(MemberRank.Regular);
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => page.Find("form[aria-label='Create API key']"), Wait);

        page.Find("input[aria-label='Key name']").Change("deploy script");
        var asked = PasswordAskedAsync();
        var submitted = page.Find("form[aria-label='Create API key']").SubmitAsync();
        await asked;
        await page.InvokeAsync(() => Dialogs.Close());
        await submitted;

        page.WaitForAssertion(() => Assert.Contains("No key was created: your password was not confirmed.", page.Find(".form-alert").TextContent, StringComparison.Ordinal), Wait);
        Assert.False(await portal.Database.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.AccountId == member.AccountId)));
    }

    private Radzen.DialogService Dialogs => Services.GetRequiredService<Radzen.DialogService>();

    /// <summary>Completes when the page opens the "confirm it's you" dialog; call before the action that opens it.</summary>
    private Task PasswordAskedAsync()
    {
        var opened = new TaskCompletionSource();
        Dialogs.OnOpen += (title, _, _, _) =>
        {
            if (title == "Confirm it's you")
            {
                opened.TrySetResult();
            }
        };
        return opened.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task ANameIsRequired()
    {
        var (portal, _, member) = await UsePortalAsync(MemberRank.Regular);
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => page.Find("form[aria-label='Create API key']"), Wait);

        await page.Find("form[aria-label='Create API key']").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Give the key a name", page.Find(".validation-message").TextContent, StringComparison.Ordinal), Wait);
        Assert.False(await portal.Database.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.AccountId == member.AccountId)));
    }

    [Fact]
    public async Task ASuperSeesEveryKeyOfTheOrganizationAndRevokesOneAfterConfirming()
    {
        var (portal, organization, super) = await UsePortalAsync(MemberRank.Super);
        var other = await portal.Database.AddMemberAsync(organization.Id);
        var created = (await portal.Get<ApiKeyService>().CreateAsync(portal.Proven(other), new NewApiKey { Name = "other's script" })).Value!;
        var page = Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Contains(other.UserName, page.Find("table[aria-label='Organization API keys']").TextContent, StringComparison.Ordinal), Wait);

        var revoke = page.Find("table[aria-label='Organization API keys'] button[aria-label=\"Revoke other's script\"]");
        _ = revoke.ClickAsync(new MouseEventArgs());
        await page.InvokeAsync(() => Services.GetRequiredService<Radzen.DialogService>().Close(true));

        await WaitUntilAsync(async () => await portal.Database.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.Id == created.Id && k.RevokedAt != null)));
        page.WaitForAssertion(() => Assert.Contains("revoked", page.Find($"table[aria-label='Organization API keys'] tr[data-key='{created.Prefix}']").TextContent, StringComparison.Ordinal), Wait);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await condition());
    }

    private async Task<(PortalServices Portal, TestOrganization Organization, TestMember Member)> UsePortalAsync(MemberRank rank)
    {
        var portal = await UsePortalServicesAsync();
        var organization = await portal.Database.AddOrganizationAsync();
        var member = await portal.Database.AddMemberAsync(organization.Id, rank);
        SignInAs(member.AccountId, organization.Id, member.UserName);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return (portal, organization, member);
    }
}
