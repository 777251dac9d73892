using Microsoft.Extensions.Logging;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>The engine ready to serve, or the configuration problems that stop the function from starting.</summary>
internal sealed record ServiceSetup(IRotationService? Service, bool FanOut, IReadOnlyList<ConfigurationProblem> Problems)
{
    public static ServiceSetup Ready(IRotationService service, bool fanOut) => new(service, fanOut, []);

    public static ServiceSetup Invalid(IReadOnlyList<ConfigurationProblem> problems) => new(null, false, problems);

    /// <summary>Builds the AWS clients and the engine for a validated configuration. Fan-out is on when a work queue is set.</summary>
    public static ServiceSetup FromConfig(RotationConfig config, IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        var options = new AwsOptions
        {
            Region = environment.GetValueOrDefault("AWS_REGION"),
            EndpointUrl = Uri.TryCreate(environment.GetValueOrDefault("AWS_ENDPOINT_URL"), UriKind.Absolute, out var endpoint) ? endpoint : null,
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
