using Microsoft.Extensions.Logging;

namespace OrgKeyRotation.Cli.Invocation;

/// <summary>
/// The engine's log, as plain lines on standard error. Deliberately tiny: the logging framework's console provider
/// costs start-up time the CLI does not need to spend.
/// </summary>
internal sealed class StderrLogger(TextWriter error, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = $"{Label(logLevel)}: {formatter(state, exception)}";
        if (exception is not null)
        {
            // The type and message only: a stack trace is noise for an operator, and --verbose prints it at the top level.
            line += $" ({exception.GetType().Name}: {exception.Message})";
        }

        error.WriteLine(line);
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "critical",
    };
}
