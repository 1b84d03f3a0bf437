using System.Text;

namespace UserAdmin.Portal.Features.Users.Import;

/// <summary>
/// Reads RFC 4180 CSV: quoted fields with doubled quotes, commas and line breaks inside quotes, CRLF or LF, an
/// optional UTF-8 byte-order mark. Bounded: a field longer than <see cref="MaxFieldLength"/> or a row with more than
/// <see cref="MaxFields"/> fields is an error, so a hostile file cannot make it hold unbounded memory.
/// </summary>
public static class CsvReader
{
    public const int MaxFieldLength = 4096;
    public const int MaxFields = 200;

    public static async IAsyncEnumerable<IReadOnlyList<string>> ReadAsync(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStarted = false;
        var buffer = new char[8192];
        var first = true;
        int read;
        char? pending = null;

        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (first)
                {
                    first = false;
                    if (c == '\uFEFF')
                    {
                        continue;
                    }
                }

                if (pending == '"')
                {
                    pending = null;
                    if (c == '"')
                    {
                        Append(field, '"');
                        continue;
                    }

                    quoted = false;
                }

                if (quoted)
                {
                    if (c == '"')
                    {
                        pending = '"';
                    }
                    else
                    {
                        Append(field, c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when !fieldStarted && field.Length == 0:
                        quoted = true;
                        fieldStarted = true;
                        break;
                    case ',':
                        AddField(fields, field);
                        fieldStarted = false;
                        break;
                    case '\r':
                        break;
                    case '\n':
                        AddField(fields, field);
                        fieldStarted = false;
                        if (!(fields.Count == 1 && fields[0].Length == 0))
                        {
                            yield return fields;
                        }

                        fields = [];
                        break;
                    default:
                        Append(field, c);
                        fieldStarted = true;
                        break;
                }
            }
        }

        if (quoted && pending is null)
        {
            throw new FormatException("The file ends inside a quoted field: a closing quote (\") is missing.");
        }

        if (field.Length > 0 || fields.Count > 0 || fieldStarted)
        {
            AddField(fields, field);
            if (!(fields.Count == 1 && fields[0].Length == 0))
            {
                yield return fields;
            }
        }
    }

    private static void Append(StringBuilder field, char c)
    {
        if (field.Length >= MaxFieldLength)
        {
            throw new FormatException($"A field is longer than {MaxFieldLength} characters.");
        }

        field.Append(c);
    }

    private static void AddField(List<string> fields, StringBuilder field)
    {
        if (fields.Count >= MaxFields)
        {
            throw new FormatException($"A row has more than {MaxFields} fields.");
        }

        fields.Add(field.ToString());
        field.Clear();
    }
}
