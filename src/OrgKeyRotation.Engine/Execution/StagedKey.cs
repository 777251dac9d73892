using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// A new key stored in the user's secret as <see cref="Version"/> and waiting for verification: nothing after staging
/// may run until it authenticates. <see cref="CurrentVersion"/> is the version AWSCURRENT held when the key was staged
/// (the key's own version when the key went in as the secret's first version, current at once; null when the secret
/// has no current version).
/// </summary>
internal sealed record StagedKey(NewAccessKey Key, string SecretId, string Version, string? CurrentVersion)
{
    /// <summary>True when the promotion has nothing to move: the key's version is AWSCURRENT already.</summary>
    public bool CurrentAlready => CurrentVersion == Version;
}
