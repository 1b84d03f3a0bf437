using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace UserAdmin.Portal.Features.Api;

/// <summary>
/// The API's JSON bodies read once, before binding: at most <see cref="ApiProblems.MaxBodyBytes"/> whatever the
/// server (a body streamed without Content-Length is cut off here too, not only by Kestrel's limit), and refused when
/// one object names a field twice. System.Text.Json (.NET 9) keeps the last of duplicate fields, so
/// <c>{"tag":"Guest","tag":"User"}</c> would mean one thing to a proxy or log reader and another to the portal.
/// </summary>
internal static class ApiJsonBodies
{
    public static bool HasJsonBody(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is longer than the limit.</summary>
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

    /// <summary>
    /// The first field name an object repeats (ignoring case, as binding does), or null. Malformed JSON is left to
    /// the binder, which answers it with its own 400.
    /// </summary>
    public static string? FindDuplicateField(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
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
                            return name.Length > 64 ? name[..64] + "…" : name;
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }

        return null;
    }
}
