using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>Where the host meets Core's configuration loader: environment in, engine (or problems naming variables) out.</summary>
internal static class EngineComposition
{
    // Core's ConfigLoader.FromEnvironment is not in this branch yet; until it is connected here, refuse to start
    // rather than run the engine on defaults that ignore the deployed configuration.
    public static ServiceSetup Create(IReadOnlyDictionary<string, string?> environment, ILogger logger) =>
        ServiceSetup.Invalid([new ConfigurationProblem(EnvironmentVariables.AccountsUsersJson, "the configuration loader is not connected in this build")]);
}
