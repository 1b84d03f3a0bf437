using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Hosting;

/// <summary>The benchmarks' memory reading: absent unless switched on, and then for loopback callers only.</summary>
public sealed class MemoryDiagnosticsTests
{
    [Fact]
    public async Task TheMemoryEndpointDoesNotExistUnlessSwitchedOn()
    {
        await using var app = PortalAppFactory.For(Environments.Development);

        var context = await app.Server.SendAsync(c => Request(c, IPAddress.Loopback));

        Assert.Equal(404, context.Response.StatusCode);
    }

    [Fact]
    public async Task SwitchedOnItAnswersLoopbackCallersOnly()
    {
        await using var app = PortalAppFactory.For(Environments.Development, s => s[MemoryDiagnostics.Setting] = "true");

        var local = await app.Server.SendAsync(c => Request(c, IPAddress.Loopback));
        var remote = await app.Server.SendAsync(c => Request(c, IPAddress.Parse("203.0.113.9")));

        Assert.Equal(200, local.Response.StatusCode);
        var reading = await JsonDocument.ParseAsync(local.Response.Body);
        Assert.True(reading.RootElement.GetProperty("heapBytes").GetInt64() > 0);
        Assert.True(reading.RootElement.GetProperty("workingSetBytes").GetInt64() > 0);
        Assert.Equal(404, remote.Response.StatusCode);
    }

    private static void Request(HttpContext context, IPAddress from)
    {
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = MemoryDiagnostics.Path;
        context.Connection.RemoteIpAddress = from;
    }
}
