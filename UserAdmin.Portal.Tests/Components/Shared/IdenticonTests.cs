using Bunit;
using UserAdmin.Portal.Components.Shared;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Components.Shared;

public sealed class IdenticonTests : PortalComponentTest
{
    private static readonly Guid Alice = Guid.Parse("6f1c2a3e-0d4b-4c59-9a7e-1b2c3d4e5f60");
    private static readonly Guid Bob = Guid.Parse("0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d");

    [Fact]
    public void TheSameAccountAlwaysLooksTheSame()
    {
        var first = RenderFor(Alice);
        var second = RenderFor(Alice);

        second.MarkupMatches(first.Markup);
    }

    [Fact]
    public void DifferentAccountsLookDifferent()
    {
        Assert.NotEqual(RenderFor(Alice).Markup, RenderFor(Bob).Markup);
    }

    [Fact]
    public void ThePatternIsMirroredLeftToRight()
    {
        foreach (var id in new[] { Alice, Bob, Guid.NewGuid(), Guid.NewGuid() })
        {
            // Each filled cell is one "M x y h1v1h-1z" square of the path.
            var cells = System.Text.RegularExpressions.Regex.Matches(RenderFor(id).Find("path").GetAttribute("d")!, @"M(\d) (\d)h1v1h-1z")
                .Select(m => (X: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Y: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
                .ToHashSet();

            Assert.NotEmpty(cells);

            Assert.All(cells, c => Assert.Contains((4 - c.X, c.Y), cells));
        }
    }

    [Fact]
    public void ItIsAnAccessibleImageOfTheRequestedSize()
    {
        var icon = Render<Identicon>(p => p.Add(i => i.AccountId, Alice).Add(i => i.Size, 28).Add(i => i.Label, "Alice's identicon"));

        var svg = icon.Find("svg");
        Assert.Equal(("img", "Alice's identicon", "28", "28"), (svg.GetAttribute("role"), svg.GetAttribute("aria-label"), svg.GetAttribute("width"), svg.GetAttribute("height")));
    }

    private IRenderedComponent<Identicon> RenderFor(Guid accountId) => Render<Identicon>(p => p.Add(i => i.AccountId, accountId));
}
