using System.Net;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Commands;

public class RotateCommandTests
{
    [Fact]
    public async Task Rotate_AllSucceed_ExecutesAndExit0()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: false, Outcome.Succeeded, accountBFails: false);

        var code = await cli.RunAsync("rotate");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.False(cli.Service.LastSweep!.DryRun);
        Assert.Contains($"Rotate -> {Samples.NewKey}", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rotation sweep-1", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("rotation finished: 1/2 accounts done, 0 failed", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_DryRun_IsAPlan()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: true, accountBFails: false);

        var code = await cli.RunAsync("rotate", "--dry-run");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(cli.Service.LastSweep!.DryRun);
        Assert.Contains("Dry run sweep-1", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_AsOfWithoutDryRun_Exit2WithoutCallingTheEngine()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("rotate", "--as-of", "2027-01-01");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(cli.Built);
        Assert.Contains("--as-of only plans", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_AStepFailed_Exit1WithTheDetailOnStderr()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: false, Outcome.Failed, accountBFails: false);

        var code = await cli.RunAsync("rotate", "--quiet");

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains($"{Samples.AccountA}/alice {Samples.OldKey} Rotate failed: IAM:CreateAccessKey failed with LimitExceeded", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("rotation finished", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_AccountFailed_Exit1AndProgressCountsIt()
    {
        var cli = new CliHarness();
        cli.Service.SweepResult = Samples.Sweep(dryRun: false, Outcome.Succeeded);

        var code = await cli.RunAsync("rotate");

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains("2/2 accounts done, 1 failed", cli.Stderr, StringComparison.Ordinal);
    }

    public static TheoryData<Exception> CouldNotStart => new()
    {
        new AwsCredentialsException("no profile and no environment variables"),
        new AwsTransportException("STS", "GetCallerIdentity", new Uri("http://127.0.0.1:1"), new HttpRequestException("Connection refused")),
        new AwsServiceException("STS", "AssumeRole", "InvalidClientTokenId", AwsErrorKind.InvalidCredentials, HttpStatusCode.Forbidden, "req-1", "The security token included in the request is invalid."),
        // Central secrets, and the operator is not their rotator: nothing was created.
        new CentralRotatorRefusedException(OrgKeyRotation.Core.Configuration.CentralRotator.Refusal(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice", "arn:aws:iam::111111111111:role/org-key-rotation-lambda")!),
    };

    [Theory]
    [MemberData(nameof(CouldNotStart))]
    public async Task Rotate_CredentialsOrEndpointProblem_Exit3(Exception exception)
    {
        var cli = new CliHarness();
        cli.Service.Throw = exception;

        var code = await cli.RunAsync("rotate");

        Assert.Equal(ExitCodes.CouldNotStart, code);
        Assert.Contains(exception.Message, cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_FactoryFindsNoCredentials_Exit3()
    {
        var cli = new CliHarness { FactoryThrows = new AwsCredentialsException("nothing in the default chain") };

        var code = await cli.RunAsync("rotate");

        Assert.Equal(ExitCodes.CouldNotStart, code);
        Assert.Contains("No AWS credentials could be resolved", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_OtherServiceError_Exit1()
    {
        var cli = new CliHarness();
        cli.Service.Throw = new AwsServiceException("Organizations", "ListAccounts", "AccessDeniedException", AwsErrorKind.AccessDenied, HttpStatusCode.BadRequest, null, null);

        var code = await cli.RunAsync("rotate");

        Assert.Equal(ExitCodes.Failures, code);
        Assert.Contains("Organizations:ListAccounts failed with AccessDeniedException", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_UnexpectedException_Exit1WithHintAndStackOnlyWhenVerbose()
    {
        var quiet = new CliHarness();
        var verbose = new CliHarness();
        quiet.Service.Throw = new InvalidOperationException("boom");
        verbose.Service.Throw = new InvalidOperationException("boom");

        Assert.Equal(ExitCodes.Failures, await quiet.RunAsync("rotate"));
        Assert.Equal(ExitCodes.Failures, await verbose.RunAsync("rotate", "--verbose"));

        Assert.Contains("unexpected InvalidOperationException: boom (run with --verbose", quiet.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", quiet.Stderr, StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_Cancelled_Exit130()
    {
        var cli = new CliHarness();
        cli.Service.Gate = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();

        var run = cli.RunAsync(["rotate"], cancel.Token);
        await cancel.CancelAsync();

        Assert.Equal(ExitCodes.Cancelled, await run);
        Assert.Contains("cancelled", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_OnATerminal_ShowsLiveProgressAndClearsIt()
    {
        var cli = new CliHarness { ErrorIsTerminal = true };
        cli.Service.SweepResult = Samples.Sweep(dryRun: false, Outcome.Succeeded, accountBFails: false);

        await cli.RunAsync("rotate");

        Assert.Contains("\rrotating: ", cli.Stderr.Replace("\u001b[2K", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("rotation finished: 1/2 accounts done", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("rotating 2 accounts...", cli.Stderr, StringComparison.Ordinal);
    }
}
