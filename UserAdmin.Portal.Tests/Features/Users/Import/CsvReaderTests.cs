using System.Text;
using UserAdmin.Portal.Features.Users.Import;

namespace UserAdmin.Portal.Tests.Features.Users.Import;

public sealed class CsvReaderTests
{
    private static async Task<List<IReadOnlyList<string>>> ReadAsync(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        await foreach (var row in CsvReader.ReadAsync(new StringReader(text)))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task QuotedFieldsMayHoldCommasQuotesAndLineBreaks()
    {
        var rows = await ReadAsync("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal(["x, y", "say \"hi\"", "two\nlines"], rows[1]);
    }

    [Fact]
    public async Task AByteOrderMarkAndBlankLinesAreIgnoredAndTheLastLineNeedsNoNewline()
    {
        var rows = await ReadAsync("\uFEFFusername\n\nzoë\n");

        Assert.Equal([["username"], ["zoë"]], rows.Select(r => r.ToArray()).ToList());
    }

    [Fact]
    public async Task AnUnclosedQuoteIsAFormatError() =>
        await Assert.ThrowsAsync<FormatException>(() => ReadAsync("a\n\"never closed\n"));

    [Fact]
    public async Task AnOversizedFieldIsAFormatErrorNotUnboundedMemory() =>
        await Assert.ThrowsAsync<FormatException>(() => ReadAsync("a\n" + new string('x', CsvReader.MaxFieldLength + 1) + "\n"));

    [Fact]
    public async Task TooManyFieldsInARowIsAFormatError() =>
        await Assert.ThrowsAsync<FormatException>(() => ReadAsync(string.Join(',', Enumerable.Repeat("x", CsvReader.MaxFields + 1)) + "\n"));
}
