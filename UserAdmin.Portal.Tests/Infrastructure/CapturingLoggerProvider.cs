using System.Collections.Concurrent;

namespace UserAdmin.Portal.Tests.Infrastructure;

public sealed record CapturedLog(string Category, LogLevel Level, string Message, string? Exception, IReadOnlyList<string> Values)
{
    /// <summary>Everything the entry could put in a log sink: the message, every structured value and the exception.</summary>
    public string AllText => string.Join("\n", [Category, Message, Exception ?? "", .. Values]);
}

/// <summary>Keeps every log entry and scope, at every level, so a test can search anything a sink could have written.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        // Scopes become properties in structured sinks, so they are kept too (as entries of level None).
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            entries.Enqueue(new CapturedLog(category, LogLevel.None, state.ToString() ?? "", null, Values(state)));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception?.ToString(), Values(state)));
        }

        private static List<string> Values<TState>(TState state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => $"{p.Key}={p.Value}").ToList() : [];
    }
}
