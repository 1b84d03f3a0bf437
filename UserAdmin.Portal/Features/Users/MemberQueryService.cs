using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Users;

public sealed record GroupChoice(Guid Id, string Name);

/// <summary>
/// The user grid's read side. Every query is one statement against <c>MemberDirectory</c> inside one
/// organization: a seek on the sort's index (keyset paging from either end, so the last page of a million
/// members costs what the first does), filters on indexed columns, and search through the FTS5 trigram index.
/// Written as SQL over EF's connection because the row-value keyset comparison has no LINQ form; every value is
/// a parameter and every column name comes from a fixed list.
/// </summary>
public sealed class MemberQueryService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    private const string SelectColumns =
        "d.MembershipId, d.AccountId, d.UserName, d.Email, d.DisplayName, d.Rank, d.Tag, d.IsSuspended, d.IsActivated, d.LockoutEnd,"
        + " d.GroupNames, d.CreatedAt, d.LastSignInAt, d.EmailConfirmed, d.MustChangePassword, d.DeviceStatus";

    /// <summary>One page of members, or a refusal when the actor may not list members.</summary>
    public async Task<OperationResult<MemberPage>> PageAsync(
        Actor actor, MemberFilter filter, MemberSort sort, PageRequest page, CancellationToken ct = default)
    {
        // The actor's right to list members is checked inside the page statement itself (one round trip); only an
        // empty page needs the separate check, to tell "no matches" from "not allowed".
        MemberPage result;
        await using (var connection = await OpenReadConnectionAsync(ct))
        {
            result = await QueryPageAsync(connection, actor.OrganizationId, filter, sort, page, ct, actor);
        }

        if (result.Rows.Count == 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await AuthorizeAsync(db, actor, ct) is { } refusal)
            {
                return OperationResult<MemberPage>.Fail(refusal);
            }
        }

        return OperationResult<MemberPage>.Ok(result);
    }

    /// <summary>
    /// The true number of matches. Unfiltered, it is the organization's kept member count (O(1)); filtered, a
    /// count over the same indexes. The grid asks for it separately so rows never wait for it.
    /// </summary>
    /// <summary>True when the total comes from kept counters (no search, no group): a read of a few rows.</summary>
    public static bool CountsFromCounters(MemberFilter filter) => string.IsNullOrWhiteSpace(filter.Search) && filter.GroupId is null;

    public async Task<OperationResult<int>> CountAsync(Actor actor, MemberFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await AuthorizeAsync(db, actor, ct) is { } refusal)
        {
            return OperationResult<int>.Fail(refusal);
        }

        if (filter.IsEmpty)
        {
            var count = await db.Organizations.Where(o => o.Id == actor.OrganizationId).Select(o => o.MemberCount).SingleAsync(ct);
            return OperationResult<int>.Ok(count);
        }

        if (CountsFromCounters(filter))
        {
            return OperationResult<int>.Ok(await CountFromCountersAsync(db, actor.OrganizationId, filter, ct));
        }

        await using var command = await CreateCommandAsync(db, ct);
        var sql = new StringBuilder("SELECT COUNT(*) FROM MemberDirectory d WHERE d.OrganizationId = @org");
        command.Parameters.Add(new SqliteParameter("@org", actor.OrganizationId.ToString().ToUpperInvariant()));
        AppendFilters(sql, command, filter);
        command.CommandText = SearchOnlyMatch(filter) is not null
            ? SearchTotal(sql.ToString())
            : sql.ToString();
        var total = Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return OperationResult<int>.Ok(total);
    }

    /// <summary>The full-text query when the filter is a search and nothing else; null otherwise.</summary>
    private static string? SearchOnlyMatch(MemberFilter filter) =>
        !string.IsNullOrWhiteSpace(filter.Search) && filter with { Search = null } == MemberFilter.None
            ? MemberSortColumns.FullTextQuery(Cut(filter.Search.Trim()))
            : null;

    /// <summary>
    /// The total of a search alone. The search index covers every membership in the database, so while this
    /// organization holds all of them (the usual single-organization install) the index's own count is the answer:
    /// a walk over one term's list of row ids, without looking up each match (which, for a common term in a million
    /// members, is most of the cost). Otherwise the count joins the matches to this organization's members. One
    /// statement, so both the test and the count read the same snapshot; SQLite evaluates only the branch it takes.
    /// </summary>
    private static string SearchTotal(string joinedCount) =>
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM Organizations WHERE Id <> @org AND MemberCount > 0)"
        + $" THEN ({joinedCount}) ELSE (SELECT COUNT(*) FROM MemberSearch WHERE MemberSearch MATCH @match) END";

    /// <summary>
    /// A filtered total from the trigger-kept MemberCounts (a sum over at most a few hundred rows), less or plus the
    /// members locked out right now, which only the clock can say: an index range over the few with a lockout end.
    /// </summary>
    internal async Task<int> CountFromCountersAsync(PortalDbContext db, Guid organizationId, MemberFilter filter, CancellationToken ct)
    {
        await using var command = await CreateCommandAsync(db, ct);
        command.Parameters.Add(new SqliteParameter("@org", organizationId.ToString().ToUpperInvariant()));
        var dimensions = new StringBuilder();
        var lockedDimensions = new StringBuilder();
        void Dimension(string column, string name, object value)
        {
            dimensions.Append(" AND ").Append(column).Append(" = ").Append(name);
            lockedDimensions.Append(" AND d.").Append(column).Append(" = ").Append(name);
            command.Parameters.Add(new SqliteParameter(name, value));
        }

        if (filter.Rank is { } rank)
        {
            Dimension("Rank", "@rank", (int)rank);
        }

        if (filter.Tag is { } tag)
        {
            Dimension("Tag", "@tag", (int)tag);
        }

        if (filter.EmailConfirmed is { } confirmed)
        {
            Dimension("EmailConfirmed", "@confirmed", confirmed);
        }

        if (filter.MustChangePassword is { } mustChange)
        {
            Dimension("MustChangePassword", "@mustChange", mustChange);
        }

        if (filter.DeviceStatus is { } device)
        {
            Dimension("DeviceStatus", "@device", (int)device);
        }

        var counted = $"SELECT COALESCE(SUM(Count), 0) FROM MemberCounts WHERE OrganizationId = @org{dimensions}";
        var locked = "SELECT COUNT(*) FROM MemberDirectory d WHERE d.OrganizationId = @org AND d.IsSuspended = 0 AND d.IsActivated = 1 AND d.LockoutEnd > @now"
            + lockedDimensions;
        command.CommandText = filter.Status switch
        {
            MemberStatus.Suspended => counted + " AND IsSuspended = 1",
            MemberStatus.PendingActivation => counted + " AND IsSuspended = 0 AND IsActivated = 0",
            MemberStatus.LockedOut => locked,
            MemberStatus.Active => $"SELECT ({counted} AND IsSuspended = 0 AND IsActivated = 1) - ({locked})",
            _ => counted,
        };
        if (filter.Status is MemberStatus.LockedOut or MemberStatus.Active)
        {
            command.Parameters.Add(new SqliteParameter("@now", clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)));
        }

        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Streams every match in sort order, for exports and bulk actions; constant memory.</summary>
    public async IAsyncEnumerable<MemberRow> StreamAsync(
        Guid organizationId, MemberFilter filter, MemberSort sort, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var map = await Hosting.SqlitePragmas.MapForScanAsync(connection, ct);
        await using var command = connection.CreateCommand();
        BuildPageSql(command, organizationId, filter, sort, new PageRequest(PageAnchor.First, null, int.MaxValue - 1), limit: null);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A stream never pages, so no row needs a keyset cursor.
            yield return ReadRow(reader);
        }
    }

    /// <summary>The organization's groups, for the group filter and bulk actions.</summary>
    public async Task<IReadOnlyList<GroupChoice>> ListGroupsAsync(Guid organizationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Groups.AsNoTracking()
            .Where(g => g.OrganizationId == organizationId)
            .OrderBy(g => g.Name)
            .Select(g => new GroupChoice(g.Id, g.Name))
            .ToListAsync(ct);
    }

    internal async Task<MemberPage> QueryPageAsync(
        SqliteConnection connection, Guid organizationId, MemberFilter filter, MemberSort sort, PageRequest page, CancellationToken ct, Actor? actor = null)
    {
        var size = Math.Clamp(page.Size, 1, PageRequest.MaxSize);
        var anchor = page.Cursor is null && page.Anchor is PageAnchor.After or PageAnchor.Before ? PageAnchor.First : page.Anchor;
        page = page with { Anchor = anchor, Size = size };

        var common = await IsCommonSearchAsync(connection, filter, ct);
        await using var command = connection.CreateCommand();
        BuildPageSql(command, organizationId, filter, sort, page, limit: size + 1, actor, common);

        var columns = MemberSortColumns.For(sort.Field);
        var read = new List<(MemberRow Row, object[] SortValues)>(size + 1);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                read.Add((ReadRow(reader), SortValues(reader, columns)));
            }
        }

        var more = read.Count > size;
        if (more)
        {
            read.RemoveAt(read.Count - 1);
        }

        // Pages read backwards (Last, Before) come out reversed.
        var backwards = anchor is PageAnchor.Last or PageAnchor.Before;
        if (backwards)
        {
            read.Reverse();
        }

        // Paging only ever continues from the first or the last row, so only those two carry a cursor (encoding one
        // for each of a hundred rows was a measurable part of an API list page).
        var rows = new List<MemberRow>(read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            var (row, values) = read[i];
            rows.Add(i == 0 || i == read.Count - 1
                ? row with { Cursor = new MemberCursor(values.Select(v => JsonSerializer.SerializeToElement(v)).ToList(), row.MembershipId) }
                : row);
        }

        return anchor switch
        {
            PageAnchor.First => new MemberPage(rows, HasPrevious: false, HasNext: more),
            PageAnchor.Last => new MemberPage(rows, HasPrevious: more, HasNext: false),
            PageAnchor.After => new MemberPage(rows, HasPrevious: true, HasNext: more),
            _ => new MemberPage(rows, HasPrevious: more, HasNext: true),
        };
    }

    /// <summary>Terms matching at least this many members are "common": the page walks the sort index instead (see AppendFilters).</summary>
    internal const int CommonSearchMatches = 1000;

    /// <summary>
    /// Whether the search's full-text terms match many members: one bounded look at the trigram index (it stops at
    /// <see cref="CommonSearchMatches"/>), well under a millisecond.
    /// </summary>
    internal static async Task<bool> IsCommonSearchAsync(DbConnection connection, MemberFilter filter, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(filter.Search) || MemberSortColumns.FullTextQuery(Cut(filter.Search.Trim())) is not { } match)
        {
            return false;
        }

        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        await using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT COUNT(*) FROM (SELECT rowid FROM MemberSearch WHERE MemberSearch MATCH @match LIMIT {CommonSearchMatches})";
        probe.Parameters.Add(new SqliteParameter("@match", match));
        return Convert.ToInt32(await probe.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) >= CommonSearchMatches;
    }

    private static string Cut(string search) => search.Length > 200 ? search[..200] : search;

    internal void BuildPageSql(
        DbCommand command, Guid organizationId, MemberFilter filter, MemberSort sort, PageRequest page, int? limit, Actor? actor = null, bool commonSearch = false)
    {
        var columns = MemberSortColumns.For(sort.Field);
        var backwards = page.Anchor is PageAnchor.Last or PageAnchor.Before;
        var descending = sort.Descending ^ backwards;
        var direction = descending ? " DESC" : "";
        var order = " ORDER BY " + string.Join(", ", columns.Select(c => "d." + c + direction)) + ", d.MembershipId" + direction;
        var top = limit is { } n ? " LIMIT " + n.ToString(CultureInfo.InvariantCulture) : "";
        command.Parameters.Add(new SqliteParameter("@org", organizationId.ToString().ToUpperInvariant()));

        if (limit is not null && ShortPrefix(filter, sort) is { } prefix)
        {
            BuildPrefixPageSql(command, filter, page, columns, descending, order, top, prefix, actor);
            return;
        }

        var sql = new StringBuilder($"SELECT {SelectColumns} FROM MemberDirectory d WHERE d.OrganizationId = @org");
        AppendFilters(sql, command, filter, commonSearch && limit is not null);
        if (actor is not null)
        {
            AppendActorMayList(sql, command, actor);
        }

        AppendKeyset(sql, command, page, columns, descending);
        command.CommandText = sql.Append(order).Append(top).ToString();
    }

    /// <summary>
    /// A two-character search on the default name sort. Its matches are many and scattered (every "ja…" username
    /// and email, wherever its display name sorts), so sorting them all costs tens of milliseconds at a million
    /// members. Instead each of the three prefixes is read already in name order — the display name's own sort
    /// index, and an index on (the first two letters of the username or email, display name) — one page from each,
    /// and the page is the first rows of their union: three short index seeks and a sort of at most three pages.
    /// </summary>
    private void BuildPrefixPageSql(
        DbCommand command, MemberFilter filter, PageRequest page, IReadOnlyList<string> columns, bool descending, string order, string top, string prefix, Actor? actor)
    {
        var rest = new StringBuilder();
        AppendFilters(rest, command, filter with { Search = null });
        AppendKeyset(rest, command, page, columns, descending);
        command.Parameters.Add(new SqliteParameter("@prefix", prefix));
        command.Parameters.Add(new SqliteParameter("@prefixEnd", prefix + "\U0010FFFF"));
        command.Parameters.Add(new SqliteParameter("@prefix2", AsciiLower(prefix)));

        string Branch(string condition) =>
            $"SELECT MembershipId FROM (SELECT d.MembershipId FROM MemberDirectory d WHERE d.OrganizationId = @org AND {condition}{rest}{order}{top})";

        var sql = new StringBuilder($"SELECT {SelectColumns} FROM (")
            .Append(Branch("d.DisplayName >= @prefix AND d.DisplayName < @prefixEnd"))
            .Append(" UNION ").Append(Branch($"{PrefixIndexExpression("UserName")} = @prefix2"))
            .Append(" UNION ").Append(Branch($"{PrefixIndexExpression("Email")} = @prefix2"))
            .Append(") u CROSS JOIN MemberDirectory d ON d.MembershipId = u.MembershipId WHERE d.OrganizationId = @org");
        if (actor is not null)
        {
            AppendActorMayList(sql, command, actor);
        }

        command.CommandText = sql.Append(order).Append(top).ToString();
    }

    /// <summary>The expression of the migration's prefix indexes (IX_MemberDirectory_Prefix_*): queries must spell it the same way.</summary>
    internal static string PrefixIndexExpression(string column) => $"lower(substr(d.{column}, 1, 2))";

    /// <summary>The search, when it is a two-character prefix on the name sort (the case the prefix indexes serve).</summary>
    private static string? ShortPrefix(MemberFilter filter, MemberSort sort)
    {
        var search = filter.Search?.Trim();
        return sort.Field == MemberSortField.DisplayName && !string.IsNullOrEmpty(search)
            && MemberSortColumns.FullTextQuery(search) is null && search.EnumerateRunes().Count() == 2 && !search.Any(char.IsWhiteSpace)
            ? search
            : null;
    }

    // SQLite's lower() and NOCASE fold ASCII letters only; the parameter must be folded the same way.
    private static string AsciiLower(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
        }
    });

    private static void AppendKeyset(StringBuilder sql, DbCommand command, PageRequest page, IReadOnlyList<string> columns, bool descending)
    {
        if (page.Cursor is { } cursor && page.Anchor is PageAnchor.After or PageAnchor.Before && cursor.Values.Count == columns.Count)
        {
            sql.Append(" AND (").Append(string.Join(", ", columns.Select(c => "d." + c))).Append(", d.MembershipId) ")
                .Append(descending ? "<" : ">").Append(" (");
            for (var i = 0; i < columns.Count; i++)
            {
                sql.Append("@k").Append(i).Append(", ");
                command.Parameters.Add(new SqliteParameter("@k" + i.ToString(CultureInfo.InvariantCulture), CursorValue(cursor.Values[i])));
            }

            sql.Append("@kid)");
            command.Parameters.Add(new SqliteParameter("@kid", cursor.Id));
        }
    }

    /// <param name="walkSortIndex">
    /// For a page of a common search: a unary + keeps SQLite from reading every match and sorting them (150,000
    /// for "son" at a million members); it walks the sort index instead and stops at the first page of matches.
    /// For a rare term the opposite wins, which is why the caller probes first (<see cref="IsCommonSearchAsync"/>).
    /// </param>
    internal void AppendFilters(StringBuilder sql, DbCommand command, MemberFilter filter, bool walkSortIndex = false)
    {
        // A unary + keeps SQLite from choosing a filter's own index: for values most members share, walking the sort's
        // covering index and skipping non-matches finds a page in well under a millisecond, where using the filter's
        // index would make SQLite sort most of the organization. ADMIN and SUPER are rare, so their index wins.
        void Add(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            command.Parameters.Add(new SqliteParameter(name, value));
        }

        if (filter.Rank is { } rank)
        {
            Add(rank == MemberRank.Regular ? "+d.Rank = @rank" : "d.Rank = @rank", "@rank", (int)rank);
        }

        if (filter.Tag is { } tag)
        {
            Add("+d.Tag = @tag", "@tag", (int)tag);
        }

        if (filter.EmailConfirmed is { } confirmed)
        {
            Add("+d.EmailConfirmed = @confirmed", "@confirmed", confirmed);
        }

        if (filter.MustChangePassword is { } mustChange)
        {
            Add("+d.MustChangePassword = @mustChange", "@mustChange", mustChange);
        }

        if (filter.DeviceStatus is { } device)
        {
            Add("+d.DeviceStatus = @device", "@device", (int)device);
        }

        if (filter.GroupId is { } group)
        {
            Add("EXISTS (SELECT 1 FROM GroupMembers gm WHERE gm.GroupId = @group AND gm.MembershipId = d.MembershipId)", "@group", group.ToString().ToUpperInvariant());
        }

        if (filter.Status is { } status)
        {
            var now = clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);
            var clause = status switch
            {
                MemberStatus.Suspended => "+d.IsSuspended = 1",
                MemberStatus.PendingActivation => "+d.IsSuspended = 0 AND +d.IsActivated = 0",
                MemberStatus.LockedOut => "+d.IsSuspended = 0 AND +d.IsActivated = 1 AND +d.LockoutEnd > @now",
                _ => "+d.IsSuspended = 0 AND +d.IsActivated = 1 AND +d.LockoutEnd <= @now",
            };
            sql.Append(" AND ").Append(clause);
            if (status is MemberStatus.LockedOut or MemberStatus.Active)
            {
                command.Parameters.Add(new SqliteParameter("@now", now));
            }
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            if (search.Length > 200)
            {
                search = search[..200];
            }

            if (MemberSortColumns.FullTextQuery(search) is { } match)
            {
                Add((walkSortIndex ? "+" : "") + "d.MembershipId IN (SELECT rowid FROM MemberSearch WHERE MemberSearch MATCH @match)", "@match", match);
            }
            else
            {
                // Too short for trigrams: a prefix of username, email or display name. Each OR branch carries the
                // organization so SQLite can answer it with a range on that column's index and union the results.
                sql.Append(" AND ((d.OrganizationId = @org AND d.UserName >= @prefix AND d.UserName < @prefixEnd)"
                    + " OR (d.OrganizationId = @org AND d.Email >= @prefix AND d.Email < @prefixEnd)"
                    + " OR (d.OrganizationId = @org AND d.DisplayName >= @prefix AND d.DisplayName < @prefixEnd))");
                command.Parameters.Add(new SqliteParameter("@prefix", search));
                command.Parameters.Add(new SqliteParameter("@prefixEnd", search + "\U0010FFFF"));
            }
        }
    }

    /// <summary>
    /// The same conditions as ActingMemberLoader + view_users, as a constant sub-query SQLite evaluates once per
    /// statement: an active, activated, not locked-out member who is ADMIN or above or holds view_users through a group.
    /// </summary>
    private void AppendActorMayList(StringBuilder sql, DbCommand command, Actor actor)
    {
        sql.Append(" AND EXISTS (SELECT 1 FROM Memberships am JOIN AspNetUsers aa ON aa.Id = am.AccountId")
            .Append(" WHERE am.AccountId = @actor AND am.OrganizationId = @org AND am.IsSuspended = 0 AND aa.IsActivated = 1")
            .Append(" AND (aa.LockoutEnd IS NULL OR aa.LockoutEnd <= @actorNow)")
            .Append(" AND (am.Rank >= 1 OR EXISTS (SELECT 1 FROM GroupMembers agm JOIN GroupPermissions agp ON agp.GroupId = agm.GroupId")
            .Append(" WHERE agm.MembershipId = am.Id AND agp.Permission = @viewUsers)))");
        command.Parameters.Add(new SqliteParameter("@actor", actor.AccountId.ToString().ToUpperInvariant()));
        command.Parameters.Add(new SqliteParameter("@actorNow", clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)));
        command.Parameters.Add(new SqliteParameter("@viewUsers", PortalPermissions.ViewUsers));
    }

    private static MemberRow ReadRow(DbDataReader r)
    {
        var lockoutEnd = r.GetString(9);
        var isSuspended = r.GetBoolean(7);
        var isActivated = r.GetBoolean(8);
        var status = isSuspended ? MemberStatus.Suspended
            : !isActivated ? MemberStatus.PendingActivation
            : lockoutEnd.Length > 0 && DateTimeOffset.Parse(lockoutEnd, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow ? MemberStatus.LockedOut
            : MemberStatus.Active;
        var lastSignIn = r.GetString(12);
        return new MemberRow(
            r.GetInt64(0),
            Guid.Parse(r.GetString(1)),
            r.GetString(2),
            r.GetString(3),
            r.GetString(4),
            (MemberRank)r.GetInt32(5),
            (MemberTag)r.GetInt32(6),
            status,
            r.GetString(10),
            SqliteTime.ParseUtc(r.GetString(11)),
            lastSignIn.Length == 0 ? null : SqliteTime.ParseUtc(lastSignIn),
            r.GetBoolean(13),
            r.GetBoolean(14),
            (DeviceStatus)r.GetInt32(15));
    }

    /// <summary>The row's values of the sort's columns, as stored (times as their text), for its keyset cursor.</summary>
    private static object[] SortValues(DbDataReader r, IReadOnlyList<string> sortColumns)
    {
        var values = new object[sortColumns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = sortColumns[i] switch
            {
                "UserName" => r.GetString(2),
                "Email" => r.GetString(3),
                "DisplayName" => r.GetString(4),
                "GroupNames" => r.GetString(10),
                "Rank" => r.GetInt32(5),
                "Tag" => r.GetInt32(6),
                "IsSuspended" => r.GetBoolean(7) ? 1 : 0,
                "IsActivated" => r.GetBoolean(8) ? 1 : 0,
                "LockoutEnd" => r.GetString(9),
                "CreatedAt" => r.GetString(11),
                _ => r.GetString(12),
            };
        }

        return values;
    }

    // A cursor comes from the URL: a forged number that is not an integer must not throw (it only moves the seek).
    private static object CursorValue(JsonElement value) =>
        value.ValueKind != JsonValueKind.Number ? value.GetString() ?? "" : value.TryGetInt64(out var n) ? n : value.TryGetDouble(out var d) ? d : 0L;

    /// <summary>A plain connection to the portal's database with its settings (<see cref="Hosting.SqlitePragmas.OpenAsync"/>).</summary>
    private Task<SqliteConnection> OpenReadConnectionAsync(CancellationToken ct) =>
        Hosting.SqlitePragmas.OpenAsync(PortalConnectionStrings.Of(dbFactory), ct);

    private static async Task<DbCommand> CreateCommandAsync(PortalDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return db.Database.GetDbConnection().CreateCommand();
    }

    private static async Task<OperationResult?> AuthorizeAsync(PortalDbContext db, Actor actor, CancellationToken ct)
    {
        var member = await ActingMemberLoader.LoadForReadingAsync(db, actor.AccountId, actor.OrganizationId, ct);
        return member is null ? OperationResult.Forbidden("You are not an active member of this organization.")
            : !member.Has(PortalPermissions.ViewUsers) ? OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission to list members.")
            : null;
    }
}
