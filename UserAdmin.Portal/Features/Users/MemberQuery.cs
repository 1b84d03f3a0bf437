using System.Text;
using System.Text.Json;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Users;

/// <summary>A member's standing as the grid shows it; the first that applies wins.</summary>
public enum MemberStatus
{
    Active,
    Suspended,
    PendingActivation,
    LockedOut,
}

public enum MemberSortField
{
    DisplayName,
    UserName,
    Email,
    Rank,
    Tag,
    Status,
    Groups,
    CreatedAt,
    LastSignInAt,
}

/// <summary>Everything the grid can narrow the organization's members by. Null means "any".</summary>
public sealed record MemberFilter
{
    public string? Search { get; init; }
    public MemberStatus? Status { get; init; }
    public MemberRank? Rank { get; init; }
    public MemberTag? Tag { get; init; }
    public Guid? GroupId { get; init; }
    public bool? EmailConfirmed { get; init; }
    public bool? MustChangePassword { get; init; }
    public DeviceStatus? DeviceStatus { get; init; }

    public static MemberFilter None { get; } = new();

    public bool IsEmpty => this == None || (string.IsNullOrWhiteSpace(Search) && this with { Search = null } == None);
}

public sealed record MemberSort(MemberSortField Field = MemberSortField.DisplayName, bool Descending = false);

public enum PageAnchor
{
    First,
    Last,
    After,
    Before,
}

/// <summary>Which page: the first, the last, or the one after/before a cursor (keyset paging: any depth is a seek).</summary>
public sealed record PageRequest(PageAnchor Anchor = PageAnchor.First, MemberCursor? Cursor = null, int Size = 50)
{
    public const int MaxSize = 500;
}

/// <summary>The sort key of one row: the values of the sort's columns, then the membership id. Opaque in URLs.</summary>
public sealed record MemberCursor(IReadOnlyList<JsonElement> Values, long Id)
{
    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new object[] { Values, Id });
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static MemberCursor? TryDecode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 2048)
        {
            return null;
        }

        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(base64));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != 2 || root[0].ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var values = root[0].EnumerateArray().Select(v => v.Clone()).ToList();
            if (values.Count is 0 or > 3 || values.Any(v => v.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)))
            {
                return null;
            }

            return new MemberCursor(values, root[1].GetInt64());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}

public sealed record MemberRow(
    long MembershipId,
    Guid AccountId,
    string UserName,
    string Email,
    string DisplayName,
    MemberRank Rank,
    MemberTag Tag,
    MemberStatus Status,
    string GroupNames,
    DateTime CreatedAt,
    DateTime? LastSignInAt,
    bool EmailConfirmed,
    bool MustChangePassword,
    DeviceStatus DeviceStatus)
{
    internal MemberCursor Cursor { get; init; } = new([], MembershipId);
}

public sealed record MemberPage(IReadOnlyList<MemberRow> Rows, bool HasPrevious, bool HasNext)
{
    public static MemberPage Empty { get; } = new([], false, false);

    public MemberCursor? FirstCursor => Rows.Count > 0 ? Rows[0].Cursor : null;
    public MemberCursor? LastCursor => Rows.Count > 0 ? Rows[^1].Cursor : null;
}

internal static class MemberSortColumns
{
    public static IReadOnlyList<string> For(MemberSortField field) => field switch
    {
        MemberSortField.UserName => ["UserName"],
        MemberSortField.Email => ["Email"],
        MemberSortField.Rank => ["Rank"],
        MemberSortField.Tag => ["Tag"],
        MemberSortField.Status => ["IsSuspended", "IsActivated", "LockoutEnd"],
        MemberSortField.Groups => ["GroupNames"],
        MemberSortField.CreatedAt => ["CreatedAt"],
        MemberSortField.LastSignInAt => ["LastSignInAt"],
        _ => ["DisplayName"],
    };

    /// <summary>Full-text terms for the trigram index (3+ characters each), as an FTS5 query of quoted phrases.</summary>
    public static string? FullTextQuery(string search)
    {
        var terms = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.EnumerateRunes().Count() >= 3) // trigrams are counted in characters, not UTF-16 units
            .Take(8)
            .ToList();
        if (terms.Count == 0)
        {
            return null;
        }

        var query = new StringBuilder();
        foreach (var term in terms)
        {
            query.Append('"').Append(term.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\" ");
        }

        return query.ToString().TrimEnd();
    }
}
