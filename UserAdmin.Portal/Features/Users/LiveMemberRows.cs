namespace UserAdmin.Portal.Features.Users;

/// <summary>
/// The newest version of each row a <see cref="MemberGrid"/> shows, and the cells that show it. When a live refresh
/// brings the same rows in the same order with new content (another admin suspended one of them), only the cells of
/// the rows that changed render again; the grid around them, with the admin's selection and scroll, is left alone.
/// Used on the grid's renderer only, so it needs no locking.
/// </summary>
public sealed class LiveMemberRows
{
    private readonly Dictionary<long, MemberRow> _current = [];
    private readonly Dictionary<long, List<LiveMemberCell>> _cells = [];
    private long[] _order = [];

    /// <summary>The newest version of <paramref name="row"/> (the grid may still hold the one it was given first).</summary>
    public MemberRow Current(MemberRow row) => _current.GetValueOrDefault(row.MembershipId, row);

    /// <summary>Takes a page of rows; true when they are the rows on screen in the same order (only content may differ).</summary>
    /// <param name="changed">The rows whose shown content differs from the version on screen.</param>
    public bool Take(IReadOnlyList<MemberRow> rows, out IReadOnlyList<long> changed)
    {
        var sameOrder = IsShownOrder(rows);

        var different = new List<long>();
        if (sameOrder)
        {
            foreach (var row in rows)
            {
                // The keyset cursor is not shown; a row whose sort value moved without moving it still renders anew.
                if (_current.TryGetValue(row.MembershipId, out var shown) && shown != row with { Cursor = shown.Cursor })
                {
                    different.Add(row.MembershipId);
                }
            }
        }
        else
        {
            _order = rows.Select(r => r.MembershipId).ToArray();
        }

        _current.Clear();
        foreach (var row in rows)
        {
            _current[row.MembershipId] = row;
        }

        changed = different;
        return sameOrder;
    }

    /// <summary>True when <paramref name="rows"/> are the rows on screen in the same order; takes nothing.</summary>
    public bool IsShownOrder(IReadOnlyList<MemberRow> rows)
    {
        if (rows.Count != _order.Length)
        {
            return false;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].MembershipId != _order[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders again the cells of these rows, and nothing else.</summary>
    public void Render(IEnumerable<long> membershipIds)
    {
        foreach (var id in membershipIds)
        {
            if (_cells.TryGetValue(id, out var cells))
            {
                foreach (var cell in cells.ToArray())
                {
                    cell.Refresh();
                }
            }
        }
    }

    internal void Watch(long membershipId, LiveMemberCell cell)
    {
        if (!_cells.TryGetValue(membershipId, out var cells))
        {
            _cells[membershipId] = cells = [];
        }

        cells.Add(cell);
    }

    internal void Unwatch(long membershipId, LiveMemberCell cell)
    {
        if (_cells.TryGetValue(membershipId, out var cells) && cells.Remove(cell) && cells.Count == 0)
        {
            _cells.Remove(membershipId);
        }
    }
}
