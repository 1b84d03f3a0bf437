using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace UserAdmin.Portal.E2E.Infrastructure;

/// <summary>What a portal instance starts with; each instance gets its own database and log folder.</summary>
public sealed record PortalServerOptions
{
    public bool AdminMustChangePassword { get; init; }

    public int MaxFailedAttempts { get; init; } = 5;

    /// <summary>Configuration on top (environment variable names, e.g. Portal__Email__Mode).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Usernames given <c>Portal:Operators</c> (they may create organizations).</summary>
    public IReadOnlyList<string> Operators { get; init; } = [];
}

/// <summary>
/// The real portal executable as a child process on a free loopback port, with a fresh SQLite database and log
/// folder in a temp directory. Development environment: that is where the build output's static web assets
/// (blazor.web.js, Radzen) are served from, and where cookies are not restricted to HTTPS.
/// </summary>
public sealed partial class PortalServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalServer(PortalServerOptions options)
    {
        var executable = SolutionPaths.PortalExecutable;
        _directory = Path.Combine(Path.GetTempPath(), "useradmin-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        LogFolder = Path.Combine(_directory, "logs");
        DatabasePath = Path.Combine(_directory, "portal.db");
        MailFolder = Path.Combine(_directory, "mail");
        Directory.CreateDirectory(LogFolder);

        var start = new ProcessStartInfo(executable)
        {
            // The temp folder is the content root; the app still finds the solution's settings from its own location.
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");

        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["ConnectionStrings__Portal"] = $"Data Source={DatabasePath}";
        env["Serilog__WriteTo__1__Args__configure__0__Args__path"] = Path.Combine(LogFolder, "portal-.log");
        env["Portal__Email__Mode"] = "Pickup";
        env["Portal__Email__PickupDirectory"] = MailFolder;
        env["Portal__Bootstrap__OrganizationName"] = "e2e";
        env["Portal__Bootstrap__OrganizationDisplayName"] = OrganizationDisplayName;
        env["Portal__Bootstrap__AdminUserName"] = AdminUserName;
        env["Portal__Bootstrap__AdminEmail"] = AdminEmail;
        env["Portal__Bootstrap__AdminPassword"] = AdminPassword;
        env["Portal__Bootstrap__AdminMustChangePassword"] = options.AdminMustChangePassword ? "true" : "false";
        env["Portal__Lockout__MaxFailedAttempts"] = options.MaxFailedAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < options.Operators.Count; i++)
        {
            env[$"Portal__Operators__{i}"] = options.Operators[i];
        }

        // Little work for the bot challenge: the browser solves it in a blink, and the check is still real.
        env["Portal__BotChallenge__MaxNumber"] = "5000";
        foreach (var (name, value) in options.Settings)
        {
            env[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The portal process, for benchmarks that read its memory.</summary>
    public int ProcessId => _process.Id;

    public string OrganizationDisplayName { get; } = "Northwind Test Organization";

    public string AdminUserName { get; } = "e2e.admin";

    public string AdminEmail { get; } = "e2e.admin@example.test";

    /// <summary>Random per instance: long enough for the rules, and easy to look for in the logs.</summary>
    public string AdminPassword { get; } = "pw-" + RandomNumberGenerator.GetHexString(20, lowercase: true);

    public string LogFolder { get; }

    /// <summary>Where the instance's pickup sender writes each email as an .eml file.</summary>
    public string MailFolder { get; }

    /// <summary>The instance's SQLite file, for tests that seed rows into it (see <see cref="PortalDatabase"/>).</summary>
    public string DatabasePath { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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

    public static async Task<PortalServer> StartAsync(PortalServerOptions? options = null)
    {
        var server = new PortalServer(options ?? new PortalServerOptions());
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The content of every log file so far (the file sink keeps them open, so share the handle).</summary>
    public async Task<string> ReadLogAsync()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(LogFolder, "*.log").Order())
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text.Append(await reader.ReadToEndAsync());
        }

        return text.ToString();
    }

    /// <summary>
    /// Requests a unique address and waits until the log file shows it. The file sink writes through an async
    /// queue in order, so once the marker is on disk everything logged before it is too.
    /// </summary>
    public async Task<string> ReadLogAfterFlushAsync(Microsoft.Playwright.IPage page)
    {
        var marker = "/e2e-log-marker-" + Guid.NewGuid().ToString("N");
        await page.GotoAsync(BaseUrl + marker);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var log = await ReadLogAsync();
            if (log.Contains(marker, StringComparison.Ordinal))
            {
                return log;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The request for {marker} did not reach the log in {LogFolder}.");
            }

            await Task.Delay(100);
        }
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
            // Never started, already gone, or stuck: the temp folder is still cleaned up below.
        }
        finally
        {
            _process.Dispose();
            await DeleteDirectoryAsync();
        }
    }

    private async Task StartProcessAsync()
    {
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // WaitForExitAsync also waits for the output to be read to the end, so a failure message is complete.
        using var cancelTimeout = new CancellationTokenSource();
        var exited = _process.WaitForExitAsync(cancelTimeout.Token);
        var timeout = Task.Delay(StartTimeout, cancelTimeout.Token);
        var first = await Task.WhenAny(_listening.Task, exited, timeout);
        await cancelTimeout.CancelAsync();
        if (first == _listening.Task)
        {
            BaseUrl = await _listening.Task;
            return;
        }

        throw first == exited
            ? new InvalidOperationException($"The portal exited with code {_process.ExitCode} before it was listening. Its output:{Environment.NewLine}{Output}")
            : new TimeoutException($"The portal did not report 'Now listening on' within {StartTimeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups["url"].Value.TrimEnd('/'));
        }
    }

    private async Task DeleteDirectoryAsync()
    {
        // SQLite's WAL files may still be closing for a moment after the kill.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                if (Directory.Exists(_directory))
                {
                    Directory.Delete(_directory, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
