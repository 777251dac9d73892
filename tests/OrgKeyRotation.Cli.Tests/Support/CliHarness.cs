using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Tests.Support;

/// <summary>Runs the whole CLI in-process with captured streams, a fake configuration source and a fake engine.</summary>
internal sealed class CliHarness
{
    public FakeRotationService Service { get; } = new();

    public FakeConfigSource ConfigSource { get; } = new();

    public Dictionary<string, string?> Environment { get; } = [];

    public FakeTimeProvider Time { get; } = new(Samples.Now);

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public bool OutIsTerminal { get; set; }

    public bool ErrorIsTerminal { get; set; }

    /// <summary>What the engine was built with, or null when it never was (no AWS call can have happened).</summary>
    public ServiceRequest? Built { get; private set; }

    /// <summary>Thrown by the engine factory itself, as AwsClients.Create does when it finds no credentials.</summary>
    public Exception? FactoryThrows { get; set; }

    public string Stdout => Out.ToString();

    public string Stderr => Error.ToString();

    public Task<int> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var context = new CliContext
        {
            Out = Out,
            Error = Error,
            Environment = Environment,
            ConfigSource = ConfigSource,
            ServiceFactory = Build,
            Time = Time,
            OutIsTerminal = OutIsTerminal,
            ErrorIsTerminal = ErrorIsTerminal,
        };
        return CliApp.RunAsync(args, context, cancellationToken);
    }

    private IRotationService Build(ServiceRequest request)
    {
        Built = request;
        if (FactoryThrows is not null)
        {
            throw FactoryThrows;
        }

        return Service;
    }
}

internal sealed class FakeConfigSource : IConfigSource
{
    public ConfigResult Result { get; set; } = ConfigResult.Valid(Samples.Config());

    public string? LastJson { get; private set; }

    public IReadOnlyDictionary<string, string?>? LastEnvironment { get; private set; }

    public ConfigResult FromJson(string json)
    {
        LastJson = json;
        return Result;
    }

    public ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        LastEnvironment = environment;
        return Result;
    }
}
