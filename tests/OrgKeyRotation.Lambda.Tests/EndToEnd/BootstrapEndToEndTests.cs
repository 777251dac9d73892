using System.Text.Json;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>The published Native AOT bootstrap, run as Lambda runs it, against a local Runtime API.</summary>
[Trait("Category", "Integration")]
public class BootstrapEndToEndTests
{
    [Fact]
    public async Task Bootstrap_InvalidHostSetting_PostsInitErrorNamingTheVariableAndExitsNonZero()
    {
        await using var run = await BootstrapRun.StartAsync(new Dictionary<string, string> { ["ROTATION_DEADLINE_MARGIN_SECONDS"] = "soon" });

        var initError = await run.Server.InitError.WaitAsync(BootstrapRun.Patience);
        var exitCode = await run.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(RuntimeOutcomeKind.InitError, initError.Kind);
        Assert.Equal("InvalidConfiguration", initError.ErrorType);
        using var body = JsonDocument.Parse(initError.Body);
        Assert.Equal("InvalidConfiguration", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("ROTATION_DEADLINE_MARGIN_SECONDS: 'soon' is not a whole number", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        var logLine = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]).RootElement;
        Assert.Equal("FATAL", logLine.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Bootstrap_WithoutRuntimeApiVariable_ExplainsOnStderrAndExitsNonZero()
    {
        await using var run = await BootstrapRun.StartAsync(new Dictionary<string, string>(), withRuntimeApi: false);

        var exitCode = await run.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API is not set", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Events a configured function refuses before any AWS call: payload, text the error message holds.</summary>
    public static TheoryData<string, string> RefusedEvents => new()
    {
        { "this is not json", "not valid JSON" },
        { "[1, 2]", "array" },
        { """{"force": true}""", "Unknown field \"force\"" },
        { """{"Records":[{"eventSource":"aws:s3"}]}""", "aws:s3" },
        { """{"mode": "enqueue"}""", "WORK_QUEUE_URL" },
        { """{"Step": "rotateEverything", "SecretId": "s", "ClientRequestToken": "t"}""", "rotateEverything" },
    };

    [Theory]
    [MemberData(nameof(RefusedEvents))]
    public async Task Bootstrap_MalformedEvent_AnswersInvalidEventAndServesTheNext(string payload, string expectedText)
    {
        // Nothing listens on the discard port: an AWS call would fail with a different error.
        await using var run = await BootstrapRun.StartAsync(ConfiguredEnvironment(new Uri("http://127.0.0.1:9")));

        var refused = await run.InvokeAsync(payload);
        var next = await run.InvokeAsync("this is not json either");

        Assert.True(refused.Kind == RuntimeOutcomeKind.Error, $"{refused.Kind}: {refused.Body}\n{run.Stdout}");
        Assert.Equal("InvalidEvent", refused.ErrorType);
        using var body = JsonDocument.Parse(refused.Body);
        Assert.Equal("InvalidEvent", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains(expectedText, body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(RuntimeOutcomeKind.Error, next.Kind);
    }

    private static Dictionary<string, string> ConfiguredEnvironment(Uri endpoint) => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = endpoint.ToString(),
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["ACCOUNTS_USERS_JSON"] = """{"111111111111": ["deploy-bot"]}""",
        ["ROTATION_ROLE_NAME"] = "IAMKeyRotationRole",
    };
}
