using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Api;

/// <summary>
/// RFC 7807 problem details for everything under <c>/api</c>: service refusals, binding failures, oversized bodies,
/// unknown routes and unexpected errors. Never HTML, never a stack trace.
/// </summary>
public static class ApiProblems
{
    public const string PathPrefix = "/api";

    /// <summary>The largest request body the API reads; bigger ones get 413.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments(PathPrefix);

    public static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request body too large",
        415 => "Unsupported media type",
        422 => "Validation failed",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => status >= 500 ? "Server error" : "Error",
    };

    public static Task WriteAsync(HttpContext http, int status, string? detail) =>
        Results.Problem(detail: detail, statusCode: status, title: Title(status)).ExecuteAsync(http);

    /// <summary>The HTTP answer for a service's refusal (an Ok result is the caller's to shape).</summary>
    public static IResult From(OperationResult result) => result.Status switch
    {
        OperationStatus.Invalid => TypedResults.Problem(new HttpValidationProblemDetails(CamelCase(result.FieldErrors))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = Title(422),
            Detail = result.Message,
        }),
        OperationStatus.Forbidden => Problem(403, result.Message),
        OperationStatus.NotFound => Problem(404, result.Message),
        OperationStatus.Conflict => Problem(409, result.Message),
        OperationStatus.Unavailable => Problem(503, result.Message),
        _ => Problem(500, "The operation did not complete."),
    };

    public static IResult Problem(int status, string? detail) => TypedResults.Problem(detail, statusCode: status, title: Title(status));

    public static IResult Invalid(string field, string message) =>
        From(OperationResult.Invalid(field, message));

    private static Dictionary<string, string[]> CamelCase(IReadOnlyDictionary<string, string[]>? errors) =>
        // "Smartcards[0].Number" becomes "smartcards[0].number", like the JSON the caller sent.
        (errors ?? new Dictionary<string, string[]>()).ToDictionary(
            e => string.Join('.', e.Key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName)), e => e.Value);

    /// <summary>
    /// The <c>/api</c> branch's safety net, early in the pipeline: limits the body, turns binding failures and
    /// unexpected exceptions into problems, and gives any empty error response (404 of an unknown route, 400 of
    /// malformed JSON, 405) a problem body.
    /// </summary>
    public static void UseApiProblems(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!IsApi(http))
            {
                await next(http);
                return;
            }

            if (http.Request.ContentLength > MaxBodyBytes)
            {
                await WriteAsync(http, 413, $"The request body may be at most {MaxBodyBytes / 1024} KB.");
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodyBytes;
            }

            try
            {
                if (ApiJsonBodies.HasJsonBody(http.Request))
                {
                    if (await ApiJsonBodies.ReadAsync(http.Request.Body, http.RequestAborted) is not { } body)
                    {
                        await WriteAsync(http, 413, $"The request body may be at most {MaxBodyBytes / 1024} KB.");
                        return;
                    }

                    // Malformed JSON is left to the binder, which answers it with its own 400.
                    if (ApiJsonBodies.Check(body) is { Verdict: JsonBodyVerdict.DuplicateField, Field: { } duplicate })
                    {
                        await WriteAsync(http, 400, ApiJsonBodies.DuplicateMessage(duplicate));
                        return;
                    }

                    var buffered = new MemoryStream(body, writable: false);
                    http.Response.RegisterForDispose(buffered);
                    http.Request.Body = buffered;
                    http.Request.ContentLength = body.Length;
                }

                await next(http);
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await WriteAsync(http, ex.StatusCode, BindingDetail(ex.StatusCode, ex.InnerException as JsonException));
                return;
            }
            catch (Exception ex) when (!http.Response.HasStarted && ex is not OperationCanceledException)
            {
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("UserAdmin.Portal.Api");
                http.Response.Clear();
                if (DatabaseFaults.Describe(ex) is { } fault)
                {
                    // A full, read-only or busy database outside a service operation (a read, the key check): the same 503.
                    logger.LogWarning(ex, "Database unavailable in {Method} {Path}", http.Request.Method, http.Request.Path);
                    await WriteAsync(http, 503, fault);
                    return;
                }

                logger.LogError(ex, "Unhandled error in {Method} {Path}", http.Request.Method, http.Request.Path);
                await WriteAsync(http, 500, "Something went wrong on the server; the error is logged.");
                return;
            }

            if (http.Response.StatusCode >= 400 && !http.Response.HasStarted && http.Response.ContentType is null)
            {
                await WriteAsync(http, http.Response.StatusCode, BindingDetail(http.Response.StatusCode, null));
            }
        });

    private static string? BindingDetail(int status, JsonException? json) => status switch
    {
        // The path names the field (an unknown one too), never a value.
        400 when json is not null =>
            $"The JSON body is not valid for this operation at {json.Path ?? "$"}: malformed, a value of the wrong type, or a field this operation does not know.",
        400 => "The request is malformed: check the JSON body (no unknown fields) and the route and query values.",
        404 => "No such API resource.",
        405 => "This resource does not support that method.",
        413 => $"The request body may be at most {MaxBodyBytes / 1024} KB.",
        415 => "Send the body as application/json.",
        _ => null,
    };
}
