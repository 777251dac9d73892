using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// A new key stored in the user's secret and waiting for verification: nothing after staging may run until it
/// authenticates. <see cref="CurrentVersion"/> is the version AWSCURRENT held when the key was staged (null when the
/// key is the secret's first version, which Secrets Manager made current by itself).
/// </summary>
internal sealed record StagedKey(NewAccessKey Key, string SecretId, string PendingVersion, string? CurrentVersion)
{
    /// <summary>True when the promotion has nothing to move: the key's version is AWSCURRENT already.</summary>
    public bool CurrentAlready => CurrentVersion is null || CurrentVersion == PendingVersion;
}
