using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Destinations;

/// <summary>
/// Writes a verified key to a user's destinations, for one sweep (or one rotation step): Parameter Store in the user's
/// account through the member role, GitHub Actions secrets through the GitHub client. The GitHub client is made from
/// <paramref name="gitHub"/> on the first GitHub write of the sweep, so its credential is read from the central secret
/// at most once per sweep, and only when a GitHub destination is written. A failed destination is reported, never
/// thrown: the others are still written.
/// </summary>
internal sealed partial class DestinationWriter(Func<IGitHubSecretsClient>? gitHub, ILogger logger)
{
    /// <summary>Tags every written parameter carries: it is the rotator's, and which key it holds (never the secret).</summary>
    public const string ManagedParameterTag = ManagedSecret.ManagedTag;
    public const string KeyIdParameterTag = "orgkeyrotation:access-key-id";

    private readonly Lazy<IGitHubSecretsClient?> _gitHub = new(() => gitHub?.Invoke(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Writes <paramref name="key"/> to each of <paramref name="destinations"/> in turn; one result per destination, in order.</summary>
    public async Task<IReadOnlyList<DestinationWrite>> WriteAsync(IAccountSession session, string userName, IReadOnlyList<KeyDestination> destinations, NewAccessKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(key);
        var writes = new List<DestinationWrite>(destinations.Count);
        foreach (var destination in destinations)
        {
            try
            {
                await WriteOneAsync(session, destination, key, cancellationToken);
                LogWritten(logger, key.AccessKeyId, destination.Name, session.AccountId, userName);
                writes.Add(new DestinationWrite(destination, null));
            }
            catch (Exception e) when (e is AwsException or GitHubApiException or DestinationException or ArgumentException)
            {
                // An error text never quotes a value, but it leaves memory here: make sure of it.
                var error = e.Message.Replace(key.SecretAccessKey.Reveal(), SensitiveString.Redacted, StringComparison.Ordinal);
                LogFailed(logger, destination.Name, session.AccountId, userName, error);
                writes.Add(new DestinationWrite(destination, $"{error} {Advice(destination, e)}".TrimEnd()));
            }
        }

        return writes;
    }

    private Task WriteOneAsync(IAccountSession session, KeyDestination destination, NewAccessKey key, CancellationToken cancellationToken) => destination switch
    {
        ParameterDestination parameter => WriteParametersAsync(session, parameter.Target, key, cancellationToken),
        GitHubDestination github => WriteGitHubAsync(github, key, cancellationToken),
        UnusableDestination unusable => throw new DestinationException($"{unusable.Name} makes no valid place for this user: {unusable.Problem}."),
        _ => throw new DestinationException($"{destination.Name} is a kind of destination this version cannot write."),
    };

    /// <summary>
    /// The JSON document (the secret's value) in one parameter, or the secret access key and then the key id in two:
    /// a consumer that finds the new key id also finds the new secret. Each parameter's tags name the key it holds.
    /// </summary>
    private static async Task WriteParametersAsync(IAccountSession session, ParameterStoreTarget target, NewAccessKey key, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [ManagedParameterTag] = "true", [KeyIdParameterTag] = key.AccessKeyId };
        (string Name, SensitiveString Value)[] values = target.JsonParameter is { } json
            ? [(json, ManagedSecret.Serialize(key, session.AccountId))]
            : [(target.SecretAccessKeyParameter!, key.SecretAccessKey), (target.AccessKeyIdParameter!, new SensitiveString(key.AccessKeyId))];
        foreach (var (name, value) in values)
        {
            await session.Parameters.PutSecureStringAsync(name, value, target.KmsKeyId, cancellationToken);
            await session.Parameters.AddTagsAsync(name, tags, cancellationToken);
        }
    }

    /// <summary>The secret access key first, then the key id, for the same reason as the parameter pair.</summary>
    private async Task WriteGitHubAsync(GitHubDestination destination, NewAccessKey key, CancellationToken cancellationToken)
    {
        var client = _gitHub.Value ?? throw new DestinationException($"{destination.Name} is a GitHub destination, but this host has no GitHub client: set github.credentialsSecretArn.");
        await client.PutSecretAsync(destination.Target, destination.SecretAccessKeyName, key.SecretAccessKey, cancellationToken);
        await client.PutSecretAsync(destination.Target, destination.AccessKeyIdName, new SensitiveString(key.AccessKeyId), cancellationToken);
    }

    /// <summary>What a person does about a failed write, where the error itself does not say it.</summary>
    private static string Advice(KeyDestination destination, Exception error) => (destination, error) switch
    {
        (ParameterDestination, AwsServiceException { Kind: AwsErrorKind.AccessDenied }) =>
            "The member role may not write it: add its path to the member module's ssm_parameter_prefixes, and its KMS key (if not aws/ssm) to ssm_kms_key_arns with a key policy that lets the role encrypt through Parameter Store.",
        (ParameterDestination, AwsServiceException { Kind: AwsErrorKind.InvalidRequest }) =>
            "Check the parameter's name, type and KMS key (kmsKeyId) in the destinations configuration: an existing parameter of another type or tier cannot be overwritten.",
        (ParameterDestination, _) => "The next sweep writes it again.",
        (UnusableDestination, _) => "Change the destination in the configuration (destinations), or exempt the user.",
        _ => "",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote key {AccessKeyId} to {Destination} for {AccountId} {UserName}")]
    private static partial void LogWritten(ILogger logger, string accessKeyId, string destination, string accountId, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the key to {Destination} for {AccountId} {UserName}: {Error}")]
    private static partial void LogFailed(ILogger logger, string destination, string accountId, string userName, string error);
}

/// <summary>A destination that cannot be written for a reason of the configuration or the host, not of the service.</summary>
internal sealed class DestinationException(string message) : Exception(message);
