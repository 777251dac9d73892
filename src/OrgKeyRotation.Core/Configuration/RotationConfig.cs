namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The whole configuration. Loaded from a JSON file (<see cref="ConfigLoader.FromJson"/>) or from environment
/// variables (<see cref="ConfigLoader.FromEnvironment"/>); both go through <see cref="ConfigValidator"/> before any AWS call.
/// The initial values here are the defaults. Paths, variables, rules and descriptions are in <see cref="Settings"/>,
/// which generates docs/configuration.md's tables and docs/config.schema.json.
/// </summary>
public sealed record RotationConfig
{
    /// <summary>The role every host assumes in member accounts unless configured otherwise.</summary>
    public const string DefaultRoleName = "IAMKeyRotationRole";

    /// <summary>Name of the role assumed in every member account.</summary>
    public string RoleName { get; init; } = DefaultRoleName;

    /// <summary>sts:ExternalId passed to AssumeRole (the confused-deputy guard).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Explicit scope: account id to user names.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Accounts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public DiscoveryConfig Discovery { get; init; } = new();

    public RotationPolicy Policy { get; init; } = new();

    public ExemptionConfig Exemptions { get; init; } = new();

    public SecretsConfig Secrets { get; init; } = new();

    public AlertsConfig Alerts { get; init; } = new();

    /// <summary>Where new keys go besides the users' secrets: Parameter Store, GitHub Actions secrets.</summary>
    public DestinationsConfig Destinations { get; init; } = new();

    /// <summary>How GitHub destinations are reached.</summary>
    public GitHubConfig GitHub { get; init; } = new();

    /// <summary>Plan only, change nothing.</summary>
    public bool DryRun { get; init; }

    public ConcurrencyConfig Concurrency { get; init; } = new();

    public VerificationConfig Verification { get; init; } = new();

    /// <summary>SQS work queue URL for fan-out (one message per account).</summary>
    public string? WorkQueueUrl { get; init; }

    /// <summary>SQS queue where fan-out workers report their account results, for the one digest per sweep. Required with <see cref="WorkQueueUrl"/>.</summary>
    public string? ResultsQueueUrl { get; init; }

    public LambdaConfig Lambda { get; init; } = new();

    public FanOutConfig FanOut { get; init; } = new();
}

/// <summary>Where a new key is proven to work before it is handed over.</summary>
public sealed record VerificationConfig
{
    /// <summary>The regions whose STS must accept the new key before its promotion; empty: the rotator's own region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
}

public sealed record DiscoveryConfig
{
    /// <summary>Rotate in every ACTIVE account of the Organization (minus exclusions).</summary>
    public bool Organization { get; init; }

    /// <summary>Limit discovery to these OUs (ou-xxxx-yyyyyyyy or r-xxxx), including nested OUs.</summary>
    public IReadOnlyList<string> IncludeOus { get; init; } = [];

    /// <summary>Accounts never touched.</summary>
    public IReadOnlyList<string> ExcludeAccounts { get; init; } = [];

    /// <summary>IAM path prefix of discovered users.</summary>
    public string UserPath { get; init; } = "/";

    /// <summary>Only discover users carrying this tag, as "key=value" or "key".</summary>
    public string? UserTag { get; init; }
}

/// <summary>The key lifecycle policy. Days are whole days.</summary>
public sealed record RotationPolicy
{
    /// <summary>Rotate when the active key is older than this.</summary>
    public int MaxKeyAgeDays { get; init; } = 90;

    /// <summary>Deactivate the previous key this long after the new one was promoted.</summary>
    public int DeactivateAfterDays { get; init; } = 7;

    /// <summary>Delete a deactivated previous key this long after deactivation.</summary>
    public int DeleteAfterDays { get; init; } = 7;

    /// <summary>Deactivate the previous key only when it was not used since promotion.</summary>
    public bool RequireOldKeyUnused { get; init; } = true;

    /// <summary>The previous key is idle once it has not been used for this many days (or never was).</summary>
    public int OldKeyIdleDays { get; init; } = 7;

    /// <summary>When the previous key is still in use, deactivate it anyway this long after the hand-off (0 = never force: keep warning).</summary>
    public int MaxDeactivationDelayDays { get; init; } = 30;

