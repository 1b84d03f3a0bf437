using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Activity;

/// <summary>Where a page starts: after (older than) or before (newer than) a record, by the feed's order (OccurredAt, Id).</summary>
internal sealed record ActivityKey(DateTime OccurredAt, long Id);

/// <summary>
/// An <see cref="ActivityQuery"/> resolved for SQL: usernames turned into account ids (so the actor and target indexes
/// serve them), the title search planned (<see cref="PlanSearchAsync"/>). Built by <see cref="ResolveAsync"/>; the page, the CSV
/// export and the benchmark's raw baseline all run the SQL that <see cref="Build"/> writes.
/// </summary>
internal sealed record ActivitySql
{
    /// <summary>Full-text terms matching at least this many titles are "common": the page walks the time index instead.</summary>
    internal const int CommonSearchMatches = 1000;

    private const string Columns =
        "a.Id, a.OccurredAt, a.ActorName, a.ActorAccountId, a.Verb, a.Title, a.Category, a.TargetName, a.TargetAccountId, a.ClientAddress, a.Diff";

    public required Guid OrganizationId { get; init; }

    /// <summary>
    /// When set, the statement itself admits only a viewer who may read this feed right now (active, activated, not
    /// locked out; ADMIN or above or view_activity through a group, or reading their own feed), as a constant
    /// sub-query SQLite evaluates once: the page needs no separate authorization round trip. An empty page is then
    /// explained by the full check (ActivityFeedService).
    /// </summary>
    public Guid? Viewer { get; init; }
    public DateTimeOffset ViewerNow { get; init; }
    public Guid? Member { get; init; }
    public (string Column, object? Value)? Actor { get; init; }
    public (string Column, object Value)? Target { get; init; }
    public string? Verb { get; init; }
    public ActivityCategory? Category { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }

    /// <summary>
    /// The records the title search's full-text part leaves (ids, fewer than <see cref="CommonSearchMatches"/>), or
    /// null when the search has no such part or it matches too many titles to be worth listing.
    /// </summary>
    public IReadOnlyList<long>? Candidates { get; init; }

    /// <summary>LIKE patterns with <c>\</c> escaping <c>%</c>, <c>_</c> and itself.</summary>
    public IReadOnlyList<string> Likes { get; init; } = [];

    public static async Task<ActivitySql> ResolveAsync(PortalDbContext db, Guid organizationId, ActivityQuery query, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var (candidates, likes) = await PlanSearchAsync(connection, query.Search, ct);
        return new ActivitySql
        {
            OrganizationId = organizationId,
            Member = query.MemberAccountId,
            Actor = string.IsNullOrWhiteSpace(query.Actor) ? null
                : string.Equals(query.Actor.Trim(), "system", StringComparison.OrdinalIgnoreCase) ? ("a.ActorAccountId", null)
                : await AccountAsync(connection, query.Actor, ct) is { } actorId ? ("a.ActorAccountId", actorId)
                : ("a.ActorName", query.Actor.Trim()),
            Target = string.IsNullOrWhiteSpace(query.Target) ? null
                : await AccountAsync(connection, query.Target, ct) is { } targetId ? ("a.TargetAccountId", targetId)
                : ("a.TargetName", query.Target.Trim()),
            Verb = string.IsNullOrWhiteSpace(query.Verb) ? null : query.Verb.Trim(),
            Category = query.Category,
            From = query.From,
            To = query.To,
            Candidates = candidates,
            Likes = likes,
        };
    }

