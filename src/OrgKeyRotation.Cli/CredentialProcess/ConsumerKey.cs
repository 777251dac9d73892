using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>An access key pair of the IAM user whose secret is read: the one the cache holds, or the secret's AWSCURRENT.</summary>
internal sealed record ConsumerKey(string AccessKeyId, SensitiveString SecretAccessKey)
{
    public override string ToString() => $"ConsumerKey {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = {SensitiveString.Redacted} }}";
}

/// <summary>What one read of the secret's AWSCURRENT returned: the key and whose it is (for the restore hint).</summary>
internal sealed record CurrentKey(ConsumerKey Key, string? AccountId, string? UserName);

/// <summary>The keys the cache holds, newest first (at most two), and whose they are.</summary>
internal sealed record CachedKeys(IReadOnlyList<ConsumerKey> Keys, string? AccountId, string? UserName)
{
    public static CachedKeys Empty { get; } = new([], null, null);
}
