using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;

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
            Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = ApiKeyDefaults.Scheme },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes[ApiKeyDefaults.Scheme] = scheme;
        var requirement = new OpenApiSecurityRequirement { [scheme] = [] };
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations.Values))
        {
            operation.Security = [requirement];
        }

        return Task.CompletedTask;
    }
}

/// <summary>Example values for the API's own request and response shapes.</summary>
internal sealed class ApiExampleTransformer : IOpenApiSchemaTransformer
{
    private static readonly Dictionary<Type, Func<IOpenApiAny>> Examples = new()
    {
        [typeof(ApiCreateMember)] = () => new OpenApiObject
        {
            ["userName"] = new OpenApiString("jane.doe"),
            ["email"] = new OpenApiString("jane.doe@example.org"),
            ["firstName"] = new OpenApiString("Jane"),
            ["lastName"] = new OpenApiString("Doe"),
            ["password"] = new OpenApiString("correct-horse-battery-staple"),
            ["mustChangePassword"] = new OpenApiBoolean(true),
        },
        [typeof(ApiUpdateProfile)] = () => new OpenApiObject
        {
            ["firstName"] = new OpenApiString("Jane"),
            ["lastName"] = new OpenApiString("Doe"),
            ["displayName"] = new OpenApiString("Jane Doe"),
            ["email"] = new OpenApiString("jane.doe@example.org"),
            ["accountVersion"] = new OpenApiString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        },
        [typeof(ApiSetRank)] = () => new OpenApiObject { ["rank"] = new OpenApiString("Admin"), ["version"] = new OpenApiString("0f8fad5bd9cb469fa16570867728950e") },
        [typeof(ApiSetTag)] = () => new OpenApiObject { ["tag"] = new OpenApiString("User"), ["version"] = new OpenApiString("0f8fad5bd9cb469fa16570867728950e") },
        [typeof(ApiCreateGroup)] = () => new OpenApiObject { ["name"] = new OpenApiString("Help desk EMEA"), ["description"] = new OpenApiString("Password work for EMEA") },
        [typeof(ApiChanged)] = () => new OpenApiObject { ["changed"] = new OpenApiBoolean(true) },
        [typeof(ApiTemporaryPassword)] = () => new OpenApiObject
        {
            ["password"] = new OpenApiString("abcd-efgh-jkmn-pqrs"),
            ["expiresAt"] = new OpenApiString("2026-12-01T12:00:00Z"),
        },
        [typeof(ApiMemberListItem)] = () => new OpenApiObject
        {
            ["id"] = new OpenApiString("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            ["userName"] = new OpenApiString("jane.doe"),
            ["email"] = new OpenApiString("jane.doe@example.org"),
            ["displayName"] = new OpenApiString("Jane Doe"),
            ["rank"] = new OpenApiString("Regular"),
            ["tag"] = new OpenApiString("User"),
            ["status"] = new OpenApiString("Active"),
            ["groups"] = new OpenApiString("Help desk"),
            ["createdAt"] = new OpenApiString("2026-11-01T09:30:00Z"),
            ["lastSignInAt"] = new OpenApiString("2026-11-29T08:02:11Z"),
            ["emailConfirmed"] = new OpenApiBoolean(true),
            ["mustChangePassword"] = new OpenApiBoolean(false),
            ["deviceStatus"] = new OpenApiString("Registered"),
        },
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Example = example();
        }

        return Task.CompletedTask;
    }
}
