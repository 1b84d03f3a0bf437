using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace UserAdmin.Portal.Benchmarks;

/// <summary>What one wrk run measured, from the line its Lua <c>done</c> function prints.</summary>
internal sealed record WrkResult(long Requests, double Seconds, double P50Ms, double P95Ms, double P99Ms, long Non2xx, long SocketErrors)
{
    public const string Marker = "wrk-result";

    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>CPU time the server process spent per request, when the caller measured it.</summary>
    public double CpuMsPerRequest { get; init; }

    /// <summary>Answers by status class, when the script counted them (<see cref="Wrk.MixedScript"/>); otherwise null.</summary>
    public StatusCounts? Statuses { get; init; }

    /// <summary>The <see cref="Marker"/> line of wrk's output (times in microseconds), or null when there is none.</summary>
    public static WrkResult? Parse(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Marker + " ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in line[Marker.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && double.TryParse(pair[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[pair[..equals]] = value;
            }
        }

        string[] required = ["requests", "duration_us", "p50_us", "p95_us", "p99_us", "non2xx", "socket_errors"];
        if (required.Any(k => !values.ContainsKey(k)))
        {
            return null;
        }

        return new WrkResult(
            (long)values["requests"], values["duration_us"] / 1e6, values["p50_us"] / 1e3, values["p95_us"] / 1e3, values["p99_us"] / 1e3,
            (long)values["non2xx"], (long)values["socket_errors"])
        {
            Statuses = values.TryGetValue("s2xx", out var s2) && values.TryGetValue("s4xx", out var s4) && values.TryGetValue("s5xx", out var s5)
                ? new StatusCounts((long)s2, (long)s4, (long)s5)
                : null,
        };
    }
}

