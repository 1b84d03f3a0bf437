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
}
