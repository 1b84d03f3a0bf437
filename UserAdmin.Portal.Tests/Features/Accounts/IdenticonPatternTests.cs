using UserAdmin.Portal.Features.Accounts;

namespace UserAdmin.Portal.Tests.Features.Accounts;

public sealed class IdenticonPatternTests
{
    [Fact]
    public void APatternIsStableForAnId()
    {
        var id = Guid.NewGuid();

        var first = IdenticonPattern.For(id);
        var second = IdenticonPattern.For(id);

        Assert.Equal(first.Cells, second.Cells);
        Assert.Equal(first.Colour, second.Colour);
    }

    [Fact]
    public void CellsStayOnTheFiveByFiveGridAndMirror()
    {
        for (var i = 0; i < 200; i++)
        {
            var pattern = IdenticonPattern.For(Guid.NewGuid());

            Assert.All(pattern.Cells, c => Assert.InRange(c.X, 0, 4));
            Assert.All(pattern.Cells, c => Assert.InRange(c.Y, 0, 4));
            Assert.All(pattern.Cells, c => Assert.Contains((4 - c.X, c.Y), pattern.Cells));
            Assert.Equal(pattern.Cells.Count, pattern.Cells.Distinct().Count());
            Assert.Matches(@"^hsl\(\d{1,3}, 55%, 45%\)$", pattern.Colour);
        }
    }

    [Fact]
    public void ManyIdsGiveManyPatterns()
    {
        var patterns = Enumerable.Range(0, 100)
            .Select(_ => IdenticonPattern.For(Guid.NewGuid()))
            .Select(p => string.Join(";", p.Cells.Order()) + p.Colour)
            .Distinct()
            .Count();

        Assert.True(patterns > 95, $"{patterns} distinct patterns out of 100");
    }
}
