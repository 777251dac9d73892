using System.Collections;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.GitHub;

namespace OrgKeyRotation.Hosting;

/// <summary>Where and how to reach AWS, as a host was told. Null members leave the AWS layer's default chains in charge.</summary>
public sealed record AwsConnection(string? Profile = null, string? Region = null, Uri? EndpointUrl = null)
{
    /// <summary>Everything from the default chains: AWS_REGION, AWS_ENDPOINT_URL*, the default credential chain (the Lambda's case).</summary>
    public static AwsConnection Default { get; } = new();
}

/// <summary>
/// The composition root both hosts call: a validated configuration and a connection in, the engine over the real AWS
/// layer out. The Lambda and the CLI differ only in where the configuration and the connection come from.
/// </summary>
public static class HostComposition
{
    /// <summary>The AWS layer's options for <paramref name="config"/>: the role to assume and where secrets live come from it.</summary>
    public static AwsOptions AwsOptionsFor(RotationConfig config, AwsConnection connection)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(connection);
        return new AwsOptions
        {
            Region = connection.Region,
            EndpointUrl = connection.EndpointUrl,
            Profile = connection.Profile,
            RoleName = config.RoleName,
            ExternalId = config.ExternalId,
            SecretLocation = config.Secrets.Location,
            SecretsRotatorArn = config.Secrets.RotatorArn,
        };
    }

    /// <summary>
    /// Builds the engine on one clock. May throw the AWS layer's credential or transport exceptions when the host
    /// credentials cannot be resolved.
    /// </summary>
    public static IRotationService CreateService(RotationConfig config, AwsConnection connection, TimeProvider time, ILogger logger) =>
        CreateService(config, connection, time, time, logger);

    /// <summary>
    /// Builds the engine with its own clock: <paramref name="engineTime"/> is the instant the engine plans at (shifted
    /// by <c>keyrot plan --as-of</c>); <paramref name="awsTime"/> stays the real clock, because the AWS layer times real
    /// things with it: when cached role credentials expire, retry delays, request timeouts.
    /// </summary>
    public static IRotationService CreateService(RotationConfig config, AwsConnection connection, TimeProvider awsTime, TimeProvider engineTime, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(awsTime);
        ArgumentNullException.ThrowIfNull(engineTime);
        var clients = AwsClients.Create(AwsOptionsFor(config, connection), awsTime);
        return new RotationService(config, clients, engineTime, logger, gitHub: GitHubFor(config, clients.Secrets, awsTime));
    }

    /// <summary>
    /// What makes the GitHub client of one sweep: its credential is read from the central secret
    /// (github.credentialsSecretArn) with the host credentials; null when no destination is a GitHub one.
    /// </summary>
    public static Func<IGitHubSecretsClient>? GitHubFor(RotationConfig config, ISecretsManagerClient centralSecrets, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Destinations.HasGitHub || config.GitHub.CredentialsSecretArn is not { } secretArn)
        {
            return null;
        }

        var options = new GitHubOptions { BaseUrl = new Uri(config.GitHub.ApiUrl), CredentialSecretId = secretArn };
        return () => GitHubClients.Create(options, centralSecrets, time);
    }

    /// <summary>A snapshot of the process environment, read once at start, so that configuration is read from one consistent view.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal);
}
