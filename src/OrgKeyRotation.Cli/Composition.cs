using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Hosting;

namespace OrgKeyRotation.Cli;

/// <summary>The CLI's composition: the real console, environment and configuration loader; the engine comes from the shared root.</summary>
internal static class Composition
{
    public static CliContext CreateContext() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Environment = HostComposition.ProcessEnvironment(),
        ConfigSource = new CoreConfigSource(),
        ServiceFactory = CreateService,
        OutIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };

    public static IRotationService CreateService(ServiceRequest request) =>
        HostComposition.CreateService(request.Config, request.Connection, request.AwsTime, request.Time, request.Logger);
}

/// <summary>The CLI's configuration seam over Core's loader.</summary>
internal sealed class CoreConfigSource : IConfigSource
{
    public ConfigResult FromJson(string json) => ConfigLoader.FromJson(json);

    public ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment) => ConfigLoader.FromEnvironment(environment);
}
