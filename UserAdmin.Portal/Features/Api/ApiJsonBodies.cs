using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace UserAdmin.Portal.Features.Api;

/// <summary>What the JSON reader makes of a body.</summary>
internal enum JsonBodyVerdict
{
    Valid,
    Malformed,

    /// <summary>An object names a field twice (ignoring case).</summary>
    DuplicateField,
}

/// <param name="Field">The repeated field name (shortened to 64 characters) when the verdict is DuplicateField.</param>
internal readonly record struct JsonBodyCheck(JsonBodyVerdict Verdict, string? Field = null);

/// <summary>
/// The one JSON reader of every request body the portal takes from scripts: <c>/api/v1</c> before binding and the
/// compatibility routes before they read a parameter. Its rules are System.Text.Json's defaults (no comments, no
/// trailing commas, strict UTF-8, at most 64 levels) plus one: an object may not name a field twice, at any depth,
/// compared ignoring case as binding compares them. System.Text.Json keeps the last of duplicate fields, so
/// <c>{"tag":"Guest","tag":"User"}</c> would mean one thing to a proxy or log reader and another to the portal.
/// (<see cref="JsonDocumentOptions.AllowDuplicateProperties"/> compares names exactly, so <c>tag</c> and <c>Tag</c>
/// would pass it and still both bind to one property.)
/// </summary>
internal static class ApiJsonBodies
{
    public static bool HasJsonBody(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is longer than <see cref="ApiProblems.MaxBodyBytes"/> (whatever the server's own limit).</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > ApiProblems.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static string DuplicateMessage(string field) => $"The JSON body names the field '{field}' more than once.";

    /// <summary>The body without a leading UTF-8 byte order mark, which the binder's stream reading skips too.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body;

    /// <summary>Reads the whole document once: well-formed, and no object naming a field twice.</summary>
    public static JsonBodyCheck Check(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(WithoutBom(json).Span);
        var scopes = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName when scopes.Peek() is { } names:
                        var name = reader.GetString()!;
                        if (!names.Add(name))
                        {
                            return new(JsonBodyVerdict.DuplicateField, name.Length > 64 ? name[..64] + "…" : name);
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new(JsonBodyVerdict.Malformed);
        }

        return reader.TokenType == JsonTokenType.None ? new(JsonBodyVerdict.Malformed) : new(JsonBodyVerdict.Valid);
    }
}