    /// <summary>A warning about a previous key still in use is action-required once the forced deadline is at most this many whole days away (0 = never before it).</summary>
    public int WarnDaysBeforeForced { get; init; } = 7;
}

public sealed record ExemptionConfig
{
    /// <summary>Members of this IAM group are never rotated. Null disables.</summary>
    public string? Group { get; init; } = "key-rotation-exempt";

    /// <summary>Users with this tag key are never rotated; a date value (yyyy-MM-dd) ends the exemption. Null disables.</summary>
    public string? Tag { get; init; } = "key-rotation:exempt";
}

public enum SecretLocation
{
    /// <summary>In the member account, beside the user's consumers .</summary>
    Member,
    /// <summary>In the central account running the rotator.</summary>
    Central,
}

public sealed record SecretsConfig
{
    /// <summary>Secret name; placeholders {accountId} and {userName}.</summary>
    public string NameTemplate { get; init; } = "iam-key-rotation/{accountId}/{userName}";

    /// <summary>KMS key for the secret. Null: the account's aws/secretsmanager key.</summary>
    public string? KmsKeyId { get; init; }

    public SecretLocation Location { get; init; } = SecretLocation.Member;

    /// <summary>Rotation function the rotator schedules (RotateSecret) on each secret it creates.</summary>
    public string? RotationLambdaArn { get; init; }

    /// <summary>
    /// With location central: the IAM role (ARN with its path) that writes the secrets. Their resource policies name it,
    /// and a run writes them only as this role.
    /// </summary>
    public string? RotatorArn { get; init; }

    public string NameFor(string accountId, string userName) =>
        NameTemplate.Replace("{accountId}", accountId, StringComparison.Ordinal).Replace("{userName}", userName, StringComparison.Ordinal);

    /// <summary>
    /// The start that secret names share: every name of <paramref name="accountId"/>'s users (the template up to
    /// <c>{userName}</c>, the account filled in; what ListSecrets filters an account's secrets by), or, without an
    /// account, every name of every account (the template up to its first placeholder; what the deployment's IAM
    /// policies scope secrets by). Empty when a name starts with a placeholder.
    /// </summary>
    public string NamePrefix(string? accountId = null)
    {
        var user = NameTemplate.IndexOf("{userName}", StringComparison.Ordinal);
        var beforeUser = user < 0 ? NameTemplate : NameTemplate[..user];
        if (accountId is not null)
        {
            return beforeUser.Replace("{accountId}", accountId, StringComparison.Ordinal);
        }

        var placeholder = beforeUser.IndexOf('{', StringComparison.Ordinal);
        return placeholder < 0 ? beforeUser : beforeUser[..placeholder];
    }
}

public sealed record AlertsConfig
{
    /// <summary>SNS topic for alerts.</summary>
    public string? SnsTopicArn { get; init; }

    /// <summary>User tag whose value names the key's owner in alerts. Null disables.</summary>
    public string? OwnerTag { get; init; } = "owner";
}

public sealed record GitHubConfig
{
    public const string DefaultApiUrl = "https://api.github.com";

    /// <summary>The REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.</summary>
    public string ApiUrl { get; init; } = DefaultApiUrl;

    /// <summary>ARN of the central Secrets Manager secret holding the GitHub App or the fine-grained token. Required with a GitHub destination.</summary>
    public string? CredentialsSecretArn { get; init; }
}

/// <summary>Settings of the Lambda host; the CLI ignores them.</summary>
public sealed record LambdaConfig
{
    /// <summary>
    /// Seconds before the invocation's deadline after which no new work is started. Null: derived by the Lambda host
    /// from the worst case of one user's work started just before (its engine and retry options).
    /// </summary>
    public int? DeadlineMarginSeconds { get; init; }
}

public sealed record FanOutConfig
{
    /// <summary>SQS's longest message delay (DelaySeconds), in seconds.</summary>
    public const int MaxDigestDelaySeconds = 900;

    /// <summary>How long after the work items the digest item first gathers the accounts' reports, in seconds.</summary>
    public int DigestDelaySeconds { get; init; } = 60;
}

public sealed record ConcurrencyConfig
{
    /// <summary>Accounts processed at once.</summary>
    public int Accounts { get; init; } = 16;

    /// <summary>Users processed at once within one account (IAM throttles per account).</summary>
    public int UsersPerAccount { get; init; } = 4;
}
