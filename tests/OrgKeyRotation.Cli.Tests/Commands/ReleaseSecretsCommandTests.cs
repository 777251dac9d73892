using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class ReleaseSecretsCommandTests
{
    private static readonly ReleasedSecret Alice = new(Samples.AccountA, "alice", "iam-key-rotation/111111111111/alice", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/111111111111/alice-AbCdEf", Outcome.Planned, "would drop the rotator's denial of changes");

    [Fact]
    public async Task ReleaseSecrets_NoApply_IsADryRunAndSaysHowToApply()
    {
        var cli = new CliHarness();
        cli.Service.Release = new ReleaseResult(false, [Alice], []);

        var code = await cli.RunAsync("release-secrets");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal((null, false), (cli.Service.LastRelease!.Value.Accounts, cli.Service.LastRelease.Value.Apply));
        Assert.Contains("iam-key-rotation/111111111111/alice", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("Dry run: 1 secrets would be released. Run again with --apply", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseSecrets_ApplyForOneAccount_PassesBothAndPrintsJson()
    {
        var cli = new CliHarness();
        cli.Service.Release = new ReleaseResult(true, [Alice with { Outcome = Outcome.Succeeded }], []);

        var code = await cli.RunAsync("release-secrets", "--account", Samples.AccountA, "--apply", "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal([Samples.AccountA], cli.Service.LastRelease!.Value.Accounts);
        Assert.True(cli.Service.LastRelease.Value.Apply);
        using var doc = JsonDocument.Parse(cli.Stdout);
        Assert.True(doc.RootElement.GetProperty("applied").GetBoolean());
        Assert.Equal("Succeeded", doc.RootElement.GetProperty("secrets")[0].GetProperty("outcome").GetString());
        Assert.Contains("Released 1 secrets; 0 left as they were; 0 failures.", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseSecrets_AFailure_Exit1()
    {
        var cli = new CliHarness();
        cli.Service.Release = new ReleaseResult(true, [Alice with { Outcome = Outcome.Failed, Reason = "SecretsManager:PutResourcePolicy failed with AccessDeniedException" }],
            [new AccountResult(Samples.AccountB, Outcome.Failed, "STS:AssumeRole failed with AccessDenied", [])]);

        var code = await cli.RunAsync("release-secrets", "--apply");

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains($"account {Samples.AccountB} could not be read: STS:AssumeRole failed with AccessDenied", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 failures", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--account", "12345")]
    [InlineData("--account", "333333333333")]
    [InlineData("--apply", "yes")]
    [InlineData("--output", "csv")]
    public async Task ReleaseSecrets_BadArguments_Exit2WithoutCallingTheEngine(params string[] args)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(["release-secrets", .. args]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(cli.Service.Calls);
    }

    [Fact]
    public async Task Help_ReleaseSecrets_ListsItsOptionsAndExamples()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("release-secrets", "--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var text in new[] { "--apply", "--account", "--output <table|json>", "access keys are not touched", "Examples:" })
        {
            Assert.Contains(text, cli.Stdout, StringComparison.Ordinal);
        }

        Assert.Null(cli.Built);
    }
}
