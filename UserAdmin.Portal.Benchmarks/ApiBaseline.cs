using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>
/// The floor the API is measured against: a tiny Kestrel app in the benchmark's process that answers the same three
/// requests from the same file with raw ADO.NET (connections opened once with the portal's pragmas, kept in a pool)
/// and writes JSON straight from the reader. No authentication, no services, no rules.
/// </summary>
internal sealed class ApiBaseline(string databasePath) : IAsyncDisposable
{
    private const string ListColumns =
        "d.MembershipId, d.AccountId, d.UserName, d.Email, d.DisplayName, d.Rank, d.Tag, d.IsSuspended, d.IsActivated, d.LockoutEnd,"
        + " d.GroupNames, d.CreatedAt, d.LastSignInAt, d.EmailConfirmed, d.MustChangePassword, d.DeviceStatus";

    private static readonly string[] Ranks = ["Regular", "Admin", "Super"];
    private static readonly string[] Tags = ["User", "Guest"];
    private static readonly string[] Devices = ["None", "Pending", "Registered"];

    private readonly ConcurrentBag<SqliteConnection> _pool = [];
    private readonly string _org = BenchmarkDatabase.OrganizationId.ToString().ToUpperInvariant();
    private readonly string _admin = BenchmarkDatabase.AdminId.ToString().ToUpperInvariant();
    private WebApplication? _app;

