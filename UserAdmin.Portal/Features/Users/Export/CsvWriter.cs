using System.Buffers;
using System.Globalization;
using System.Text;

namespace UserAdmin.Portal.Features.Users.Export;

/// <summary>
/// A small RFC 4180 writer: comma-separated, CRLF line ends, a field quoted when it holds a comma, quote, CR or LF
/// (quotes doubled inside). UTF-8 with a byte-order mark, which is what makes Excel read the file as UTF-8.
/// <para>
/// Cells are neutralised against formula injection (OWASP "CSV Injection"): a cell that starts with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return gets a leading single quote, so a spreadsheet shows it as
/// text instead of evaluating it.
/// </para>
/// <para>
/// Rows collect in a small text buffer and go to the stream in chunks with asynchronous writes only: Kestrel refuses
/// synchronous I/O on a response body, and memory stays at one chunk whatever the number of rows.
/// </para>
/// </summary>
internal sealed class CsvWriter(Stream output)
{
    private const int ChunkChars = 16 * 1024;
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly StringBuilder _pending = new StringBuilder(ChunkChars + 1024).Append('\uFEFF');
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private byte[] _bytes = [];
    private bool _rowHasField;

    /// <summary>Bytes handed to the stream so far.</summary>
    public long BytesWritten { get; private set; }

    public static bool NeedsNeutralising(ReadOnlySpan<char> value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    public void Field(string? value)
    {
        StartField();
        var text = (value ?? "").AsSpan();
        var neutralise = NeedsNeutralising(text);
        var quote = text.ContainsAny(NeedsQuotes);
        if (quote)
        {
            _pending.Append('"');
        }

        if (neutralise)
        {
            _pending.Append('\'');
        }

        if (quote)
        {
            var rest = text;
            for (var at = rest.IndexOf('"'); at >= 0; at = rest.IndexOf('"'))
            {
                _pending.Append(rest[..(at + 1)]).Append('"');
                rest = rest[(at + 1)..];
            }

            _pending.Append(rest);

            _pending.Append('"');
        }
        else
        {
            _pending.Append(text);
        }
    }

    /// <summary>A UTC time as ISO 8601 (<c>2026-01-31T09:15:00Z</c>): never quoted, never neutralised.</summary>
    public void Field(DateTime? utc)
    {
        StartField();
        if (utc is { } value)
        {
            Span<char> buffer = stackalloc char[20];
            value.TryFormat(buffer, out var written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
            _pending.Append(buffer[..written]);
        }
    }

    public void Field(bool value)
    {
        StartField();
        _pending.Append(value ? "yes" : "no");
    }

    /// <summary>Ends the row; hands a full chunk to the stream.</summary>
    public ValueTask EndRowAsync(CancellationToken ct)
    {
        _pending.Append("\r\n");
        _rowHasField = false;
        return _pending.Length >= ChunkChars ? new ValueTask(WritePendingAsync(ct)) : ValueTask.CompletedTask;
    }

    /// <summary>Writes what is buffered and flushes the stream, so the bytes leave now (a response sends them).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await WritePendingAsync(ct);
        await output.FlushAsync(ct);
    }

    private void StartField()
    {
        if (_rowHasField)
        {
            _pending.Append(',');
        }

        _rowHasField = true;
    }

    private async Task WritePendingAsync(CancellationToken ct)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        var count = Encode();
        await output.WriteAsync(_bytes.AsMemory(0, count), ct);
        BytesWritten += count;
    }

    private int Encode()
    {
        var needed = Encoding.UTF8.GetMaxByteCount(_pending.Length);
        if (_bytes.Length < needed)
        {
            _bytes = new byte[needed];
        }

        // Rows end in CRLF, so no surrogate pair is ever split between two chunks.
        var count = 0;
        foreach (var chunk in _pending.GetChunks())
        {
            count += _encoder.GetBytes(chunk.Span, _bytes.AsSpan(count), flush: false);
        }

        _pending.Clear();
        return count;
    }
}
