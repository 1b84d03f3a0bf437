using System.Text.Json;
using Microsoft.AspNetCore.Routing;

namespace UserAdmin.Portal.Features.Api;

public sealed record ApiParameterDoc(string Name, string In, bool Required, string? Description);

public sealed record ApiOperationDoc(
    string Tag, string Method, string Path, string? Summary, string? Description,
    IReadOnlyList<ApiParameterDoc> Parameters, string? RequestExample, IReadOnlyList<string> Responses);

/// <summary>
/// The generated OpenAPI document, as operations for the portal's /api-docs page. It asks the document's own endpoint
/// in-process (no HTTP round trip, no script from elsewhere), so the page shows exactly what /openapi/v1.json serves.
/// </summary>
public sealed class ApiDocumentReader(EndpointDataSource endpoints, IServiceScopeFactory scopes)
{
    public const string DocumentRoute = "/openapi/{documentName}.json";

    public async Task<IReadOnlyList<ApiOperationDoc>> ReadAsync(CancellationToken ct = default)
    {
        var endpoint = endpoints.Endpoints.OfType<RouteEndpoint>().FirstOrDefault(e => e.RoutePattern.RawText == DocumentRoute);
        if (endpoint?.RequestDelegate is not { } handler)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = ct };
        http.Request.Method = HttpMethods.Get;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = "/openapi/v1.json";
        http.Request.RouteValues = new RouteValueDictionary { ["documentName"] = "v1" };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await handler(http);

        body.Position = 0;
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        return Parse(document.RootElement);
    }

    internal static IReadOnlyList<ApiOperationDoc> Parse(JsonElement document)
    {
        var schemas = document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
        var operations = new List<ApiOperationDoc>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                var op = method.Value;
                var parameters = op.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new ApiParameterDoc(
                        p.GetProperty("name").GetString() ?? "",
                        p.GetProperty("in").GetString() ?? "",
                        p.TryGetProperty("required", out var r) && r.GetBoolean(),
                        Text(p, "description"))).ToList()
                    : [];
                operations.Add(new ApiOperationDoc(
                    op.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0 ? tags[0].GetString() ?? "" : "",
                    method.Name.ToUpperInvariant(),
                    path.Name,
                    Text(op, "summary"),
                    Text(op, "description"),
                    parameters,
                    RequestExample(op, schemas),
                    op.TryGetProperty("responses", out var responses) ? responses.EnumerateObject().Select(r => r.Name).ToList() : []));
            }
        }

        return operations;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string? RequestExample(JsonElement operation, JsonElement schemas)
    {
        if (!operation.TryGetProperty("requestBody", out var body)
            || !body.TryGetProperty("content", out var content)
            || !content.TryGetProperty("application/json", out var json)
            || !json.TryGetProperty("schema", out var schema))
        {
            return null;
        }

        if (schema.TryGetProperty("$ref", out var reference) && schemas.ValueKind == JsonValueKind.Object
            && schemas.TryGetProperty(reference.GetString()!.Split('/')[^1], out var resolved))
        {
            schema = resolved;
        }

        // OpenAPI 3.1 lists a schema's examples in an array ("examples"); 3.0 had one ("example").
        var example = schema.TryGetProperty("examples", out var examples) && examples.ValueKind == JsonValueKind.Array && examples.GetArrayLength() > 0
            ? examples[0]
            : schema.TryGetProperty("example", out var single) ? single : (JsonElement?)null;
        return example is { } value
            ? JsonSerializer.Serialize(value, Indented)
            : null;
    }
}
