using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The document's title, the ApiKey security scheme (required by every operation) and the servers left relative.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "UserAdmin Portal API",
            Version = "v1",
            Description = "Everything the portal does for an organization's members, through the same rules and activity records. "
                + "Authenticate with 'Authorization: ApiKey <key>' (or 'apikey <username>:<key>'); create keys on the portal's API keys page. "
                + "Errors are RFC 7807 problem details; 422 carries field errors in 'errors'.",
        };

        var scheme = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "ApiKey uap_<prefix>_<secret>",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyDefaults.Scheme] = scheme;
        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyDefaults.Scheme, document)] = [] };
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            operation.Security = [requirement];
        }

        return Task.CompletedTask;
    }
}

/// <summary>Example values for the API's own request and response shapes.</summary>
internal sealed class ApiExampleTransformer : IOpenApiSchemaTransformer
{
    private static readonly Dictionary<Type, Func<JsonNode>> Examples = new()
    {
        [typeof(ApiCreateMember)] = () => new JsonObject
        {
            ["userName"] = "jane.doe",
            ["email"] = "jane.doe@example.org",
            ["firstName"] = "Jane",
            ["lastName"] = "Doe",
            ["password"] = "correct-horse-battery-staple",
            ["mustChangePassword"] = true,
        },
        [typeof(ApiUpdateProfile)] = () => new JsonObject
        {
            ["firstName"] = "Jane",
            ["lastName"] = "Doe",
            ["displayName"] = "Jane Doe",
            ["email"] = "jane.doe@example.org",
            ["accountVersion"] = "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        },
        [typeof(ApiSetRank)] = () => new JsonObject { ["rank"] = "Admin", ["version"] = "0f8fad5bd9cb469fa16570867728950e" },
        [typeof(ApiSetTag)] = () => new JsonObject { ["tag"] = "User", ["version"] = "0f8fad5bd9cb469fa16570867728950e" },
        [typeof(ApiCreateGroup)] = () => new JsonObject { ["name"] = "Help desk EMEA", ["description"] = "Password work for EMEA" },
        [typeof(ApiChanged)] = () => new JsonObject { ["changed"] = true },
        [typeof(ApiTemporaryPassword)] = () => new JsonObject
        {
            ["password"] = "abcd-efgh-jkmn-pqrs",
            ["expiresAt"] = "2026-12-01T12:00:00Z",
        },
        [typeof(ApiMemberListItem)] = () => new JsonObject
        {
            ["id"] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            ["userName"] = "jane.doe",
            ["email"] = "jane.doe@example.org",
            ["displayName"] = "Jane Doe",
            ["rank"] = "Regular",
            ["tag"] = "User",
            ["status"] = "Active",
            ["groups"] = "Help desk",
            ["createdAt"] = "2026-11-01T09:30:00Z",
            ["lastSignInAt"] = "2026-11-29T08:02:11Z",
            ["emailConfirmed"] = true,
            ["mustChangePassword"] = false,
            ["deviceStatus"] = "Registered",
        },
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [example()];
        }

        return Task.CompletedTask;
    }
}
