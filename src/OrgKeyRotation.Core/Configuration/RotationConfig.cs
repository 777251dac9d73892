namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The whole configuration. Loaded from a JSON file (<see cref="ConfigLoader.FromJson"/>) or from environment
/// variables (<see cref="ConfigLoader.FromEnvironment"/>); both go through <see cref="ConfigValidator"/> before any AWS call.
/// Defaults are documented on each property and in docs/configuration.md.
/// </summary>
public sealed record RotationConfig
{
    /// <summary>Name of the role assumed in every member account. Default <c>IAMKeyRotationRole</c>.</summary>
    public string RoleName { get; init; } = "IAMKeyRotationRole";

    /// <summary>sts:ExternalId passed to AssumeRole (the confused-deputy guard). Default none.</summary>
    public string? ExternalId { get; init; }

    /// <summary>Explicit scope: account id to user names. Default empty.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Accounts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public DiscoveryConfig Discovery { get; init; } = new();

    public RotationPolicy Policy { get; init; } = new();

    public ExemptionConfig Exemptions { get; init; } = new();

    public SecretsConfig Secrets { get; init; } = new();

    public AlertsConfig Alerts { get; init; } = new();

    /// <summary>Plan only, change nothing. Default false.</summary>
    public bool DryRun { get; init; }

    public ConcurrencyConfig Concurrency { get; init; } = new();

    /// <summary>SQS work queue URL for fan-out (one message per account). Default none: sweeps run in one process.</summary>
    public string? WorkQueueUrl { get; init; }
}

public sealed record DiscoveryConfig
{
    /// <summary>Rotate in every ACTIVE account of the Organization (minus exclusions). Default false.</summary>
    public bool Organization { get; init; }

    /// <summary>Limit discovery to these OUs (ou-xxxx-yyyyyyyy or r-xxxx), including nested OUs. Default all.</summary>
    public IReadOnlyList<string> IncludeOus { get; init; } = [];

    /// <summary>Accounts never touched. Default none.</summary>
    public IReadOnlyList<string> ExcludeAccounts { get; init; } = [];

    /// <summary>IAM path prefix of discovered users. Default "/" (all).</summary>
    public string UserPath { get; init; } = "/";

    /// <summary>Only discover users carrying this tag, as "key=value" or "key". Default none (all users on the path).</summary>
    public string? UserTag { get; init; }
}

/// <summary>The key lifecycle policy. Days are whole days.</summary>
public sealed record RotationPolicy
{
    /// <summary>Rotate when the active key is older than this. Default 90 (CIS 1.14). Range 0-3650.</summary>
    public int MaxKeyAgeDays { get; init; } = 90;

    /// <summary>Deactivate the previous key this long after the new one was promoted. Default 7. Range 0-365.</summary>
    public int DeactivateAfterDays { get; init; } = 7;

    /// <summary>Delete a deactivated previous key this long after deactivation. Default 7. Range 0-365.</summary>
    public int DeleteAfterDays { get; init; } = 7;

    /// <summary>Deactivate the previous key only when it was not used since promotion. Default true.</summary>
    public bool RequireOldKeyUnused { get; init; } = true;

    /// <summary>
    /// The previous key is deactivated once it has not been used for this many days (or never was). Default 7.
    /// At least 1: AWS reports last use up to about 4 hours late.
    /// </summary>
    public int OldKeyIdleDays { get; init; } = 7;

    /// <summary>
    /// When the previous key is still in use, deactivate it anyway this long after promotion (0 = never force:
    /// keep warning). Default 30. Range 0-365, and not below <see cref="DeactivateAfterDays"/> unless 0.
    /// </summary>
    public int MaxDeactivationDelayDays { get; init; } = 30;
}

public sealed record ExemptionConfig
{
    /// <summary>Members of this IAM group are never rotated. Default <c>key-rotation-exempt</c>; null disables.</summary>
    public string? Group { get; init; } = "key-rotation-exempt";

    /// <summary>Users with this tag key are never rotated; a date value (yyyy-MM-dd) ends the exemption. Default <c>key-rotation:exempt</c>.</summary>
    public string? Tag { get; init; } = "key-rotation:exempt";
}

public enum SecretLocation
{
    /// <summary>In the member account, beside the user's consumers (default).</summary>
    Member,
    /// <summary>In the central account running the rotator.</summary>
    Central,
}

public sealed record SecretsConfig
{
    /// <summary>Secret name; placeholders {accountId} and {userName}. Default <c>iam-key-rotation/{accountId}/{userName}</c>.</summary>
    public string NameTemplate { get; init; } = "iam-key-rotation/{accountId}/{userName}";

    /// <summary>KMS key for the secret. Default the account's aws/secretsmanager key.</summary>
    public string? KmsKeyId { get; init; }

    public SecretLocation Location { get; init; } = SecretLocation.Member;

    public string NameFor(string accountId, string userName) =>
        NameTemplate.Replace("{accountId}", accountId, StringComparison.Ordinal).Replace("{userName}", userName, StringComparison.Ordinal);
}

public sealed record AlertsConfig
{
    /// <summary>SNS topic for alerts. Default none: alerts are only logged.</summary>
    public string? SnsTopicArn { get; init; }
}

public sealed record ConcurrencyConfig
{
    /// <summary>Accounts processed at once. Default 16. Range 1-256.</summary>
    public int Accounts { get; init; } = 16;

    /// <summary>Users processed at once within one account (IAM throttles per account). Default 4. Range 1-32.</summary>
    public int UsersPerAccount { get; init; } = 4;
}
