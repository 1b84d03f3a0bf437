using Bunit;
using UserAdmin.Portal.Components.Layout;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Layout;

public sealed class UserMenuTests : PortalComponentTest
{
    [Fact]
    public void ASignedInUserSeesTheirDisplayNameAndIdenticon()
    {
        var accountId = Guid.NewGuid();
        SignInAs(accountId, Guid.NewGuid(), "jsmith", displayName: "Jane Smith");

        var menu = Render<UserMenu>();

        Assert.Equal("Jane Smith", menu.Find(".user-menu-name").TextContent);
        Assert.Single(menu.FindAll("svg.identicon"));
    }

    [Fact]
    public void WithoutADisplayNameTheUserNameIsShown()
    {
        SignInAs(Guid.NewGuid(), Guid.NewGuid(), "jsmith");

        var menu = Render<UserMenu>();

        Assert.Equal("jsmith", menu.Find(".user-menu-name").TextContent);
    }

    [Fact]
    public void SigningOutIsAFormPostWithAnAntiforgeryToken()
    {
        SignInAs(Guid.NewGuid(), Guid.NewGuid(), "jsmith", displayName: "Jane Smith");

        var menu = Render<UserMenu>();

        var form = menu.Find("form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("Account/Logout", form.GetAttribute("action"));
        var token = form.QuerySelector($"input[type=hidden][name={PortalHttp.AntiforgeryField}]");
        Assert.NotNull(token);
        Assert.Equal(FakeAntiforgeryToken, token.GetAttribute("value"));
        Assert.Equal("Sign out", form.QuerySelector("button[type=submit]")!.TextContent);
    }

    [Fact]
    public void ASignedOutVisitorGetsASignInLink()
    {
        SignedOut();

        var menu = Render<UserMenu>();

        Assert.Empty(menu.FindAll("form"));
        Assert.Equal("Account/Login", menu.Find("a").GetAttribute("href"));
    }
}