    /// <summary>
    /// One page (or, without a limit, the whole feed for a stream) newest first; <paramref name="upward"/> reads the
    /// records newer than the key, oldest first, for the page above.
    /// </summary>
    public void Build(DbCommand command, ActivityKey? key, bool upward, int? limit)
    {
        var direction = upward ? "" : " DESC";
        var order = $" ORDER BY a.OccurredAt{direction}, a.Id{direction}";
        var top = limit is { } n ? " LIMIT " + n.ToString(CultureInfo.InvariantCulture) : "";
        var conditions = new StringBuilder();
        void Add(string clause, string name, object? value)
        {
            conditions.Append(" AND ").Append(clause);
            command.Parameters.Add(new SqliteParameter(name, value ?? DBNull.Value));
        }

        command.Parameters.Add(new SqliteParameter("@org", Guid(OrganizationId)));
        if (Actor is { } actor)
        {
            if (actor.Value is null)
            {
                conditions.Append(" AND a.ActorAccountId IS NULL");
            }
            else
            {
                Add($"{actor.Column} = @actor", "@actor", actor.Value);
            }
        }

        if (Target is { } target)
        {
            Add($"{target.Column} = @target", "@target", target.Value);
        }

        if (Verb is { } verb)
        {
            Add("a.Verb = @verb", "@verb", verb);
        }

        if (Category is { } category)
        {
            Add("a.Category = @category", "@category", (int)category);
        }

        if (From is { } from)
        {
            Add("a.OccurredAt >= @from", "@from", Time(from));
        }

        if (To is { } to)
        {
            Add("a.OccurredAt < @to", "@to", Time(to));
        }

        if (Candidates is { } candidates)
        {
            Add("a.Id IN (SELECT value FROM json_each(@candidates))", "@candidates", "[" + string.Join(',', candidates) + "]");
        }

        for (var i = 0; i < Likes.Count; i++)
        {
            Add($"a.Title LIKE @like{i} ESCAPE '\\'", "@like" + i.ToString(CultureInfo.InvariantCulture), Likes[i]);
        }

        if (Viewer is { } viewer)
        {
            conditions.Append(" AND EXISTS (SELECT 1 FROM Memberships vm JOIN AspNetUsers va ON va.Id = vm.AccountId")
                .Append(" WHERE vm.AccountId = @viewer AND vm.OrganizationId = @org AND vm.IsSuspended = 0 AND va.IsActivated = 1")
                .Append(" AND (va.LockoutEnd IS NULL OR va.LockoutEnd <= @viewerNow)")
                .Append(Member == viewer ? "" : " AND (vm.Rank >= 1 OR EXISTS (SELECT 1 FROM GroupMembers vgm JOIN GroupPermissions vgp ON vgp.GroupId = vgm.GroupId WHERE vgm.MembershipId = vm.Id AND vgp.Permission = @viewActivity))")
                .Append(')');
            command.Parameters.Add(new SqliteParameter("@viewer", Guid(viewer)));
            command.Parameters.Add(new SqliteParameter("@viewerNow", ViewerNow.ToString("yyyy-MM-dd HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)));
            command.Parameters.Add(new SqliteParameter("@viewActivity", UserAdmin.Portal.Features.Shared.PortalPermissions.ViewActivity));
        }

        if (key is not null)
        {
            Add($"(a.OccurredAt, a.Id) {(upward ? ">" : "<")} (@keyAt, @keyId)", "@keyAt", Time(key.OccurredAt));
            command.Parameters.Add(new SqliteParameter("@keyId", key.Id));
        }

        // With full-text candidates (fewer than CommonSearchMatches, the plan's probe made sure) a unary + keeps SQLite
        // from walking an organization index and testing each record against them: it reads the candidates by id.
        var org = Candidates is null ? "a.OrganizationId" : "+a.OrganizationId";
        string Select(string? only) =>
            $"SELECT {Columns} FROM Activity a WHERE {org} = @org{only}{conditions}";

        if (Member is { } member)
        {
            // What the member did and what was done to them: one index range each ((Org, Target, Time, Id) and
            // (Org, Actor, Time, Id)), a page from each, merged.
            command.Parameters.Add(new SqliteParameter("@member", Guid(member)));
            command.CommandText = $"SELECT * FROM ({Select(" AND a.TargetAccountId = @member")}{order}{top})"
                + $" UNION SELECT * FROM ({Select(" AND a.ActorAccountId = @member")}{order}{top})"
                + $" ORDER BY OccurredAt{direction}, Id{direction}{top}";
        }
        else
        {
            command.CommandText = Select(null) + order + top;
        }
    }

    public static ActivityItem Read(DbDataReader r) => new(
        r.GetInt64(0),
        SqliteTime.ParseUtc(r.GetString(1)),
        r.GetString(2),
        r.IsDBNull(3) ? null : System.Guid.Parse(r.GetString(3)),
        r.GetString(4),
        r.GetString(5),
        (ActivityCategory)r.GetInt32(6),
        r.GetString(7),
        r.IsDBNull(8) ? null : System.Guid.Parse(r.GetString(8)),
        r.IsDBNull(9) ? null : r.GetString(9),
        ActivityFeedService.ParseDiff(r.IsDBNull(10) ? null : r.GetString(10)));

    /// <summary>The search's words (at most 8, 200 characters in all).</summary>
    internal static IEnumerable<string> Terms(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return [];
        }

        var text = search.Trim();
        text = text.Length > ActivityQuery.SearchMaxLength ? text[..ActivityQuery.SearchMaxLength] : text;
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase).Take(8);
    }

    /// <summary>
    /// Plans a title search. Words under three characters cannot use trigrams: they become LIKE patterns (with
    /// <c>%</c>, <c>_</c> and <c>\</c> escaped) checked on the rows the other conditions lead to. A longer word goes to the
    /// trigram index as its rarest trigrams — each a quoted FTS5 string (quotes doubled), so <c>*</c>, <c>"</c>,
    /// <c>NEAR</c> and the like are only text — and is then checked exactly: with LIKE when it is ASCII (LIKE folds
    /// ASCII case, as the index does), or as a whole FTS5 phrase otherwise (the index folds all case). Matching a whole
    /// phrase costs as much as its most common trigram ("use" in every "user.…" title), while a few rare trigrams
    /// find the candidates in a millisecond. When even those match many titles, the page walks the time index
    /// checking titles instead (a common word fills a page within a few hundred records).
    /// </summary>
    internal static async Task<(IReadOnlyList<long>? Candidates, IReadOnlyList<string> Likes)> PlanSearchAsync(DbConnection connection, string? search, CancellationToken ct)
    {
        var terms = Terms(search).ToList();
        var likes = terms.Where(t => !IsFullText(t)).Select(Like).ToList();
        var parts = new List<string>();
        foreach (var term in terms.Where(IsFullText))
        {
            parts.AddRange((await RarestTrigramsAsync(connection, term, ct)).Select(Quote));
            if (IsAscii(term))
            {
                likes.Add(Like(term));
            }
            else
            {
                parts.Add(Quote(term));
            }
        }

        if (parts.Count == 0)
        {
            return (null, likes);
        }

        // One bounded read of the index: the candidates are listed once, and the page reads them by id.
        var candidates = await CandidatesAsync(connection, string.Join(' ', parts.Distinct(StringComparer.Ordinal)), ct);
        return candidates is null ? (null, terms.Select(Like).ToList()) : (candidates, likes);
    }

    private static bool IsFullText(string term) => term.EnumerateRunes().Count() >= 3;

    private static bool IsAscii(string term) => term.All(char.IsAscii);

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Records sampled (the newest) to rank a word's trigrams by how often they occur.</summary>
    internal const int TrigramSample = 1024;

    /// <summary>
    /// Up to two of the word's trigrams that occur least among the newest <see cref="TrigramSample"/> titles (one
    /// bounded count per trigram: the index seeks the rowid range, a fraction of a millisecond each), leaving out
    /// those too common to be worth their cost.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> RarestTrigramsAsync(DbConnection connection, string term, CancellationToken ct)
    {
        var runes = term.EnumerateRunes().Select(r => r.ToString()).ToList();
        var trigrams = Enumerable.Range(0, runes.Count - 2)
            .Select(i => runes[i] + runes[i + 1] + runes[i + 2])
            .DistinctBy(t => t.ToLowerInvariant())
            .Take(16)
            .ToList();
        if (trigrams.Count <= 2)
        {
            return trigrams;
        }

        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(Id), 0) FROM Activity";
        var floor = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) - TrigramSample;
        // Counting stops at a quarter of the sample: past that a trigram is left out anyway, and a common one's count
        // would cost the most.
        command.CommandText = $"SELECT COUNT(*) FROM (SELECT rowid FROM ActivitySearch WHERE ActivitySearch MATCH @trigram AND rowid > @floor LIMIT {TrigramSample / 4})";
        var trigram = new SqliteParameter("@trigram", "");
        command.Parameters.Add(trigram);
        command.Parameters.Add(new SqliteParameter("@floor", floor));
        var counts = new List<(string Trigram, long Count)>();
        foreach (var t in trigrams)
        {
            trigram.Value = Quote(t);
            counts.Add((t, Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture)));
        }

        // A trigram in a quarter of the sample or more narrows little and costs the most (its list is the longest).
        var ranked = counts.OrderBy(c => c.Count).ToList();
        var rare = ranked.Where(c => c.Count < TrigramSample / 4).Take(2).Select(c => c.Trigram).ToList();
        return rare.Count > 0 ? rare : [ranked[0].Trigram];
    }

    internal static string Like(string term) =>
        "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>One bounded look at the trigram index (it stops at <see cref="CommonSearchMatches"/>).</summary>
    internal static async Task<bool> IsCommonAsync(DbConnection connection, string match, CancellationToken ct) =>
        await CandidatesAsync(connection, match, ct) is null;

    /// <summary>The ids of the titles an FTS5 query matches, or null when there are <see cref="CommonSearchMatches"/> or more.</summary>
    internal static async Task<IReadOnlyList<long>?> CandidatesAsync(DbConnection connection, string match, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        await using var probe = connection.CreateCommand();
        probe.CommandText = $"SELECT rowid FROM ActivitySearch WHERE ActivitySearch MATCH @match LIMIT {CommonSearchMatches}";
        probe.Parameters.Add(new SqliteParameter("@match", match));
        var ids = new List<long>();
        await using var reader = await probe.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids.Count >= CommonSearchMatches ? null : ids;
    }

    /// <summary>The key of a record of this organization, or null when it is not there (or no longer: retention).</summary>
    internal static async Task<ActivityKey?> KeyAsync(DbConnection connection, Guid organizationId, long id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT OccurredAt FROM Activity WHERE Id = @id AND OrganizationId = @org";
        command.Parameters.Add(new SqliteParameter("@id", id));
        command.Parameters.Add(new SqliteParameter("@org", Guid(organizationId)));
        return await command.ExecuteScalarAsync(ct) is string at ? new ActivityKey(SqliteTime.ParseUtc(at), id) : null;
    }

    /// <summary>The account id (as stored) of a username, through the unique normalized-name index.</summary>
    private static async Task<string?> AccountAsync(DbConnection connection, string userName, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM AspNetUsers WHERE NormalizedUserName = @name LIMIT 1";
        command.Parameters.Add(new SqliteParameter("@name", userName.Trim().ToUpperInvariant()));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    // The values EF writes on SQLite: Guids as upper-case text, times as "yyyy-MM-dd HH:mm:ss.FFFFFFF" (which sorts as text).
    internal static string Guid(Guid id) => StoredGuid.Text(id);

    internal static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

}
