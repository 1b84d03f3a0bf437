using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>Lookups the old APIs share, all through the portal's query and detail services (so the same scoping and checks apply).</summary>
internal static class CompatDirectory
{
    /// <summary>The most rows a whole-list answer (Allthenticate's, Virtool's) holds; those APIs have no paging.</summary>
    public const int WholeListMax = 5000;

    /// <summary>Every member matching <paramref name="filter"/>, by username, up to <paramref name="max"/>, in pages of the grid's query.</summary>
    public static async Task<OperationResult<List<MemberRow>>> ListAsync(
        MemberQueryService members, Actor actor, MemberFilter filter, int max, CancellationToken ct)
    {
        var rows = new List<MemberRow>();
        MemberCursor? cursor = null;
        while (rows.Count < max)
        {
            var request = new PageRequest(cursor is null ? PageAnchor.First : PageAnchor.After, cursor, Math.Min(200, max - rows.Count));
            var page = await members.PageAsync(actor, filter, new MemberSort(MemberSortField.UserName), request, ct);
            if (!page.Succeeded)
            {
                return OperationResult<List<MemberRow>>.Fail(page);
            }

            rows.AddRange(page.Value!.Rows);
            if (!page.Value.HasNext || page.Value.Rows.Count == 0)
            {
                break;
            }

            cursor = page.Value.LastCursor;
        }

        return OperationResult<List<MemberRow>>.Ok(rows);
    }

    /// <summary>A member by account id (a GUID), username or email: Usergrid's and Virtool's user identifiers.</summary>
    public static Task<OperationResult<MemberDetail>> FindAsync(MemberDetailService details, Actor actor, string identifier, CancellationToken ct)
    {
        identifier = identifier.Trim();
        if (Guid.TryParse(identifier, out var id))
        {
            return details.GetAsync(actor, id, ct);
        }

        return identifier.Contains('@', StringComparison.Ordinal)
            ? details.FindAsync(actor, null, identifier, ct)
            : details.FindAsync(actor, identifier, null, ct);
    }
}
