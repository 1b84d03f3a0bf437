using Bunit;
using UserAdmin.Portal.Components.Account;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Account;

public sealed class SignInFormTests : PortalComponentTest
{
    [Fact]
    public void BothFieldsHaveLabelsTiedToTheirInputs()
    {
        var form = RenderForm();

        Assert.Equal("Username or email", form.Find("label[for=login]").TextContent);
        Assert.Equal("Password", form.Find("label[for=password]").TextContent);
        Assert.Equal("username", form.Find("input#login").GetAttribute("autocomplete"));
        var password = form.Find("input#password");
        Assert.Equal("password", password.GetAttribute("type"));
        Assert.Equal("current-password", password.GetAttribute("autocomplete"));
        Assert.Equal("Sign in", form.Find("button[type=submit]").TextContent);
    }

    [Fact]
    public void SubmittingAnEmptyFormShowsBothValidationMessagesAndDoesNotSubmit()
    {
        var submitted = false;
        var form = RenderForm(onSubmit: () => submitted = true);

        form.Find("form").Submit();

        var messages = form.FindAll(".validation-message").Select(m => m.TextContent).ToList();
        Assert.Equal(["Enter your username or email.", "Enter your password."], messages);
        Assert.False(submitted);
    }

    [Fact]
    public void AFilledInFormIsSubmitted()
    {
        var input = new SignInInput();
        var submitted = false;
        var form = RenderForm(input, onSubmit: () => submitted = true);

        form.Find("#login").Change("jsmith");
        form.Find("#password").Change("amber-lantern-river-42");
        form.Find("form").Submit();

        Assert.True(submitted);
        Assert.Equal(("jsmith", "amber-lantern-river-42"), (input.Login, input.Password));
        Assert.Empty(form.FindAll(".validation-message"));
    }

    [Fact]
    public void WithoutAMessageThereIsNoAlert()
    {
        var form = RenderForm();

        Assert.Empty(form.FindAll("[role=alert]"));
    }

    [Fact]
    public void TheMessageIsShownAsAnAlertWithAnyHtmlInItEncoded()
    {
        const string message = "<b>Sign-in</b> failed & <script>alert('x')</script>";

        var form = RenderForm(message: message);

        var alert = form.Find("[role=alert]");
        Assert.Equal(message, alert.TextContent);
        Assert.Empty(alert.Children);
        Assert.Contains("&lt;b&gt;Sign-in&lt;/b&gt;", form.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReturnUrlTravelsInAHiddenField()
    {
        var form = RenderForm(new SignInInput { ReturnUrl = "/users?page=2" });

        Assert.Equal("/users?page=2", form.Find("input[type=hidden][name='Input.ReturnUrl']").GetAttribute("value"));
    }

    private IRenderedComponent<SignInForm> RenderForm(SignInInput? input = null, string? message = null, Action? onSubmit = null) =>
        Render<SignInForm>(p => p
            .Add(f => f.Input, input ?? new SignInInput())
            .Add(f => f.Message, message)
            .Add(f => f.OnSubmit, () => onSubmit?.Invoke()));
}
