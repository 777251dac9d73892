using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>Where the host meets Core's configuration loader: environment in, engine (or problems naming variables) out.</summary>
internal static class EngineComposition
{
    public static ServiceSetup Create(IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        var loaded = ConfigLoader.FromEnvironment(environment);
        return loaded.IsValid ? ServiceSetup.FromConfig(loaded.Config!, logger) : ServiceSetup.Invalid(loaded.Problems);
    }
}
