using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.Hosting;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine;

namespace OrgKeyRotation.Cli;

/// <summary>The composition root: the only place that builds the real configuration loader, AWS layer and engine.</summary>
internal static class Composition
{
    public static CliContext CreateContext() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Environment = ReadEnvironment(),
        ConfigSource = new CoreConfigSource(),
        ServiceFactory = CreateService,
        OutIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };

    public static IRotationService CreateService(ServiceRequest request)
    {
        var options = new AwsOptions
        {
            Region = request.Connection.Region,
            EndpointUrl = request.Connection.EndpointUrl,
            Profile = request.Connection.Profile,
            RoleName = request.Config.RoleName,
            ExternalId = request.Config.ExternalId,
            SecretLocation = request.Config.Secrets.Location,
        };
        return new RotationService(request.Config, AwsClients.Create(options, request.Time), request.Time, request.Logger);
    }

    private static Dictionary<string, string?> ReadEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return variables;
    }
}

/// <summary>The CLI's configuration seam over Core's loader.</summary>
internal sealed class CoreConfigSource : IConfigSource
{
    public ConfigResult FromJson(string json) => ConfigLoader.FromJson(json);

    public ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment) => ConfigLoader.FromEnvironment(environment);
}
