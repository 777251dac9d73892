using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Lambda.Bootstrap;
using OrgKeyRotation.Lambda.Tests.TestHelpers;

namespace OrgKeyRotation.Lambda.Tests.Bootstrap;

public class LambdaHostTests
{
    private readonly FakeRuntimeApiClient _client = new();
    private readonly FakeRotationService _service = new();

    [Fact]
    public async Task RunAsync_FactoryReportsProblems_PostsInitErrorNamingEachVariableAndExitsNonZero()
    {
        _client.Enqueue("{}");
        ServiceSetup Factory(IReadOnlyDictionary<string, string?> env, Microsoft.Extensions.Logging.ILogger logger) =>
            ServiceSetup.Invalid([new ConfigProblem("MAX_KEY_AGE_DAYS", "\"ninety\" is not a number")]);

        var exit = await Run(new Dictionary<string, string?>(), Factory);

        Assert.Equal(LambdaHost.ExitInitFailed, exit);
        var error = Assert.Single(_client.InitErrors);
        Assert.Equal("InvalidConfiguration", error.ErrorType);
        Assert.Contains("MAX_KEY_AGE_DAYS: \"ninety\" is not a number", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_client.Responses);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task RunAsync_FactoryThrows_PostsInitErrorWithTheCauseAndExitsNonZero()
    {
        ServiceSetup Factory(IReadOnlyDictionary<string, string?> env, Microsoft.Extensions.Logging.ILogger logger) =>
            throw new InvalidOperationException("region missing");

        var exit = await Run([], Factory);

        Assert.Equal(LambdaHost.ExitInitFailed, exit);
        var error = Assert.Single(_client.InitErrors);
        Assert.Equal("InitializationFailed", error.ErrorType);
        Assert.Contains("region missing", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ValidSetup_ServesEventsAndExitsNonZeroWhenRuntimeApiFails()
    {
        _client.Enqueue("{\"dryRun\":true}");

        var exit = await Run([], (_, _) => ServiceSetup.Ready(_service, fanOut: false));

        Assert.Equal(LambdaHost.ExitRuntimeApiFailed, exit);
        Assert.Empty(_client.InitErrors);
        Assert.Equal([nameof(FakeRotationService.SweepAsync)], _service.Calls);
        Assert.True(_service.SweepRequests[0].DryRun);
        Assert.Single(_client.Responses);
    }

    [Fact]
    public void ConnectedFactory_TodayWithoutConfigLoader_RefusesToStartNamingTheScopeVariable()
    {
        var setup = ServiceSetup.FromEnvironment(new Dictionary<string, string?>(), NullLogger.Instance);

        Assert.Null(setup.Service);
        Assert.Equal("ACCOUNTS_USERS_JSON", Assert.Single(setup.Problems).Path);
    }

    private Task<int> Run(Dictionary<string, string?> environment, ServiceFactory factory) =>
        LambdaHost.RunAsync(_client, environment, factory, TextWriter.Null, new FakeTimeProvider(), NullLogger.Instance, CancellationToken.None);
}
