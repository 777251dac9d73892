using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Hosting;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>The engine ready to serve, or the configuration problems that stop the function from starting.</summary>
internal sealed record ServiceSetup(IRotationService? Service, bool FanOut, IReadOnlyList<ConfigProblem> Problems)
{
    /// <summary>
    /// Work items of one SQS batch swept at once: concurrency.accounts, the bound one process's sweep puts on its
    /// accounts, so an instance given a batch works as hard as one process and no harder.
    /// </summary>
    public int AccountConcurrency { get; init; } = new ConcurrencyConfig().Accounts;

    /// <summary>The host's own settings (the deadline margin), from the same configuration.</summary>
    public HostOptions Options { get; init; } = new();

    public static ServiceSetup Ready(IRotationService service, bool fanOut) => new(service, fanOut, []);

    public static ServiceSetup Invalid(IReadOnlyList<ConfigProblem> problems) => new(null, false, problems);

    /// <summary>
    /// Loads the configuration from the environment (problems name the variable) and builds the engine through the
    /// shared composition root. Region, endpoints (AWS_ENDPOINT_URL*) and credentials come from the AWS layer's
    /// standard chains. Fan-out is on when a work queue is set.
    /// </summary>
    public static ServiceSetup FromEnvironment(IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        var loaded = ConfigLoader.FromEnvironment(environment);
        if (!loaded.IsValid)
        {
            return Invalid(loaded.Problems);
        }

        var config = loaded.Config!;
        return Ready(HostComposition.CreateService(config, AwsConnection.Default, TimeProvider.System, logger), fanOut: config.WorkQueueUrl is not null)
            with { AccountConcurrency = config.Concurrency.Accounts, Options = HostOptions.For(config) };
    }
}

/// <summary>Loads the configuration from the environment and builds the engine; called once, at initialisation.</summary>
internal delegate ServiceSetup ServiceFactory(IReadOnlyDictionary<string, string?> environment, ILogger logger);
