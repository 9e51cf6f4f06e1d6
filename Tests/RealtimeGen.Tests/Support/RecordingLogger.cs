using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RealtimeGen.Tests.Support;

/// <summary>An ILogger that keeps every message, so tests can assert what a component logged.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => [.. _entries];

    public IReadOnlyList<string> TextsAtOrAbove(LogLevel level) =>
        [.. _entries.Where(entry => entry.Level >= level).Select(entry => entry.Text)];

    public void Clear() => _entries.Clear();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception)));
}
