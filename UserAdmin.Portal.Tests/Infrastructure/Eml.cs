using System.Text;
using System.Text.RegularExpressions;

namespace UserAdmin.Portal.Tests.Infrastructure;

public sealed record EmlPart(string ContentType, string TransferEncoding, string Body);

/// <summary>
/// Just enough of RFC 5322/2045/2047 to read what the portal writes: unfolded headers, encoded-word subjects, and the
/// parts of a multipart body decoded from quoted-printable or base64 as UTF-8. Strict on purpose: a malformed file fails.
/// </summary>
public sealed partial record Eml(IReadOnlyDictionary<string, string> Headers, string ContentType, IReadOnlyList<EmlPart> Parts)
{
    public string Subject => DecodeWords(Headers["Subject"]);

    public EmlPart Part(string mediaType) =>
        Assert.Single(Parts, p => p.ContentType.StartsWith(mediaType, StringComparison.OrdinalIgnoreCase));

    public static Eml Parse(string raw)
    {
        var (headers, body) = Split(raw);
        var contentType = headers["Content-Type"];
        var boundary = Boundary().Match(contentType) is { Success: true } m ? m.Groups[1].Value : null;
        Assert.NotNull(boundary);

        var parts = new List<EmlPart>();
        var sections = body.Split("--" + boundary);
        Assert.True(sections.Length >= 3, "A multipart body needs at least one part and a closing boundary.");
        Assert.StartsWith("--", sections[^1], StringComparison.Ordinal);
        foreach (var section in sections[1..^1])
        {
            var (partHeaders, partBody) = Split(section.TrimStart('\r', '\n'));
            var encoding = partHeaders.GetValueOrDefault("Content-Transfer-Encoding", "7bit").Trim();
            parts.Add(new EmlPart(partHeaders["Content-Type"], encoding, Decode(partBody, encoding)));
        }

        return new Eml(headers, contentType, parts);
    }

    private static (Dictionary<string, string> Headers, string Body) Split(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end >= 0, "Headers must end with an empty line (CRLF CRLF).");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in text[..end].Split("\r\n"))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && last is not null)
            {
                headers[last] += " " + line.Trim();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"Not a header line: '{line}'.");
            last = line[..colon].Trim();
            headers[last] = line[(colon + 1)..].Trim();
        }

        return (headers, text[(end + 4)..]);
    }

    private static string Decode(string body, string encoding) => encoding.ToLowerInvariant() switch
    {
        "quoted-printable" => Encoding.UTF8.GetString(DecodeQuotedPrintable(body.TrimEnd('\r', '\n'))),
        "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "", StringComparison.Ordinal))),
        _ => body,
    };

    private static byte[] DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var raw = Encoding.ASCII.GetBytes(text.Replace("=\r\n", "", StringComparison.Ordinal));
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '=' && i + 2 < raw.Length)
            {
                bytes.Add(Convert.ToByte(Encoding.ASCII.GetString(raw, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return [.. bytes];
    }

    private static string DecodeWords(string value) => EncodedWord().Replace(value, m =>
        m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[3].Value))
            : Encoding.UTF8.GetString(DecodeQuotedPrintable(m.Groups[3].Value.Replace('_', ' '))))
        .Replace("?= =?", "", StringComparison.Ordinal);

    [GeneratedRegex("boundary=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex Boundary();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*")]
    private static partial Regex EncodedWord();
}
