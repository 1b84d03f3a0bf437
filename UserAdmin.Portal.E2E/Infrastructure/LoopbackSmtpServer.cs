using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd (python3-aiosmtpd, installed by .ci/run), delivering every
/// message into a maildir, where the test reads it as a person would find it in their mailbox.
/// </summary>
public sealed partial class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LoopbackSmtpServer(int port, string maildir)
    {
        Port = port;
        Maildir = maildir;
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir })
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>The settings that point a portal at this server (plain SMTP on loopback, no credentials).</summary>
    public IReadOnlyDictionary<string, string> PortalSettings => new Dictionary<string, string>
    {
        ["Portal__Email__Mode"] = "Smtp",
        ["Portal__Email__Smtp__Host"] = "127.0.0.1",
        ["Portal__Email__Smtp__Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Portal__Email__Smtp__Security"] = "None",
    };

    public static async Task<LoopbackSmtpServer> StartAsync()
    {
        var maildir = Path.Combine(Path.GetTempPath(), "useradmin-smtp-" + Guid.NewGuid().ToString("N")[..12]);
        var server = new LoopbackSmtpServer(FreePort(), maildir);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        // Ready when it accepts a connection and greets.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited with code {server._process.ExitCode} (is python3-aiosmtpd installed?): {server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                using var reader = new StreamReader(client.GetStream());
                if ((await reader.ReadLineAsync())?.StartsWith("220", StringComparison.Ordinal) == true)
                {
                    return server;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"aiosmtpd did not listen on port {server.Port}: {server.Output}");
            }

            await Task.Delay(100);
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits for a delivered message to <paramref name="recipient"/> and returns its raw text.</summary>
    public async Task<string> WaitForMessageToAsync(string recipient, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var folder = Path.Combine(Maildir, "new");
        while (true)
        {
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder).Order())
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (ToHeader().Match(text) is { Success: true } to && to.Value.Contains(recipient, StringComparison.OrdinalIgnoreCase))
                    {
                        return text;
                    }
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No email to {recipient} reached the SMTP server on port {Port}. Its output: {Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The path and query of the first portal link to <paramref name="page"/> in a message (quoted-printable and base64 bodies undone).</summary>
    public static string LinkPathAndQuery(string message, string page)
    {
        var candidates = new List<string> { message.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal) };
        foreach (Match block in Base64Block().Matches(message))
        {
            try
            {
                candidates.Add(Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(block.Value, @"\s", ""))));
            }
            catch (FormatException)
            {
            }
        }

        foreach (var text in candidates)
        {
            var match = Regex.Match(text, $@"https?://[^\s/""]+/Account/{page}\?user=[0-9a-f-]{{36}}&(amp;)?token=[A-Za-z0-9_-]{{43}}");
            if (match.Success)
            {
                return new Uri(match.Value.Replace("&amp;", "&", StringComparison.Ordinal)).PathAndQuery;
            }
        }

        throw new Xunit.Sdk.XunitException($"The email has no {page} link:{Environment.NewLine}{message}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(Maildir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"^To: .*$", RegexOptions.Multiline)]
    private static partial Regex ToHeader();

    [GeneratedRegex(@"(?<=\n\n|\r\n\r\n)([A-Za-z0-9+/=]{40,}\r?\n)+")]
    private static partial Regex Base64Block();
}
