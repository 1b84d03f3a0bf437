using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>How one of the replaced systems shapes its error replies: used for the services' refusals, for the
/// ApiKey scheme's 401/403 (as endpoint metadata) and for unexpected errors.</summary>
public abstract class CompatShape : IApiErrorShape
{
    public abstract IResult Error(int status, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null);

    /// <summary>The status a service refusal gets in this system.</summary>
    protected virtual int StatusOf(OperationResult result) => result.Status switch
    {
        OperationStatus.Invalid => StatusCodes.Status400BadRequest,
        OperationStatus.Forbidden => StatusCodes.Status403Forbidden,
        OperationStatus.NotFound => StatusCodes.Status404NotFound,
        OperationStatus.Conflict => StatusCodes.Status409Conflict,
        OperationStatus.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public IResult From(OperationResult result) =>
        Error(StatusOf(result), Describe(result), result.FieldErrors);

    public Task WriteAsync(HttpContext http, int status, string message) => Error(status, message).ExecuteAsync(http);

    /// <summary>The service's message, followed by its field errors (the old systems have one message string).</summary>
    protected static string Describe(OperationResult result)
    {
        var message = result.Message ?? ApiProblems.Title(500);
        var details = (result.FieldErrors ?? new Dictionary<string, string[]>())
            .SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))
            .Where(d => !d.EndsWith(": " + message, StringComparison.Ordinal))
            .ToList();
        return details.Count == 0 ? message : $"{message} {string.Join(" ", details)}";
    }
}

/// <summary>Usergrid: <c>{"error": code, "error_description": text, "timestamp", "duration"}</c>.</summary>
public sealed class UsergridShape : CompatShape
{
    public static readonly UsergridShape Instance = new();

    public override IResult Error(int status, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null) =>
        Results.Json(new Dictionary<string, object?>
        {
            ["error"] = status switch
            {
                400 => "illegal_argument",
                401 => "unauthorized",
                403 => "forbidden",
                404 => "service_resource_not_found",
                409 => "conflict",
                413 => "request_entity_too_large",
                429 => "too_many_requests",
                _ => "server_error",
            },
            ["error_description"] = message,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["duration"] = 0,
        }, statusCode: status);
}

/// <summary>Allthenticate: <c>{"error": text}</c>, 400 for anything the request or the rules refused.</summary>
public sealed class AllthenticateShape : CompatShape
{
    public static readonly AllthenticateShape Instance = new();

    protected override int StatusOf(OperationResult result) =>
        result.Status == OperationStatus.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;

    public override IResult Error(int status, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null) =>
        Results.Json(new Dictionary<string, string> { ["error"] = message }, statusCode: status);
}

/// <summary>
/// Virtool: <c>{"id": code, "message": text}</c>, with <c>errors</c> for invalid input (422). A user id (username) or
/// email already in use is a conflict (409) rather than invalid input: the request is well formed, the name is taken.
/// </summary>
public sealed class VirtoolShape : CompatShape
{
    public static readonly VirtoolShape Instance = new();

    protected override int StatusOf(OperationResult result) => result switch
    {
        { Status: OperationStatus.Invalid, InUse: true } => StatusCodes.Status409Conflict,
        { Status: OperationStatus.Invalid } => StatusCodes.Status422UnprocessableEntity,
        _ => base.StatusOf(result),
    };

    public override IResult Error(int status, string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = status switch
            {
                400 => "bad_request",
                401 => "unauthorized",
                403 => "not_permitted",
                404 => "not_found",
                409 => "conflict",
                413 => "payload_too_large",
                422 => "invalid_input",
                429 => "too_many_requests",
                _ => "server_error",
            },
            ["message"] = message,
        };
        if (fieldErrors is { Count: > 0 })
        {
            body["errors"] = fieldErrors;
        }

        return Results.Json(body, statusCode: status);
    }
}