/// <summary>
/// Drives a server with wrk (Debian's package) over loopback. The scripts cycle through prepared requests; each thread
/// starts at its own offset, and the <c>done</c> function prints one parseable line (<see cref="WrkResult.Marker"/>).
/// </summary>
internal static class Wrk
{
    private const string Done = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("wrk-result requests=%d duration_us=%d p50_us=%.0f p95_us=%.0f p99_us=%.0f non2xx=%d socket_errors=%d\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
            e.status, e.connect + e.read + e.write + e.timeout))
        end
        """;

    /// <summary>A script that GETs the given paths in turn (threads start spread over the list).</summary>
    public static string GetScript(IReadOnlyList<string> paths, string? authorization)
    {
        var lua = new StringBuilder();
        lua.Append("local paths = {\n");
        foreach (var path in paths)
        {
            lua.Append("  ").Append(Quote(path)).Append(",\n");
        }

        lua.Append("}\n");
        AppendHeaders(lua, authorization);
        lua.Append("""
            local threads = 0
            setup = function(thread) thread:set("offset", threads * 7919) threads = threads + 1 end
            local i = 0
            request = function()
              i = i + 1
              return wrk.format("GET", paths[((offset or 0) + i) % #paths + 1], headers)
            end

            """);
        return lua.Append(Done).ToString();
    }

    /// <summary>
    /// A script that PUTs a profile change to each member in turn: the display name gets a counter, every other field
    /// stays, and the version quoted is the one the previous answer for that member returned (read from its JSON), so
    /// no write is refused as stale. Each thread takes its own share of the members. The display name carries
    /// <paramref name="run"/> too, so a name a previous run (a warm-up) wrote is never sent again: that would be no change
    /// and write no activity record.
    /// </summary>
    public static string UpdateScript(IReadOnlyList<BenchMember> members, int threads, string pathPrefix, string pathSuffix, string? authorization, int run)
    {
        var lua = new StringBuilder();
        AppendMembers(lua, members);
        AppendHeaders(lua, authorization);
        lua.Append("headers[\"Content-Type\"] = \"application/json\"\n");
        lua.Append(CultureInfo.InvariantCulture, $"local threadCount = {threads}\nlocal prefix = {Quote(pathPrefix)}\nlocal suffix = {Quote(pathSuffix)}\nlocal run = {run}\n");
        lua.Append("""
            local next_tid = 0
            setup = function(thread) thread:set("tid", next_tid) next_tid = next_tid + 1 end
            local mine, byId, index, counter = {}, {}, 0, 0
            init = function(args)
              for n, m in ipairs(members) do
                if (n - 1) % threadCount == tid then mine[#mine + 1] = m byId[m.id] = m end
              end
            end
            request = function()
              index = index % #mine + 1
              counter = counter + 1
              local m = mine[index]
              local body = '{"firstName":"' .. m.first .. '","lastName":"' .. m.last .. '","displayName":"' .. m.first .. ' ' .. m.last
                .. ' ' .. run .. '-' .. counter .. '","email":"' .. m.email .. '","accountVersion":"' .. m.v .. '"}'
              return wrk.format("PUT", prefix .. m.id .. suffix, headers, body)
            end
            response = function(status, headers, body)
              local id = string.match(body, '"id":"([^"]+)"')
              local v = string.match(body, '"accountVersion":"([^"]+)"')
              if id and v and byId[id] then byId[id].v = v end
            end

            """);
        return lua.Append(Done).ToString();
    }

    /// <summary>
    /// The load mix, per connection in turn: 9 in 20 requests read a page of the list (by keyset cursor), 9 in 20 read one
    /// member, 2 in 20 change a member's profile (as <see cref="UpdateScript"/>: each thread its own members, quoting the
    /// version the last answer for that member returned). A <c>response</c> function counts the answers by status class
    /// (wrk itself only counts "not 2xx or 3xx"), and <c>done</c> adds the counts of every thread to the result line.
    /// </summary>
    public static string MixedScript(
        IReadOnlyList<string> listPaths, IReadOnlyList<string> getPaths, IReadOnlyList<BenchMember> members, int threads, string? authorization, int run)
    {
        var lua = new StringBuilder();
        AppendList(lua, "lists", listPaths);
        AppendList(lua, "gets", getPaths);
        AppendMembers(lua, members);
        AppendHeaders(lua, authorization);
        lua.Append("local putHeaders = {}\nfor k, v in pairs(headers) do putHeaders[k] = v end\nputHeaders[\"Content-Type\"] = \"application/json\"\n");
        lua.Append(CultureInfo.InvariantCulture, $"local threadCount = {threads}\nlocal run = {run}\n");
        lua.Append("""
            local all_threads = {}
            local next_tid = 0
            setup = function(thread)
              thread:set("tid", next_tid)
              next_tid = next_tid + 1
              table.insert(all_threads, thread)
            end
            s2xx, s4xx, s5xx = 0, 0, 0
            local mine, byId, index, n = {}, {}, 0, 0
            init = function(args)
              for i, m in ipairs(members) do
                if (i - 1) % threadCount == tid then mine[#mine + 1] = m byId[m.id] = m end
              end
            end
            request = function()
              n = n + 1
              local k = n % 20
              local spread = tid * 7919 + n
              if k < 9 then return wrk.format("GET", lists[spread % #lists + 1], headers) end
              if k < 18 then return wrk.format("GET", gets[spread % #gets + 1], headers) end
              index = index % #mine + 1
              local m = mine[index]
              local body = '{"firstName":"' .. m.first .. '","lastName":"' .. m.last .. '","displayName":"' .. m.first .. ' ' .. m.last
                .. ' ' .. run .. '-' .. n .. '","email":"' .. m.email .. '","accountVersion":"' .. m.v .. '"}'
              return wrk.format("PUT", "/api/v1/members/" .. m.id .. "/profile", putHeaders, body)
            end
            response = function(status, headers, body)
              if status >= 500 then s5xx = s5xx + 1 elseif status >= 400 then s4xx = s4xx + 1 else s2xx = s2xx + 1 end
              -- One member's answer (a read or a change) carries its current version: quote that next time.
              if status == 200 and string.sub(body, 1, 7) == '{"id":"' then
                local id = string.match(body, '^{"id":"([^"]+)"')
                local v = string.match(body, '"accountVersion":"([^"]+)"')
                if id and v and byId[id] then byId[id].v = v end
              end
            end
            done = function(summary, latency, requests)
              local c2, c4, c5 = 0, 0, 0
              for _, t in ipairs(all_threads) do
                c2 = c2 + (t:get("s2xx") or 0)
                c4 = c4 + (t:get("s4xx") or 0)
                c5 = c5 + (t:get("s5xx") or 0)
              end
              local e = summary.errors
              io.write(string.format("wrk-result requests=%d duration_us=%d p50_us=%.0f p95_us=%.0f p99_us=%.0f non2xx=%d socket_errors=%d s2xx=%d s4xx=%d s5xx=%d\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
                e.status, e.connect + e.read + e.write + e.timeout, c2, c4, c5))
            end

            """);
        return lua.ToString();
    }

    /// <summary>The members a script changes, with the version each answer moves on (<c>v</c>).</summary>
    private static void AppendMembers(StringBuilder lua, IReadOnlyList<BenchMember> members)
    {
        lua.Append("local members = {\n");
        foreach (var m in members)
        {
            lua.Append("  {id=").Append(Quote(m.Id.ToString())).Append(", first=").Append(Quote(m.FirstName)).Append(", last=").Append(Quote(m.LastName))
                .Append(", email=").Append(Quote(m.Email)).Append(", v=").Append(Quote(m.AccountVersion)).Append("},\n");
        }

        lua.Append("}\n");
    }

    private static void AppendList(StringBuilder lua, string name, IReadOnlyList<string> items)
    {
        lua.Append("local ").Append(name).Append(" = {\n");
        foreach (var item in items)
        {
            lua.Append("  ").Append(Quote(item)).Append(",\n");
        }

        lua.Append("}\n");
    }

    public static async Task<WrkResult> RunAsync(string baseUrl, string script, int seconds, int connections, int threads)
    {
        var file = Path.Combine(Path.GetTempPath(), $"uap-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var start = new ProcessStartInfo("wrk")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                         "-d", $"{seconds}s", "--timeout", "10s", "-s", file, baseUrl })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = await stdout;
            return WrkResult.Parse(output)
                ?? throw new InvalidOperationException($"wrk printed no result (exit {process.ExitCode}): {output} {await stderr}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AppendHeaders(StringBuilder lua, string? authorization)
    {
        lua.Append("local headers = {}\n");
        if (authorization is not null)
        {
            lua.Append("headers[\"Authorization\"] = ").Append(Quote(authorization)).Append('\n');
        }
    }

    /// <summary>A Lua string literal: printable ASCII as is, everything else (UTF-8 bytes, quotes, backslashes) as \ddd.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                quoted.Append((char)b);
            }
            else
            {
                quoted.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
            }
        }

        return quoted.Append('"').ToString();
    }
}

/// <summary>Answers counted by status class: 2xx and 3xx together, 4xx (409 for a stale version, 429), 5xx.</summary>
internal sealed record StatusCounts(long Ok, long ClientErrors, long ServerErrors);

/// <summary>A member the update run changes: the profile fields it sends back unchanged, and the version to quote first.</summary>
internal sealed record BenchMember(Guid Id, string FirstName, string LastName, string Email, string AccountVersion);
