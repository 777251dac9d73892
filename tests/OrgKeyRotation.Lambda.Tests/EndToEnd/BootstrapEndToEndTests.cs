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
        Assert.Contains("ROTATION_DEADLINE_MARGIN_SECONDS: \"soon\"", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
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

    /// <summary>Events against a configured function; one line per case: payload, expected error type (null: a response), text the body holds.</summary>
    public static TheoryData<string, string?, string> ConfiguredCases => new()
    {
        { "this is not json", "InvalidEvent", "not valid JSON" },
        { """{"force": true}""", "InvalidEvent", "Unknown field \\\"force\\\"" },
        { """{"Records":[{"eventSource":"aws:s3"}]}""", "InvalidEvent", "aws:s3" },
        { """{"dryRun": true}""", null, "\"sweepId\"" },
    };

    [Theory(Skip = "Needs Core's ConfigLoader connected in EngineComposition.Create and the real AwsClients/RotationService; the lead removes this Skip when they land.")]
    [MemberData(nameof(ConfiguredCases))]
    public async Task Bootstrap_ConfiguredFunction_AnswersEachEvent(string payload, string? expectedErrorType, string expectedText)
    {
        await using var moto = await MotoServer.StartAsync();
        await using var run = await BootstrapRun.StartAsync(ConfiguredEnvironment(moto.Endpoint));

        var outcome = await run.InvokeAsync(payload);

        Assert.True(expectedErrorType is null ? outcome.Kind == RuntimeOutcomeKind.Response : outcome.Kind == RuntimeOutcomeKind.Error, $"{outcome.Kind}: {outcome.Body}\n{run.Stdout}");
        Assert.Equal(expectedErrorType, outcome.ErrorType);
        Assert.Contains(expectedText, outcome.Body, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ConfiguredEnvironment(Uri moto) => new()
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = moto.ToString(),
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["ACCOUNTS_USERS_JSON"] = """{"111111111111": ["deploy-bot"]}""",
        ["ROTATION_ROLE_NAME"] = "IAMKeyRotationRole",
    };
}
