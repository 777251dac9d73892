using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Lambda.Logging;

namespace OrgKeyRotation.Lambda.Tests.Logging;

public partial class JsonLoggerTests
{
    private const string SecretValue = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero));

    [Fact]
    public void Log_TemplateWithNamedValues_OneJsonLineWithCamelCaseFields()
    {
        var logger = new JsonLogger(_output, _time);

        LogRotated(logger, "111111111111", "deploy-bot", "AKIAOLD", "Rotate", "Succeeded");

        var line = SingleLine();
        Assert.Equal("2026-11-25T10:00:00.123Z", line.GetProperty("timestamp").GetString());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("Rotate Succeeded for deploy-bot in 111111111111 (key AKIAOLD)", line.GetProperty("message").GetString());
        Assert.Equal("111111111111", line.GetProperty("accountId").GetString());
        Assert.Equal("deploy-bot", line.GetProperty("userName").GetString());
        Assert.Equal("AKIAOLD", line.GetProperty("accessKeyId").GetString());
        Assert.Equal("Rotate", line.GetProperty("action").GetString());
        Assert.Equal("Succeeded", line.GetProperty("outcome").GetString());
    }

    [Fact]
    public void Log_InsideScope_CarriesRequestIdUntilScopeEnds()
    {
        var logger = new JsonLogger(_output, _time);

        using (logger.BeginScope(new[] { new KeyValuePair<string, object?>("requestId", "req-9") }))
        {
            LogCount(logger, 3);
        }

        LogCount(logger, 4);

        var lines = Lines();
        Assert.Equal("req-9", lines[0].GetProperty("requestId").GetString());
        Assert.Equal(3, lines[0].GetProperty("count").GetInt32());
        Assert.False(lines[1].TryGetProperty("requestId", out _));
    }

    [Fact]
    public void Log_SensitiveStringValue_Redacted()
    {
        var logger = new JsonLogger(_output, _time);

        LogKey(logger, "AKIANEW", new SensitiveString(SecretValue));

        Assert.DoesNotContain(SecretValue, _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(SensitiveString.Redacted, SingleLine().GetProperty("material").GetString());
    }

    [Fact]
    public void Log_FieldsNamedLikeSecretsEvenAsPlainStrings_RedactedInFieldsAndMessage()
    {
        var logger = new JsonLogger(_output, _time);

        LogCredentials(logger, SecretValue, "session-token-value", "hunter2");

        var text = _output.ToString();
        Assert.DoesNotContain(SecretValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        var line = SingleLine();
        Assert.Equal(SensitiveString.Redacted, line.GetProperty("secretAccessKey").GetString());
        Assert.Equal(SensitiveString.Redacted, line.GetProperty("sessionToken").GetString());
        Assert.Equal(SensitiveString.Redacted, line.GetProperty("password").GetString());
    }

    [Fact]
    public void Log_Exception_TypeAndMessageAsFields()
    {
        var logger = new JsonLogger(_output, _time);

        LogFailed(logger, "111111111111", new InvalidOperationException("AssumeRole denied"));

        var line = SingleLine();
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal("InvalidOperationException", line.GetProperty("errorType").GetString());
        Assert.Equal("AssumeRole denied", line.GetProperty("error").GetString());
    }

    [Fact]
    public void Log_BelowMinimumLevel_NothingWritten()
    {
        var logger = new JsonLogger(_output, _time, LogLevel.Warning);

        LogCount(logger, 1);

        Assert.Empty(_output.ToString());
    }

    [Fact]
    public void Log_EscapedBracesAndFormat_RenderedLikeMessageTemplates()
    {
        var logger = new JsonLogger(_output, _time);

        LogBraces(logger, 2.5);

        Assert.Equal("{literal} took 2.50 s", SingleLine().GetProperty("message").GetString());
    }

    private JsonElement SingleLine() => Assert.Single(Lines());

    private List<JsonElement> Lines() =>
        [.. _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} {Outcome} for {UserName} in {AccountId} (key {AccessKeyId})")]
    private static partial void LogRotatedCore(ILogger logger, string action, string outcome, string userName, string accountId, string accessKeyId);

    private static void LogRotated(ILogger logger, string accountId, string userName, string accessKeyId, string action, string outcome) =>
        LogRotatedCore(logger, action, outcome, userName, accountId, accessKeyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Counted {Count}")]
    private static partial void LogCount(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {AccessKeyId} with {Material}")]
    private static partial void LogKey(ILogger logger, string accessKeyId, SensitiveString material);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credentials {SecretAccessKey} {SessionToken} {Password}")]
    private static partial void LogCredentials(ILogger logger, string secretAccessKey, string sessionToken, string password);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} failed")]
    private static partial void LogFailed(ILogger logger, string accountId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{{literal}} took {Seconds:F2} s")]
    private static partial void LogBraces(ILogger logger, double seconds);
}
