using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrgKeyRotation.Testing;

/// <summary>An ILogger that keeps every line (message and structured values) for assertions and the secret scan.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToList();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(p => p.Key, p => p.Value?.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string?>();
        var line = new LogLine(logLevel, formatter(state, exception), exception?.ToString(), values);
        _lines.Enqueue(line);
        SecretScan.Record("log", line.ToString());
    }
}

public sealed record LogLine(LogLevel Level, string Message, string? Exception, IReadOnlyDictionary<string, string?> Values)
{
    public override string ToString() => $"{Level}: {Message} {string.Join(' ', Values.Select(v => $"{v.Key}={v.Value}"))} {Exception}";
}
