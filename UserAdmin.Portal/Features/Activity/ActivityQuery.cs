using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Activity;

/// <summary>
/// Which records: the whole organization or one member's (what they did and what was done to them), narrowed by
/// the activity page's filters. Times are UTC: <see cref="From"/> inclusive, <see cref="To"/> exclusive.
/// </summary>
public sealed record ActivityQuery(Guid? MemberAccountId = null)
{
    public const int SearchMaxLength = 200;

    /// <summary>Who acted: a username, or <c>system</c>.</summary>
    public string? Actor { get; init; }

    /// <summary>Who was acted on: a username.</summary>
    public string? Target { get; init; }

    public string? Verb { get; init; }
    public ActivityCategory? Category { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }

    /// <summary>Words that must all appear in the title (any case).</summary>
    public string? Search { get; init; }

    public bool IsFiltered =>
        !string.IsNullOrWhiteSpace(Actor) || !string.IsNullOrWhiteSpace(Target) || !string.IsNullOrWhiteSpace(Verb)
        || Category is not null || From is not null || To is not null || !string.IsNullOrWhiteSpace(Search);

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm";

    /// <summary>The filters as a query string (<c>?actor=…&amp;q=…</c>), empty when there are none: the page's URL and the export's.</summary>
    public string ToQueryString()
    {
        var values = new List<KeyValuePair<string, string?>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                values.Add(new(key, value.Trim()));
            }
        }

        Add("actor", Actor);
        Add("target", Target);
        Add("verb", Verb);
        Add("category", Category?.ToString());
        Add("from", From?.ToString(TimeFormat, CultureInfo.InvariantCulture));
        Add("to", To?.ToString(TimeFormat, CultureInfo.InvariantCulture));
        Add("q", Search);
        return values.Count == 0 ? "" : QueryString.Create(values).Value!;
    }

    /// <summary>Reads the filters back from a query string; a value that does not parse is left out rather than failing.</summary>
    public static ActivityQuery FromQueryString(string? queryString)
    {
        var q = QueryHelpers.ParseQuery(queryString);
        string? Text(string key, int max) => q.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString())
            ? Cut(v.ToString().Trim(), max)
            : null;

        return new ActivityQuery
        {
            Actor = Text("actor", 256),
            Target = Text("target", 256),
            Verb = Text("verb", 64),
            Category = Enum.TryParse<ActivityCategory>(Text("category", 20), ignoreCase: true, out var c) && Enum.IsDefined(c) ? c : null,
            From = ParseTime(Text("from", 40)),
            To = ParseTime(Text("to", 40)),
            Search = Text("q", SearchMaxLength),
        };
    }

    public static DateTime? ParseTime(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : null;

    private static string Cut(string text, int max) => text.Length > max ? text[..max] : text;
}
