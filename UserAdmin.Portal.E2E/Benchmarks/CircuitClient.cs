using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace UserAdmin.Portal.E2E.Benchmarks;

/// <summary>
/// A Blazor Server circuit driven without a browser, for load: it loads a page (prerendered), starts a circuit for the
/// page's interactive root components over the portal's own hub (<c>/_blazor</c>, the "blazorpack" protocol), and then
/// does what blazor.web.js does that the server waits for: it acknowledges every render batch and answers every
/// JavaScript call (as done, with no value). It applies nothing to any DOM; it can wait for the first render batch that
/// carries a given text (a live update reaching this circuit). Like a browser, it asks for compressed WebSocket messages.
/// </summary>
internal sealed partial class CircuitClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly object _gate = new();
    private (byte[] Needle, TaskCompletionSource<double> Seen)? _watch;

    private CircuitClient(HubConnection connection) => _connection = connection;

    /// <summary>Render batches received so far.</summary>
    public int Batches { get; private set; }

    /// <summary>The first error the server reported to this circuit (JS.Error), if any.</summary>
    public string? Error { get; private set; }

    /// <summary>The cookies of a signed-in browser context (its sign-in cookie), for clients that present the same session.</summary>
    public static async Task<CookieContainer> CookiesOfAsync(Microsoft.Playwright.IBrowserContext context)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in await context.CookiesAsync())
        {
            cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        return cookies;
    }

    /// <param name="shownWhenLive">A text the page's interactive render shows once it is live (loaded); the start waits for it.</param>
    public static async Task<CircuitClient> StartAsync(string baseUrl, string path, CookieContainer cookies, string shownWhenLive, CancellationToken ct = default)
    {
        var pageUrl = baseUrl.TrimEnd('/') + path;
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        var html = await http.GetStringAsync(pageUrl, ct);
        var markers = Markers().Matches(html).Select(m => JsonDocument.Parse(m.Groups["json"].Value).RootElement)
            .Where(m => m.TryGetProperty("type", out var type) && type.GetString() == "server")
            .OrderBy(m => m.GetProperty("sequence").GetInt32())
            .ToList();
        if (markers.Count == 0)
        {
            throw new InvalidOperationException($"{path} has no interactive server components (signed out?).");
        }

        var state = ServerState().Match(html) is { Success: true } s ? s.Groups["state"].Value : "";
        var builder = new HubConnectionBuilder()
            .WithUrl(baseUrl.TrimEnd('/') + "/_blazor", HttpTransportType.WebSockets, options =>
            {
                options.Cookies = cookies;
                options.SkipNegotiation = true;

                // As browsers do: the portal then compresses this circuit's messages too, with the CPU and memory that costs.
                options.WebSocketConfiguration = socket => socket.DangerousDeflateOptions = new System.Net.WebSockets.WebSocketDeflateOptions();
            });
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        var connection = builder.Build();
        var client = new CircuitClient(connection);
        var live = client.WatchFor(shownWhenLive);
        connection.On<long, byte[]>("JS.RenderBatch", client.OnRenderBatchAsync);
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long)], client.OnBeginInvokeJsAsync);
        connection.On<string>("JS.Error", error => client.Error ??= error);
        connection.On("JS.EndInvokeDotNet", [typeof(string), typeof(bool), typeof(string)], _ => Task.CompletedTask);
        connection.On("JS.AttachComponent", [typeof(int), typeof(string)], _ => Task.CompletedTask);
        connection.On("JS.EndUpdateRootComponents", [typeof(long)], _ => Task.CompletedTask);
        connection.On("JS.EndLocationChanging", [typeof(int), typeof(bool)], _ => Task.CompletedTask);
        await connection.StartAsync(ct);

        var circuitId = await connection.InvokeAsync<string?>("StartCircuit", baseUrl.TrimEnd('/') + "/", pageUrl, "[]", "", ct);
        if (string.IsNullOrEmpty(circuitId))
        {
            throw new InvalidOperationException($"The portal refused a circuit for {path}: {client.Error}");
        }

        // What blazor.web.js sends for the page's markers: one "add" per server component, in the markers' order.
        var operations = new
        {
            batchId = 1,
            operations = markers.Select((marker, i) => new { type = "add", ssrComponentId = i + 1, marker }).ToList(),
        };
        await connection.SendAsync("UpdateRootComponents", JsonSerializer.Serialize(operations), state, ct);
        try
        {
            await live.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (TimeoutException)
        {
            await client.DisposeAsync();
            throw new InvalidOperationException($"{path} did not show '{shownWhenLive}' within 30 s ({client.Batches} batches; error: {client.Error ?? "none"}).");
        }

        return client;
    }

    /// <summary>Waits until a render batch carries <paramref name="text"/>; the time it arrived, as Unix milliseconds.</summary>
    public Task<double> WatchFor(string text)
    {
        var seen = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _watch = (Encoding.UTF8.GetBytes(text), seen);
        }

        return seen.Task;
    }

    private Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        var at = DateTime.UtcNow;
        lock (_gate)
        {
            Batches++;
            if (_watch is { } watch && batch.AsSpan().IndexOf(watch.Needle) >= 0)
            {
                _watch = null;
                watch.Seen.TrySetResult((at - DateTime.UnixEpoch).TotalMilliseconds);
            }
        }

        // The server keeps at most a few unacknowledged batches per circuit: acknowledge as the browser does once applied.
        return _connection.SendAsync("OnRenderCompleted", batchId, null);
    }

    private Task OnBeginInvokeJsAsync(object?[] args)
    {
        var asyncHandle = (long)args[0]!;
        return asyncHandle == 0
            ? Task.CompletedTask
            : _connection.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, string.Create(CultureInfo.InvariantCulture, $"[{asyncHandle},true,null]"));
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex Markers();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex ServerState();

    /// <summary>SignalR's MessagePack protocol under the name Blazor's hub accepts.</summary>
    private sealed class BlazorPackProtocol : IHubProtocol
    {
        private readonly MessagePackHubProtocol _inner = new();

        public string Name => "blazorpack";
        public int Version => _inner.Version;
        public TransferFormat TransferFormat => TransferFormat.Binary;
        public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);
        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
            _inner.TryParseMessage(ref input, binder, out message);
        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);
        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);
    }
}
