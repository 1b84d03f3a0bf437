using System.Text;

namespace UserAdmin.Portal.Tests.Features.Users.Export;

/// <summary>An RFC 4180 reader for the tests, independent of the writer under test.</summary>
internal static class Csv
{
    public static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Checks the byte-order mark and parses the rest: header first.</summary>
    public static List<string[]> Parse(byte[] file)
    {
        Assert.True(file.AsSpan().StartsWith(Utf8Bom), "The file does not start with a UTF-8 byte-order mark.");
        return Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 3, file.Length - 3));
    }

    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "A quoted field is not closed.");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                Assert.True(i == text.Length || text[i] is ',' or '\r', $"Text after a closing quote at {i}.");
            }
            else if (text[i] == ',')
            {
                row.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (text[i] == '\r')
            {
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', "A line ends in CR without LF.");
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i += 2;
            }
            else
            {
                Assert.True(text[i] is not ('"' or '\n'), $"A bare quote or line feed outside quotes at {i}.");
                field.Append(text[i++]);
            }
        }

        Assert.True(row.Count == 0 && field.Length == 0, "The last line does not end in CRLF.");
        return rows;
    }
}
