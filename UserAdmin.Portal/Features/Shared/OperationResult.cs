namespace UserAdmin.Portal.Features.Shared;

public enum OperationStatus
{
    Ok,
    Invalid,
    Forbidden,
    NotFound,
    Conflict,

    /// <summary>The database could not take the change (full, read-only, busy): nothing was saved, try again later.</summary>
    Unavailable,
}

/// <summary>The outcome of a service operation: success, or why not, in words a person can act on.</summary>
public record OperationResult(
    OperationStatus Status,
    string? Message = null,
    IReadOnlyDictionary<string, string[]>? FieldErrors = null)
{
    public bool Succeeded => Status == OperationStatus.Ok;

    /// <summary>
    /// Invalid because another record already holds the value (a username or email in use), not because of its form:
    /// an API whose clients expect 409 for that can tell it apart.
    /// </summary>
    public bool InUse { get; init; }

    public static OperationResult Ok() => new(OperationStatus.Ok);
    public static OperationResult Forbidden(string reason) => new(OperationStatus.Forbidden, reason);
    public static OperationResult NotFound(string message = "Not found.") => new(OperationStatus.NotFound, message);
    public static OperationResult Conflict(string message) => new(OperationStatus.Conflict, message);
    public static OperationResult Unavailable(string message) => new(OperationStatus.Unavailable, message);

    public static OperationResult Invalid(string message, IReadOnlyDictionary<string, string[]>? fieldErrors = null) =>
        new(OperationStatus.Invalid, message, fieldErrors);

    public static OperationResult Invalid(string field, string message) =>
        new(OperationStatus.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });

    public static OperationResult Taken(string field, string message) => Invalid(field, message) with { InUse = true };

    public static OperationResult From(Decision decision) =>
        decision.Allowed ? Ok() : Forbidden(decision.Reason!);
}

public sealed record OperationResult<T>(
    OperationStatus Status,
    T? Value,
    string? Message = null,
    IReadOnlyDictionary<string, string[]>? FieldErrors = null)
    : OperationResult(Status, Message, FieldErrors)
{
    public static OperationResult<T> Ok(T value) => new(OperationStatus.Ok, value);

    public static OperationResult<T> Fail(OperationResult failure) =>
        new(failure.Status, default, failure.Message, failure.FieldErrors) { InUse = failure.InUse };
}
