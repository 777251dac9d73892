using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Lambda.Logging;

/// <summary>
/// Writes one JSON object per log line: timestamp (from the TimeProvider), level, message, the fields of any active
/// scope (requestId), and the message template's named values as camelCase fields (accountId, userName, ...).
/// It never prints a secret: a <see cref="SensitiveString"/> is written as its redacted form, and any field whose
/// name contains secret, token or password is replaced by <see cref="SensitiveString.Redacted"/>, in the fields and
/// in the rendered message alike.
/// </summary>
internal sealed class JsonLogger(TextWriter output, TimeProvider timeProvider, LogLevel minimumLevel = LogLevel.Information) : ILogger
{
    private const string OriginalFormat = "{OriginalFormat}";
    private static readonly string[] SensitiveNameParts = ["secret", "token", "password"];
    private static readonly AsyncLocal<Scope?> CurrentScope = new();
    private readonly Lock _writeLock = new();

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimumLevel;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        var fields = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        var scope = new Scope(CurrentScope.Value, [.. fields]);
        CurrentScope.Value = scope;
        return scope;
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var template = values.FirstOrDefault(v => v.Key == OriginalFormat).Value as string;
        var message = template is null ? formatter(state, exception) : Render(template, values);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("level", LevelName(logLevel));
            writer.WriteString("message", message);
            var written = new HashSet<string>(StringComparer.Ordinal) { "timestamp", "level", "message" };
            for (var scope = CurrentScope.Value; scope is not null; scope = scope.Parent)
            {
                WriteFields(writer, scope.Fields, written);
            }

            WriteFields(writer, values, written);
            if (exception is not null)
            {
                writer.WriteString("errorType", exception.GetType().Name);
                writer.WriteString("error", exception.Message);
            }

            writer.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_writeLock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    internal static bool IsSensitiveName(string name) =>
        SensitiveNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static void WriteFields(Utf8JsonWriter writer, IReadOnlyList<KeyValuePair<string, object?>> fields, HashSet<string> written)
    {
        foreach (var (key, value) in fields)
        {
            if (key == OriginalFormat)
            {
                continue;
            }

            var name = JsonNamingPolicy.CamelCase.ConvertName(key);
            if (!written.Add(name))
            {
                continue;
            }

            writer.WritePropertyName(name);
            WriteValue(writer, key, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        if (IsSensitiveName(name))
        {
            writer.WriteStringValue(SensitiveString.Redacted);
            return;
        }

        switch (value)
        {
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            default:
                writer.WriteStringValue(Format(value));
                break;
        }
    }

    private static string Format(object? value, string? format = null) => value switch
    {
        null => "null",
        DateTimeOffset t when format is null => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Renders "{Name}" holes from the named values, redacting sensitive ones; "{{" and "}}" are literal braces.</summary>
    private static string Render(string template, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var result = new StringBuilder(template.Length + 32);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                result.Append(c);
                i++;
                continue;
            }

            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                result.Append(c);
                continue;
            }

            var hole = template.AsSpan(i + 1, close - i - 1);
            var end = hole.IndexOfAny(',', ':');
            var name = (end < 0 ? hole : hole[..end]).ToString();
            var colon = hole.IndexOf(':');
            var format = colon < 0 ? null : hole[(colon + 1)..].ToString();
            var match = values.FirstOrDefault(v => v.Key == name);
            result.Append(match.Key is null ? template.AsSpan(i, close - i + 1) : IsSensitiveName(name) && match.Value is not null ? SensitiveString.Redacted : Format(match.Value, format));
            i = close;
        }

        return result.ToString();
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private sealed class Scope(Scope? parent, KeyValuePair<string, object?>[] fields) : IDisposable
    {
        public Scope? Parent { get; } = parent;

        public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; } = fields;

        public void Dispose() => CurrentScope.Value = Parent;
    }
}
