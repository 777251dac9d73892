using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Hosting;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class ParsingTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("plan", "--no-such-option")]
    [InlineData("plan", "--quiet", "--verbose")]
    [InlineData("plan", "--endpoint-url", "localhost:5000")]
    [InlineData("credential-process")]
    [InlineData("credential-process", "--secret-id", " ")]
    [InlineData]
    public async Task Run_BadArguments_Exit2WithoutBuildingTheEngine(params string[] args)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cli.Built);
        Assert.Contains("--help' for usage.", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan", "--as-of", "--concurrency", "--account", "--output <table|json|csv>")]
    [InlineData("rotate", "--dry-run", "--as-of", "Only with --dry-run.", "--concurrency", "--endpoint-url")]
    [InlineData("report", "--output <table|json|csv|html>", "--out", "--as-of", "--profile")]
    [InlineData("restore", "--account", "--user", "--key", "--region")]
    [InlineData("validate-config", "--config", "--output <table|json>")]
    [InlineData("rotation-step", "--secret-id", "--token", "--step", "finishSecret")]
    [InlineData("credential-process", "--secret-id", "--bootstrap-profile", "--region", "--endpoint-url")]
    public async Task Help_EveryCommand_ListsItsOptionsAndExamples(string command, params string[] expected)
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var text in expected)
        {
            Assert.Contains(text, cli.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains($"Examples:\n  keyrot {command} ", cli.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Null(cli.Built);
    }

    [Fact]
    public async Task Help_Restore_DoesNotOfferOptionsItIgnores()
    {
        var cli = new CliHarness();

        await cli.RunAsync("restore", "--help");

        Assert.DoesNotContain("--as-of", cli.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--concurrency", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_Options_ReachTheEngineFactory()
    {
        var cli = new CliHarness();

        await cli.RunAsync("plan", "--profile", "ops", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:5000");

        Assert.Equal(new AwsConnection("ops", "eu-west-1", new Uri("http://127.0.0.1:5000")), cli.Built!.Connection);
    }
}
