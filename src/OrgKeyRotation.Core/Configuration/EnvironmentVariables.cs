namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The names of the environment variables the Lambda and the CLI read, for code that refers to one. Which setting each
/// carries is in <see cref="Settings"/>. Terraform (deploy/terraform/modules/central-admin) sets exactly
/// <see cref="All"/>; a test checks both directions.
/// </summary>
public static class EnvironmentVariables
{
    // These three alone are enough to run a rotation.
    public const string AccountsUsersJson = "ACCOUNTS_USERS_JSON";
    public const string RotationRoleName = "ROTATION_ROLE_NAME";
    public const string SnsTopicArn = "SNS_TOPIC_ARN";

    public const string ExternalId = "ROTATION_EXTERNAL_ID";
    public const string DiscoverOrganization = "DISCOVER_ORGANIZATION";
    public const string DiscoveryIncludeOus = "DISCOVERY_INCLUDE_OUS";
    public const string DiscoveryExcludeAccounts = "DISCOVERY_EXCLUDE_ACCOUNTS";
    public const string DiscoveryUserPath = "DISCOVERY_USER_PATH";
    public const string DiscoveryUserTag = "DISCOVERY_USER_TAG";
    public const string MaxKeyAgeDays = "MAX_KEY_AGE_DAYS";
    public const string DeactivateAfterDays = "DEACTIVATE_AFTER_DAYS";
    public const string DeleteAfterDays = "DELETE_AFTER_DAYS";
    public const string RequireOldKeyUnused = "REQUIRE_OLD_KEY_UNUSED";
    public const string OldKeyIdleDays = "OLD_KEY_IDLE_DAYS";
    public const string MaxDeactivationDelayDays = "MAX_DEACTIVATION_DELAY_DAYS";
    public const string WarnDaysBeforeForced = "WARN_DAYS_BEFORE_FORCED";
    public const string ExemptGroup = "EXEMPT_GROUP";
    public const string ExemptTag = "EXEMPT_TAG";
    public const string SecretNameTemplate = "SECRET_NAME_TEMPLATE";
    public const string SecretKmsKeyId = "SECRET_KMS_KEY_ID";
    public const string SecretLocation = "SECRET_LOCATION";
    public const string SecretsRotationLambdaArn = "SECRETS_ROTATION_LAMBDA_ARN";
    public const string SecretsRotatorArn = "SECRETS_ROTATOR_ARN";
    public const string AlertOwnerTag = "ALERT_OWNER_TAG";
    public const string DestinationsJson = "DESTINATIONS_JSON";
    public const string GitHubApiUrl = "GITHUB_API_URL";
    public const string GitHubCredentialsSecretArn = "GITHUB_CREDENTIALS_SECRET_ARN";
    public const string DryRun = "DRY_RUN";
    public const string ConcurrencyAccounts = "CONCURRENCY_ACCOUNTS";
    public const string ConcurrencyUsersPerAccount = "CONCURRENCY_USERS_PER_ACCOUNT";
    public const string VerificationRegions = "VERIFICATION_REGIONS";
    public const string WorkQueueUrl = "WORK_QUEUE_URL";
    public const string ResultsQueueUrl = "RESULTS_QUEUE_URL";
    public const string DeadlineMarginSeconds = "ROTATION_DEADLINE_MARGIN_SECONDS";
    public const string DigestDelaySeconds = "DIGEST_DELAY_SECONDS";

    /// <summary>Every variable of the environment form, in the order of the settings table.</summary>
    public static IReadOnlyList<string> All { get; } = Settings.All.Select(s => s.Variable).ToList();
}
