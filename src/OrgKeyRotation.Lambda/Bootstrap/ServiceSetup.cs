using Microsoft.Extensions.Logging;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>The engine ready to serve, or the configuration problems that stop the function from starting.</summary>
internal sealed record ServiceSetup(IRotationService? Service, bool FanOut, IReadOnlyList<ConfigProblem> Problems)
{
    public static ServiceSetup Ready(IRotationService service, bool fanOut) => new(service, fanOut, []);

    public static ServiceSetup Invalid(IReadOnlyList<ConfigProblem> problems) => new(null, false, problems);

    /// <summary>
    /// Builds the AWS clients and the engine for a validated configuration. Region, endpoints (AWS_ENDPOINT_URL*) and
    /// credentials come from the AWS layer's standard chains. Fan-out is on when a work queue is set.
    /// </summary>
    public static ServiceSetup FromConfig(RotationConfig config, ILogger logger)
    {
        var options = new AwsOptions
        {
            RoleName = config.RoleName,
            ExternalId = config.ExternalId,
            SecretLocation = config.Secrets.Location,
        };
        var clients = AwsClients.Create(options, TimeProvider.System);
        return Ready(new RotationService(config, clients, TimeProvider.System, logger), fanOut: config.WorkQueueUrl is not null);
    }
}

/// <summary>Loads the configuration from the environment and builds the engine; called once, at initialisation.</summary>
internal delegate ServiceSetup ServiceFactory(IReadOnlyDictionary<string, string?> environment, ILogger logger);
