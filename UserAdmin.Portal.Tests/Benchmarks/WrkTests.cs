using UserAdmin.Portal.Benchmarks;

namespace UserAdmin.Portal.Tests.Benchmarks;

public sealed class WrkTests
{
    [Fact]
    public void TheResultLineOfTheDoneFunctionIsReadInSecondsAndMilliseconds()
    {
        const string output = """
            Running 10s test @ http://127.0.0.1:5000
              2 threads and 16 connections
            wrk-result requests=12345 duration_us=10002000 p50_us=1250 p95_us=4800 p99_us=9100 non2xx=3 socket_errors=1
            """;

        var result = WrkResult.Parse(output);

        Assert.NotNull(result);
        Assert.Equal(12345, result.Requests);
        Assert.Equal(10.002, result.Seconds, 6);
        Assert.Equal(1234.25, result.RequestsPerSecond, tolerance: 0.01);
        Assert.Equal(1.25, result.P50Ms, 6);
        Assert.Equal(4.8, result.P95Ms, 6);
        Assert.Equal(9.1, result.P99Ms, 6);
        Assert.Equal(3, result.Non2xx);
        Assert.Equal(1, result.SocketErrors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Running 10s test @ http://127.0.0.1:5000\nunable to connect to 127.0.0.1:5000 Connection refused")]
    [InlineData("wrk-result requests=10 duration_us=1000000 p50_us=1 p95_us=2")]
    public void OutputWithoutACompleteResultLineGivesNoResult(string output) => Assert.Null(WrkResult.Parse(output));

    [Fact]
    public void LuaStringsKeepAsciiAndEscapeQuotesBackslashesAndUtf8Bytes()
    {
        Assert.Equal("\"O'Brien\"", Wrk.Quote("O'Brien"));
        Assert.Equal("\"a\\034b\\092c\"", Wrk.Quote("a\"b\\c"));
        Assert.Equal("\"Zo\\195\\171\"", Wrk.Quote("Zoë"));
    }

    [Fact]
    public void TheGetScriptCyclesThroughThePathsAndPrintsTheResultLine()
    {
        var script = Wrk.GetScript(["/api/v1/members/1", "/api/v1/members/2"], "ApiKey uap_x");

        Assert.Contains("\"/api/v1/members/2\",", script, StringComparison.Ordinal);
        Assert.Contains("headers[\"Authorization\"] = \"ApiKey uap_x\"", script, StringComparison.Ordinal);
        Assert.Contains("wrk-result requests=%d", script, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMixedScriptsResultLineCarriesTheAnswersByStatusClass()
    {
        const string output = "wrk-result requests=1000 duration_us=10000000 p50_us=5000 p95_us=150000 p99_us=400000 non2xx=12 socket_errors=0 s2xx=988 s4xx=10 s5xx=2\n";

        var result = WrkResult.Parse(output)!;

        Assert.Equal(new StatusCounts(988, 10, 2), result.Statuses);
        Assert.Equal(12, result.Non2xx);
        Assert.Null(WrkResult.Parse("wrk-result requests=1 duration_us=1 p50_us=1 p95_us=1 p99_us=1 non2xx=0 socket_errors=0")!.Statuses);
    }

    [Theory]
    [InlineData(0, 150.0, 0, true)]
    [InlineData(1, 150.0, 0, false)]
    [InlineData(0, 200.0, 0, false)]
    [InlineData(0, 150.0, 3, false)]
    public void TheLoadVerdictWantsNo5xxNoSocketErrorsAndP95Under200Ms(long serverErrors, double p95, long socketErrors, bool met)
    {
        var result = new WrkResult(1000, 60, 10, p95, 300, serverErrors, socketErrors);

        var (ok, line) = ApiLoad.Verdict(result, new StatusCounts(1000 - serverErrors, 0, serverErrors));

        Assert.Equal(met, ok);
        Assert.StartsWith(met ? "verdict: MET" : "verdict: MISSED", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMixedScriptCountsStatusClassesInEveryThreadAndAddsThemUp()
    {
        var script = Wrk.MixedScript(["/api/v1/members?limit=50"], ["/api/v1/members/1"],
            [new BenchMember(Guid.Empty, "Ada", "Lovelace", "ada@example.org", "v1")], 2, "ApiKey uap_x", 7);

        Assert.Contains("if status >= 500 then s5xx = s5xx + 1", script, StringComparison.Ordinal);
        Assert.Contains("c5 = c5 + (t:get(\"s5xx\") or 0)", script, StringComparison.Ordinal);
        Assert.Contains("s2xx=%d s4xx=%d s5xx=%d", script, StringComparison.Ordinal);
        Assert.Contains("putHeaders[\"Content-Type\"] = \"application/json\"", script, StringComparison.Ordinal);
    }
}
