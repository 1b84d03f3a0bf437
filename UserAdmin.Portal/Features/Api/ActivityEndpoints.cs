using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Api;

/// <summary>The activity page's filters and paging, as query values.</summary>
public sealed class ApiActivityQuery
{
    [Description("Who acted: a username, or system.")]
    [FromQuery] public string? Actor { get; set; }

    [Description("Who was acted on: a username.")]
    [FromQuery] public string? Target { get; set; }

    [Description("Exact verb, e.g. member.suspended.")]
    [FromQuery] public string? Verb { get; set; }

    [Description("Admin, Security or Self.")]
    [FromQuery] public string? Category { get; set; }

    [Description("UTC, inclusive (ISO 8601).")]
    [FromQuery] public DateTime? From { get; set; }

    [Description("UTC, exclusive (ISO 8601).")]
    [FromQuery] public DateTime? To { get; set; }

    [Description("Words that must all appear in the title.")]
    [FromQuery(Name = "q")] public string? Search { get; set; }

    [Description("Records older than this id: the previous page's next value.")]
    [FromQuery] public long? Before { get; set; }

    [Description("Records per page, 1–200 (default 50).")]
    [FromQuery] public int? Limit { get; set; }

    public (ActivityQuery Query, Dictionary<string, string[]> Errors) Read(Guid? member)
    {
        var errors = new Dictionary<string, string[]>();
        ActivityCategory? category = null;
        if (!string.IsNullOrWhiteSpace(Category))
        {
            if (Enum.TryParse<ActivityCategory>(Category, ignoreCase: true, out var c) && Enum.IsDefined(c) && !int.TryParse(Category, out _))
            {
                category = c;
            }
            else
            {
                errors["category"] = ["Use Admin, Security or Self."];
            }
        }

        if (Limit is < 1 or > ActivityFeedService.MaxPageSize)
        {
            errors["limit"] = [$"Ask for 1 to {ActivityFeedService.MaxPageSize} records."];
        }

        foreach (var (field, value, max) in new[] { ("actor", Actor, 256), ("target", Target, 256), ("verb", Verb, 64), ("q", Search, ActivityQuery.SearchMaxLength) })
        {
            if (value?.Length > max)
            {
                errors[field] = [$"At most {max} characters."];
            }
        }

        static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return (new ActivityQuery(member)
        {
            Actor = Text(Actor),
            Target = Text(Target),
            Verb = Text(Verb),
            Category = category,
            From = From?.ToUniversalTime(),
            To = To?.ToUniversalTime(),
            Search = Text(Search),
        }, errors);
    }
}

/// <summary>The activity feed, org-wide and per member, newest first, keyset-paged.</summary>
internal static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/activity", ([AsParameters] ApiActivityQuery query, HttpContext http, ActivityFeedService feed) =>
                ListAsync(query, null, http, feed))
            .WithTags("Activity")
            .WithName("ListActivity")
            .WithSummary("The organization's activity feed")
            .WithDescription("Newest first; page down with ?before=<next>. Needs view_activity.")
            .Produces<ApiActivityPage>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/members/{id:guid}/activity", ([AsParameters] ApiActivityQuery query, Guid id, HttpContext http, ActivityFeedService feed) =>
                ListAsync(query, id, http, feed))
            .WithTags("Activity")
            .WithName("ListMemberActivity")
            .WithSummary("What a member did and what was done to them")
            .Produces<ApiActivityPage>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(ApiActivityQuery query, Guid? member, HttpContext http, ActivityFeedService feed)
    {
        var (activity, errors) = query.Read(member);
        if (errors.Count > 0)
        {
            return ApiProblems.From(OperationResult.Invalid("Some query values are not valid.", errors));
        }

        var page = await feed.ListAsync(ApiActor.Of(http), activity, query.Before, null, query.Limit ?? 50, http.RequestAborted);
        return page.Succeeded ? TypedResults.Ok(new ApiActivityPage(page.Value!.Items, page.Value.OlderThan)) : ApiProblems.From(page);
    }
}
