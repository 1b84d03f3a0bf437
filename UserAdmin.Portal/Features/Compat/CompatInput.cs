using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using UserAdmin.Portal.Features.Api;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// The parameters of an old-style request, read the way those systems' clients send them: a JSON body whatever the
/// content type (<c>curl -d '{…}'</c> labels JSON as a form), a form body, or the query string (GET). A body on a GET
/// is read too (ThreatStream's example sends one). Names are matched exactly; the body wins over the query.
/// <para>
/// A JSON body goes through the portal's one JSON reader (<see cref="ApiJsonBodies.Check"/>) and its values are typed
/// as <c>/api/v1</c> types them: a flag takes only true or false, a number only a JSON number, a text only a string
/// (null counts as not given). A value of another type throws <see cref="CompatInputException"/>, which the route
/// answers in its own shape. Form fields and the query string carry only text, so there "1", "yes" or "false" are
/// read as the old systems read them.
/// </para>
/// </summary>
public sealed class CompatInput
{
    private static readonly object ItemKey = new();

    private readonly Dictionary<string, JsonElement> _json;
    private readonly Dictionary<string, string> _form;
    private readonly IQueryCollection _query;

    private CompatInput(IQueryCollection query, Dictionary<string, JsonElement>? json = null, Dictionary<string, string>? form = null, CompatRefusal? refusal = null)
    {
        _json = json ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        _form = form ?? new Dictionary<string, string>(StringComparer.Ordinal);
        _query = query;
        Refusal = refusal ?? (query.FirstOrDefault(q => q.Value.Count > 1) is { Key: { } twice }
            ? new CompatRefusal(StatusCodes.Status400BadRequest, $"The query string names the parameter '{twice}' more than once.")
            : null);
    }

    /// <summary>Why the request cannot be read at all (too large, malformed, a field named twice); every route refuses it before it starts.</summary>
    public CompatRefusal? Refusal { get; }

    public IEnumerable<string> BodyNames => _json.Keys.Concat(_form.Keys);

    /// <summary>The request's parameters, read once per request (the route's filter reads them first).</summary>
    public static async Task<CompatInput> ReadAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var read) && read is CompatInput input)
        {
            return input;
        }

        input = await ReadBodyAsync(http);
        http.Items[ItemKey] = input;
        return input;
    }

    private static async Task<CompatInput> ReadBodyAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (await ApiJsonBodies.ReadAsync(http.Request.Body, http.RequestAborted) is not { } bytes)
        {
            return new CompatInput(query, refusal: new(StatusCodes.Status413PayloadTooLarge, $"The request body may be at most {ApiProblems.MaxBodyBytes / 1024} KB."));
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new CompatInput(query);
        }

        var malformed = new CompatRefusal(StatusCodes.Status400BadRequest, "The request body is neither a JSON object nor form data.");
        switch (ApiJsonBodies.Check(bytes))
        {
            case { Verdict: JsonBodyVerdict.DuplicateField, Field: { } field }:
                return new CompatInput(query, refusal: new(StatusCodes.Status400BadRequest, ApiJsonBodies.DuplicateMessage(field)));
            case { Verdict: JsonBodyVerdict.Valid }:
                using (var json = JsonDocument.Parse(ApiJsonBodies.WithoutBom(bytes)))
                {
                    if (json.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return new CompatInput(query, refusal: malformed);
                    }

                    var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    foreach (var property in json.RootElement.EnumerateObject())
                    {
                        fields[property.Name] = property.Value.Clone();
                    }

                    return new CompatInput(query, json: fields);
                }

            case { Verdict: JsonBodyVerdict.Malformed } when text.TrimStart('\uFEFF').TrimStart() is ['{' or '[', ..]:
                return new CompatInput(query, refusal: malformed);
        }

        var form = QueryHelpers.ParseQuery(text);
        if (form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } repeated })
        {
            return new CompatInput(query, refusal: new(StatusCodes.Status400BadRequest, $"The form names the field '{repeated}' more than once."));
        }

        return form.Count == 0
            ? new CompatInput(query, refusal: malformed)
            : new CompatInput(query, form: form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
    }

    public bool Has(string name) => _json.ContainsKey(name) || _form.ContainsKey(name) || _query.ContainsKey(name);

    /// <summary>The value as sent: a JSON body's value as it is, a form or query value as a JSON string.</summary>
    public JsonElement? Element(string name) =>
        _json.TryGetValue(name, out var value) ? value
        : RawText(name) is { } text ? JsonSerializer.SerializeToElement(text)
        : null;

    /// <summary>A form or query value (never a JSON body's).</summary>
    private string? RawText(string name) =>
        _form.TryGetValue(name, out var text) ? text
        : _query.TryGetValue(name, out StringValues query) ? query.ToString()
        : null;

    /// <summary>A JSON body's value if it is of a kind the field takes; null when absent or null.</summary>
    private JsonElement? Typed(string name, string expected, JsonValueKind kind, JsonValueKind orKind = JsonValueKind.Undefined) =>
        !_json.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == kind || value.ValueKind == orKind ? value
        : throw CompatInputException.WrongType(name, expected);

    /// <summary>A string; in a form or the query, the text as sent.</summary>
    public string? Text(string name) =>
        _json.ContainsKey(name) ? Typed(name, "a string", JsonValueKind.String)?.GetString() : RawText(name);

    /// <summary>A whole number: a JSON number, or in a form or the query its digits (null when they are not).</summary>
    public long? Number(string name)
    {
        if (_json.ContainsKey(name))
        {
            return Typed(name, "a number", JsonValueKind.Number) is not { } value ? null
                : value.TryGetInt64(out var number) ? number
                : throw CompatInputException.WrongType(name, "a whole number");
        }

        return long.TryParse(RawText(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>true or false; in a form or the query also "1", "yes", "on" and "0", "no", "off" (null for other text).</summary>
    public bool? Flag(string name) =>
        _json.ContainsKey(name)
            ? Typed(name, "true or false", JsonValueKind.True, JsonValueKind.False)?.GetBoolean()
            : RawText(name)?.Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => null,
            };

    /// <summary>
    /// A list: a JSON array, or in a form a field holding one serialized (null when it does not). A serialized list
    /// goes through the same JSON reader as a body, so it may not name a field twice either.
    /// </summary>
    public JsonElement? Array(string name)
    {
        if (_json.ContainsKey(name))
        {
            return Typed(name, "a list", JsonValueKind.Array);
        }

        if (RawText(name) is not { } text)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        switch (ApiJsonBodies.Check(bytes))
        {
            case { Verdict: JsonBodyVerdict.DuplicateField, Field: { } field }:
                throw new CompatInputException(name, $"The list in {name} names the field '{field}' more than once.");
            case { Verdict: JsonBodyVerdict.Valid }:
                using (var parsed = JsonDocument.Parse(bytes))
                {
                    return parsed.RootElement.ValueKind == JsonValueKind.Array ? parsed.RootElement.Clone() : null;
                }

            default:
                return null;
        }
    }

    /// <summary>A string field of an object in a list (<paramref name="path"/> names the object in a refusal); null when absent or null.</summary>
    public static string? TextIn(JsonElement item, string field, string path) =>
        !item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw CompatInputException.WrongType($"{path}.{field}", "a string");
}

/// <summary>A request the compatibility routes refuse before reading a parameter, with the status to answer.</summary>
public sealed record CompatRefusal(int Status, string Message);

/// <summary>A parameter the route cannot take (of the wrong type, most often): answered as invalid input in the route's shape.</summary>
public sealed class CompatInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;

    public static CompatInputException WrongType(string field, string expected) => new(field, $"{field} must be {expected}.");
}
