using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Users;

/// <summary>
/// Everything that defines what the grid shows, as it travels in the URL: a link or a reload shows the same view.
/// Unknown or malformed values are ignored, never an error.
/// </summary>
public sealed record MemberGridState
{
    public static readonly int[] PageSizes = [25, 50, 100, 200];

    public MemberFilter Filter { get; init; } = MemberFilter.None;
    public MemberSort Sort { get; init; } = new();
    public int PageSize { get; init; } = 50;
    public PageAnchor Anchor { get; init; } = PageAnchor.First;
    public MemberCursor? Cursor { get; init; }

    /// <summary>The page number shown to the admin (counted from whichever end the page was reached from).</summary>
    public int PageNumber { get; init; } = 1;

    /// <summary>
    /// Rows on the last page (the remainder of total ÷ page size), so pages counted back from the end line up
    /// with pages counted from the start. Null when the total was not known yet: then the last page is full.
    /// </summary>
    public int? LastPageRows { get; init; }

    public PageRequest PageRequest => new(Anchor, Cursor, Anchor == PageAnchor.Last && LastPageRows is { } rows ? rows : PageSize);

    public static MemberGridState FromQuery(string? query)
    {
        var q = QueryHelpers.ParseQuery(query);
        string? Get(string key) => q.TryGetValue(key, out var v) ? v.ToString() : null;
        TEnum? Enum<TEnum>(string key) where TEnum : struct, Enum =>
            System.Enum.TryParse<TEnum>(Get(key), ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value : null;
        bool? Bool(string key) => bool.TryParse(Get(key), out var b) ? b : null;

        var size = int.TryParse(Get("size"), CultureInfo.InvariantCulture, out var s) && PageSizes.Contains(s) ? s : 50;
        var cursor = MemberCursor.TryDecode(Get("cursor"));
        var anchor = Enum<PageAnchor>("page") ?? PageAnchor.First;
        if (anchor is PageAnchor.After or PageAnchor.Before && cursor is null)
        {
            anchor = PageAnchor.First;
        }

        return new MemberGridState
        {
            Filter = new MemberFilter
            {
                Search = Get("q") is { Length: > 0 and <= 200 } search ? search : null,
                Status = Enum<MemberStatus>("status"),
                Rank = Enum<MemberRank>("rank"),
                Tag = Enum<MemberTag>("tag"),
                GroupId = Guid.TryParse(Get("group"), out var group) ? group : null,
                EmailConfirmed = Bool("emailConfirmed"),
                MustChangePassword = Bool("mustChange"),
                DeviceStatus = Enum<DeviceStatus>("device"),
            },
            Sort = new MemberSort(Enum<MemberSortField>("sort") ?? MemberSortField.DisplayName, Get("dir") == "desc"),
            PageSize = size,
            Anchor = anchor,
            Cursor = anchor is PageAnchor.After or PageAnchor.Before ? cursor : null,
            LastPageRows = anchor == PageAnchor.Last && int.TryParse(Get("rows"), CultureInfo.InvariantCulture, out var r) && r > 0 && r < size ? r : null,
            // The first page is page 1 whatever "n" says (e.g. when a stale or forged cursor sent the view back there).
            PageNumber = anchor != PageAnchor.First && int.TryParse(Get("n"), CultureInfo.InvariantCulture, out var n) && n is > 0 and < 100_000_000 ? n : 1,
        };
    }

    public string ToQuery()
    {
        var q = new Dictionary<string, string?>();
        var f = Filter;
        q["q"] = string.IsNullOrWhiteSpace(f.Search) ? null : f.Search;
        q["status"] = f.Status?.ToString();
        q["rank"] = f.Rank?.ToString();
        q["tag"] = f.Tag?.ToString();
        q["group"] = f.GroupId?.ToString();
        q["emailConfirmed"] = f.EmailConfirmed?.ToString().ToLowerInvariant();
        q["mustChange"] = f.MustChangePassword?.ToString().ToLowerInvariant();
        q["device"] = f.DeviceStatus?.ToString();
        q["sort"] = Sort.Field == MemberSortField.DisplayName ? null : Sort.Field.ToString();
        q["dir"] = Sort.Descending ? "desc" : null;
        q["size"] = PageSize == 50 ? null : PageSize.ToString(CultureInfo.InvariantCulture);
        q["page"] = Anchor == PageAnchor.First ? null : Anchor.ToString();
        q["cursor"] = Anchor is PageAnchor.After or PageAnchor.Before ? Cursor?.Encode() : null;
        q["rows"] = Anchor == PageAnchor.Last ? LastPageRows?.ToString(CultureInfo.InvariantCulture) : null;
        q["n"] = PageNumber == 1 ? null : PageNumber.ToString(CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString("", q.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>A new filter or sort starts again at the first page.</summary>
    public MemberGridState WithFilter(MemberFilter filter) => this with { Filter = filter, Anchor = PageAnchor.First, Cursor = null, PageNumber = 1 };

    public MemberGridState WithSort(MemberSort sort) => this with { Sort = sort, Anchor = PageAnchor.First, Cursor = null, PageNumber = 1 };

    public MemberGridState WithPageSize(int size) => this with { PageSize = size, Anchor = PageAnchor.First, Cursor = null, PageNumber = 1 };
}
