using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Hosting;

namespace OrgKeyRotation.Cli.Invocation;

/// <summary>Seam over the Core configuration loader, so commands can be tested with a fake.</summary>
internal interface IConfigSource
{
    ConfigResult FromJson(string json);

    ConfigResult FromEnvironment(IReadOnlyDictionary<string, string?> environment);
}

/// <summary>Everything the engine needs to be built for one command.</summary>
/// <remarks>
/// The connection comes from --profile, --region and --endpoint-url. <see cref="Time"/> is the engine's clock
/// (shifted by --as-of); <see cref="AwsTime"/> is always the real one, for the AWS layer (credential expiry, retries).
/// </remarks>
internal sealed record ServiceRequest(RotationConfig Config, AwsConnection Connection, TimeProvider Time, ILogger Logger, TimeProvider AwsTime);

/// <summary>
/// The outside world of the CLI: streams, environment, terminal, and the factories for configuration and the engine.
/// Production values come from <see cref="Composition"/>; tests pass fakes and run the whole CLI in-process.
/// </summary>
internal sealed record CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    public required IConfigSource ConfigSource { get; init; }

    /// <summary>Builds the engine. May throw AwsCredentialsException or AwsTransportException (exit code 3).</summary>
    public required Func<ServiceRequest, IRotationService> ServiceFactory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Standard output is a terminal: tables may use colour.</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>Standard error is a terminal: live progress is shown there.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Colour is allowed at all (https://no-color.org: any non-empty NO_COLOR turns it off).</summary>
    public bool ColorAllowed => string.IsNullOrEmpty(Environment.GetValueOrDefault("NO_COLOR"));
}