    public async Task StartAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder(UserAdmin.Portal.Hosting.PortalHosting.HostArguments([]));
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapGet("/baseline/members", ListAsync);
        app.MapGet("/baseline/members/{id:guid}", GetAsync);
        app.MapPut("/baseline/members/{id:guid}/profile", UpdateAsync);
        await app.StartAsync();
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        foreach (var connection in _pool)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>A page of 100 by display name after (<c>name</c>, <c>id</c>): the keyset seek the API's cursor makes.</summary>
    private async Task ListAsync(HttpContext http, string name, long id)
    {
        var connection = await RentAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ListColumns} FROM MemberDirectory d WHERE d.OrganizationId = $org AND (d.DisplayName, d.MembershipId) > ($name, $id)"
                + " ORDER BY d.DisplayName, d.MembershipId LIMIT 101";
            command.Parameters.AddWithValue("$org", _org);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$id", id);
            http.Response.ContentType = "application/json; charset=utf-8";
            await using var json = new Utf8JsonWriter(http.Response.Body);
            json.WriteStartObject();
            json.WriteStartArray("items");
            var count = 0;
            string? lastName = null;
            long lastId = 0;
            await using (var r = await command.ExecuteReaderAsync())
            {
                while (await r.ReadAsync() && ++count <= 100)
                {
                    var lockout = r.GetString(9);
                    var suspended = r.GetBoolean(7);
                    var activated = r.GetBoolean(8);
                    var lastSignIn = r.GetString(12);
                    lastName = r.GetString(4);
                    lastId = r.GetInt64(0);
                    json.WriteStartObject();
                    json.WriteString("id", Guid.Parse(r.GetString(1)));
                    json.WriteString("userName", r.GetString(2));
                    json.WriteString("email", r.GetString(3));
                    json.WriteString("displayName", lastName);
                    json.WriteString("rank", Ranks[r.GetInt32(5)]);
                    json.WriteString("tag", Tags[r.GetInt32(6)]);
                    json.WriteString("status", suspended ? "Suspended" : !activated ? "PendingActivation"
                        : lockout.Length > 0 && DateTimeOffset.Parse(lockout, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow ? "LockedOut" : "Active");
                    json.WriteString("groups", r.GetString(10));
                    json.WriteString("createdAt", Utc(r.GetString(11)));
                    if (lastSignIn.Length == 0)
                    {
                        json.WriteNull("lastSignInAt");
                    }
                    else
                    {
                        json.WriteString("lastSignInAt", Utc(lastSignIn));
                    }

                    json.WriteBoolean("emailConfirmed", r.GetBoolean(13));
                    json.WriteBoolean("mustChangePassword", r.GetBoolean(14));
                    json.WriteString("deviceStatus", Devices[r.GetInt32(15)]);
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            if (count > 100)
            {
                json.WriteStartObject("next");
                json.WriteString("name", lastName);
                json.WriteNumber("id", lastId);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("next");
            }

            json.WriteEndObject();
            await json.FlushAsync();
        }
        finally
        {
            _pool.Add(connection);
        }
    }

    /// <summary>One member of the organization with the fields the API's member carries.</summary>
    private async Task GetAsync(HttpContext http, Guid id)
    {
        var connection = await RentAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT a.Id, a.UserName, a.Email, a.EmailConfirmed, a.FirstName, a.LastName, a.DisplayName, m.Rank, m.Tag, m.IsSuspended,
                       a.IsActivated, a.LockoutEnd, a.MustChangePassword, a.CreatedAt, m.JoinedAt, a.LastSignInAt, a.LastPasswordChangeAt,
                       m.PrimaryGroupId, m.Version, a.ConcurrencyStamp
                FROM Memberships m JOIN AspNetUsers a ON a.Id = m.AccountId
                WHERE m.OrganizationId = $org AND m.AccountId = $id
                """;
            command.Parameters.AddWithValue("$org", _org);
            command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
            await using var r = await command.ExecuteReaderAsync();
            if (!await r.ReadAsync())
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            http.Response.ContentType = "application/json; charset=utf-8";
            await using var json = new Utf8JsonWriter(http.Response.Body);
            json.WriteStartObject();
            json.WriteString("id", Guid.Parse(r.GetString(0)));
            json.WriteString("userName", r.GetString(1));
            json.WriteString("email", r.GetString(2));
            json.WriteBoolean("emailConfirmed", r.GetBoolean(3));
            json.WriteString("firstName", r.GetString(4));
            json.WriteString("lastName", r.GetString(5));
            json.WriteString("displayName", r.GetString(6));
            json.WriteString("rank", Ranks[r.GetInt32(7)]);
            json.WriteString("tag", Tags[r.GetInt32(8)]);
            json.WriteBoolean("suspended", r.GetBoolean(9));
            json.WriteBoolean("activated", r.GetBoolean(10));
            json.WriteBoolean("lockedOut", !r.IsDBNull(11) && DateTimeOffset.Parse(r.GetString(11), CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            json.WriteBoolean("mustChangePassword", r.GetBoolean(12));
            json.WriteString("createdAt", Utc(r.GetString(13)));
            json.WriteString("joinedAt", Utc(r.GetString(14)));
            WriteOptionalTime(json, "lastSignInAt", r, 15);
            WriteOptionalTime(json, "lastPasswordChangeAt", r, 16);
            if (r.IsDBNull(17))
            {
                json.WriteNull("primaryGroupId");
            }
            else
            {
                json.WriteString("primaryGroupId", Guid.Parse(r.GetString(17)));
            }

            json.WriteString("version", r.GetString(18));
            json.WriteString("accountVersion", r.IsDBNull(19) ? "" : r.GetString(19));
            json.WriteEndObject();
            await json.FlushAsync();
        }
        finally
        {
            _pool.Add(connection);
        }
    }

    /// <summary>
    /// The profile change in one IMMEDIATE transaction: names and a new version where the quoted one still holds,
    /// and its activity record. Answers the new version (409 when stale).
    /// </summary>
    private async Task UpdateAsync(HttpContext http, Guid id)
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var input = body.RootElement;
        string Field(string name) => input.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

        var connection = await RentAsync();
        try
        {
            var version = Guid.NewGuid().ToString();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE AspNetUsers SET FirstName = $first, LastName = $last, DisplayName = $display, ConcurrencyStamp = $new
                WHERE Id = $id AND ConcurrencyStamp = $expected RETURNING UserName, DisplayName
                """;
            command.Parameters.AddWithValue("$first", Field("firstName"));
            command.Parameters.AddWithValue("$last", Field("lastName"));
            command.Parameters.AddWithValue("$display", Field("displayName"));
            command.Parameters.AddWithValue("$new", version);
            command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
            command.Parameters.AddWithValue("$expected", Field("accountVersion"));
            string? userName = null;
            await using (var r = await command.ExecuteReaderAsync())
            {
                if (await r.ReadAsync())
                {
                    userName = r.GetString(0);
                }
            }

            if (userName is null)
            {
                http.Response.StatusCode = StatusCodes.Status409Conflict;
                return;
            }

            await using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO Activity (OrganizationId, ActorAccountId, ActorName, Verb, TargetAccountId, TargetName, Title, Category, Diff, OccurredAt)"
                + " VALUES ($org, $actor, 'bench.admin', 'member.profile_updated', $id, $name, 'bench.admin changed ' || $name || '''s profile', 0, $diff, $now)";
            record.Parameters.AddWithValue("$org", _org);
            record.Parameters.AddWithValue("$actor", _admin);
            record.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
            record.Parameters.AddWithValue("$name", userName);
            record.Parameters.AddWithValue("$diff", JsonSerializer.Serialize(new { displayName = new { after = Field("displayName") } }));
            record.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync();
            await transaction.CommitAsync();

            http.Response.ContentType = "application/json; charset=utf-8";
            await using var json = new Utf8JsonWriter(http.Response.Body);
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("accountVersion", version);
            json.WriteEndObject();
            await json.FlushAsync();
        }
        finally
        {
            _pool.Add(connection);
        }
    }

    private async Task<SqliteConnection> RentAsync()
    {
        if (_pool.TryTake(out var connection))
        {
            return connection;
        }

        return await BenchmarkDatabase.OpenAsync(databasePath);
    }

    private static void WriteOptionalTime(Utf8JsonWriter json, string name, SqliteDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, Utc(r.GetString(ordinal)));
        }
    }

    private static DateTime Utc(string text) =>
        DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
}
