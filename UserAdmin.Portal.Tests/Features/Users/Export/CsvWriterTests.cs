using System.Text;
using UserAdmin.Portal.Features.Users.Export;

namespace UserAdmin.Portal.Tests.Features.Users.Export;

public sealed class CsvWriterTests
{
    private static async Task<byte[]> WriteAsync(params string?[][] rows)
    {
        using var output = new MemoryStream();
        var csv = new CsvWriter(output);
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                csv.Field(field);
            }

            await csv.EndRowAsync(default);
        }

        await csv.FlushAsync(default);
        return output.ToArray();
    }

    [Fact]
    public async Task TheFileIsUtf8WithAByteOrderMarkAndCrlfLineEnds()
    {
        var file = await WriteAsync(["a", "b"], ["c", "d"]);

        Assert.Equal([0xEF, 0xBB, 0xBF, .. "a,b\r\nc,d\r\n"u8.ToArray()], file);
    }

    [Theory]
    [InlineData("Smith, Jo", "\"Smith, Jo\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    public async Task FieldsWithCommasQuotesOrLineBreaksAreQuotedWithQuotesDoubled(string value, string written)
    {
        var file = await WriteAsync([value, "x"]);

        Assert.Equal(written + ",x\r\n", Encoding.UTF8.GetString(file, 3, file.Length - 3));
        Assert.Equal([value, "x"], Assert.Single(Csv.Parse(file)));
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")")]
    public async Task ACellThatStartsLikeAFormulaGetsALeadingQuote(string value)
    {
        var file = await WriteAsync([value]);

        Assert.Equal("'" + value, Assert.Single(Assert.Single(Csv.Parse(file))));
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("jo@example.org")]
    [InlineData(" =1")]
    [InlineData("'quoted")]
    public async Task AFormulaCharacterAnywhereButFirstIsLeftAlone(string value)
    {
        var file = await WriteAsync([value]);

        Assert.Equal(value, Assert.Single(Assert.Single(Csv.Parse(file))));
    }

    [Fact]
    public async Task UnicodeSurvivesIncludingCharactersOutsideTheBasicPlane()
    {
        const string value = "Zoë Łukasz Søren 王伟 José 🎉 ÅÄÖ";

        var file = await WriteAsync([value, "Müller, O'Brien"]);

        Assert.Equal([value, "Müller, O'Brien"], Assert.Single(Csv.Parse(file)));
    }

    [Fact]
    public async Task ManyRowsReachTheStreamInBoundedChunksAsTheyAreWritten()
    {
        using var output = new MemoryStream();
        var csv = new CsvWriter(output);
        var writesSeen = new List<long>();
        for (var i = 0; i < 5_000; i++)
        {
            csv.Field($"member-{i:D5}");
            csv.Field("Zoë 🎉, with a comma and \"quotes\"");
            await csv.EndRowAsync(default);
            if (writesSeen.Count == 0 || output.Length != writesSeen[^1])
            {
                writesSeen.Add(output.Length);
            }
        }

        await csv.FlushAsync(default);

        // Without a flush the rows still leave in chunks of ~16k characters: never the whole file at the end.
        Assert.True(writesSeen.Count > 10, $"{writesSeen.Count} writes");
        Assert.All(writesSeen.Zip(writesSeen.Skip(1), (a, b) => b - a), chunk => Assert.InRange(chunk, 1, 64 * 1024));
        var rows = Csv.Parse(output.ToArray());
        Assert.Equal(5_000, rows.Count);
        Assert.Equal(["member-04999", "Zoë 🎉, with a comma and \"quotes\""], rows[^1]);
    }
}
