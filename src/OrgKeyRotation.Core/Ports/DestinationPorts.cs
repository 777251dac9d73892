using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Ports;

// Narrow seams to the places outside Secrets Manager where consumers read a new key. Like the AWS ports, each can be
// implemented over an official client without touching the engine.

/// <summary>
/// Parameter Store in one member account and region, through the rotation role. Every method throws an
/// <see cref="Errors.AwsException"/> when the call fails (AwsServiceException typed by Kind: AccessDenied,
/// ResourceNotFound, InvalidRequest, LimitExceeded, Throttling...).
/// </summary>
public interface IParameterStoreClient
{
    /// <summary>
    /// PutParameter with Type SecureString and Overwrite: creates the parameter or adds a version to it. Encrypted
    /// with <paramref name="kmsKeyId"/> (key id, key ARN, alias name or alias ARN) when given, else with the account's
    /// AWS managed key for Systems Manager. Returns the version now current. Tags go through
    /// <see cref="AddTagsAsync"/>: AWS refuses Tags together with Overwrite.
    /// </summary>
    Task<long> PutSecureStringAsync(string name, SensitiveString value, string? kmsKeyId, CancellationToken cancellationToken);

    /// <summary>AddTagsToResource on the parameter (adds or overwrites these keys; other tags stay). A missing parameter throws ResourceNotFound.</summary>
    Task AddTagsAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);
}

/// <summary>
/// GitHub Actions secrets, through one GitHub App installation or one fine-grained token. Values are sealed with the
/// target's public key before they leave memory. Throws <see cref="Errors.GitHubApiException"/> (typed by Kind) when
/// GitHub refuses or cannot be reached, and when the credential in the central secret cannot be used.
/// </summary>
public interface IGitHubSecretsClient
{
    /// <summary>
    /// Creates or updates the secret <paramref name="secretName"/> of a repository, an environment or an organization
    /// (organization secrets with the target's visibility and selected repositories).
    /// </summary>
    Task<GitHubSecretWrite> PutSecretAsync(GitHubSecretTarget target, string secretName, SensitiveString value, CancellationToken cancellationToken);
}
