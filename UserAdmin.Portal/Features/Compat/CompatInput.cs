using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using UserAdmin.Portal.Features.Api;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// The parameters of an old-style request, read the way those systems' clients send them: a JSON body whatever the
/// content type (<c>curl -d '{…}'</c> labels JSON as a form), a form body, or the query string (GET). A body on a GET
/// is read too (ThreatStream's example sends one). Names are matched exactly; the body wins over the query.
/// </summary>
public sealed class CompatInput
{
    private readonly Dictionary<string, JsonElement> _body;
    private readonly IQueryCollection _query;

    private CompatInput(Dictionary<string, JsonElement> body, IQueryCollection query, bool malformed)
    {
        _body = body;
        _query = query;
        Malformed = malformed;
    }

    /// <summary>The body was neither a JSON object nor a form.</summary>
    public bool Malformed { get; }

    public IEnumerable<string> BodyNames => _body.Keys;

    public static async Task<CompatInput> ReadAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await ReadLimitedAsync(reader, http.RequestAborted);
        if (text is null)
        {
            return new CompatInput([], http.Request.Query, malformed: true);
        }

        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new CompatInput(body, http.Request.Query, malformed: false);
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new CompatInput(body, http.Request.Query, malformed: true);
            }

            foreach (var property in json.RootElement.EnumerateObject())
            {
                body[property.Name] = property.Value.Clone();
            }

            return new CompatInput(body, http.Request.Query, malformed: false);
        }
        catch (JsonException) when (!text.TrimStart().StartsWith('{'))
        {
            foreach (var (key, value) in QueryHelpers.ParseQuery(text))
            {
                body[key] = JsonSerializer.SerializeToElement(value.ToString());
            }

            return new CompatInput(body, http.Request.Query, malformed: body.Count == 0);
        }
        catch (JsonException)
        {
            return new CompatInput(body, http.Request.Query, malformed: true);
        }
    }

    private static async Task<string?> ReadLimitedAsync(StreamReader reader, CancellationToken ct)
    {
        var buffer = new char[ApiProblems.MaxBodyBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return total > ApiProblems.MaxBodyBytes ? null : new string(buffer, 0, total);
    }

    public bool Has(string name) => _body.ContainsKey(name) || _query.ContainsKey(name);

    public JsonElement? Element(string name)
    {
        if (_body.TryGetValue(name, out var value))
        {
            return value;
        }

        return _query.TryGetValue(name, out var query) ? JsonSerializer.SerializeToElement(query.ToString()) : null;
    }

    /// <summary>A string, or a number or boolean written as text.</summary>
    public string? Text(string name) => Element(name) is { } e
        ? e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            _ => null,
        }
        : null;

    public long? Number(string name) =>
        long.TryParse(Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>true/false, also as text ("true", "1", "yes").</summary>
    public bool? Flag(string name) => Text(name)?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => null,
    };

    /// <summary>A JSON array, or a string holding one (a form field with a serialized list).</summary>
    public JsonElement? Array(string name)
    {
        if (Element(name) is not { } e)
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Array)
        {
            return e;
        }

        if (e.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(e.GetString()!);
                return parsed.RootElement.ValueKind == JsonValueKind.Array ? parsed.RootElement.Clone() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
