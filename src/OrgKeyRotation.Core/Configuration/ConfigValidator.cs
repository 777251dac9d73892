using System.Text.RegularExpressions;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>Semantic checks of a parsed configuration. Lists every problem at once, each with its JSON path.</summary>
public static partial class ConfigValidator
{
    public const int MaxKeyAgeDaysLimit = 3650;
    public const int LifecycleDaysLimit = 365;

    public static ConfigResult Validate(RotationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        void Problem(string path, string message) => problems.Add(new ConfigProblem(path, message));

        if (!RoleNamePattern().IsMatch(config.RoleName))
        {
            Problem("$.roleName", $"'{config.RoleName}' is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)");
        }

        if (config.ExternalId is { } externalId && !ExternalIdPattern().IsMatch(externalId))
        {
            Problem("$.externalId", "must be 2-1224 characters of letters, digits and +=,.@:/-");
        }

        if (config.Accounts.Count == 0 && !config.Discovery.Organization)
        {
            Problem("$.accounts", "nothing to rotate: list accounts and users here, or set discovery.organization to true");
        }

        // Checked per user only when the template itself is sound; a bad template is reported once, below.
        var templateMakesValidNames = SecretNamePattern().IsMatch(config.Secrets.NameFor("123456789012", "user"));
        foreach (var (account, users) in config.Accounts)
        {
            if (!IsAccountId(account))
            {
                Problem($"$.accounts.{account}", "account ids are exactly 12 digits");
            }

            if (users.Count == 0 && !config.Discovery.Organization)
            {
                Problem($"$.accounts.{account}", "no users listed: list the IAM user names to rotate");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < users.Count; i++)
            {
                if (!UserNamePattern().IsMatch(users[i]))
                {
                    Problem($"$.accounts.{account}[{i}]", $"'{users[i]}' is not a valid IAM user name (1-64 of letters, digits and +=,.@_-)");
                }
                else if (templateMakesValidNames && !SecretNamePattern().IsMatch(config.Secrets.NameFor(account, users[i])))
                {
                    Problem($"$.accounts.{account}[{i}]", $"'{users[i]}' is a valid IAM user name but makes an invalid secret name '{config.Secrets.NameFor(account, users[i])}' (Secrets Manager allows letters, digits and /_+=.@-): change secrets.nameTemplate or rotate this user by hand");
                }
                else if (!seen.Add(users[i]))
                {
                    Problem($"$.accounts.{account}[{i}]", $"user '{users[i]}' is listed twice (IAM user names are case-insensitive)");
                }
            }
        }

        for (var i = 0; i < config.Discovery.IncludeOus.Count; i++)
        {
            if (!OuOrRootPattern().IsMatch(config.Discovery.IncludeOus[i]))
            {
                Problem($"$.discovery.includeOus[{i}]", $"'{config.Discovery.IncludeOus[i]}' is not an OU id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)");
            }
        }

        for (var i = 0; i < config.Discovery.ExcludeAccounts.Count; i++)
        {
            if (!IsAccountId(config.Discovery.ExcludeAccounts[i]))
            {
                Problem($"$.discovery.excludeAccounts[{i}]", "account ids are exactly 12 digits");
            }
        }

        if (!PathPattern().IsMatch(config.Discovery.UserPath))
        {
            Problem("$.discovery.userPath", "an IAM path starts and ends with '/' (e.g. '/' or '/service/')");
        }

        if (config.Discovery.UserTag is { } userTag && (userTag.Length == 0 || userTag.StartsWith('=')))
        {
            Problem("$.discovery.userTag", "use 'key' or 'key=value'");
        }

        var policy = config.Policy;
        Range(policy.MaxKeyAgeDays, 0, MaxKeyAgeDaysLimit, "$.policy.maxKeyAgeDays");
        Range(policy.DeactivateAfterDays, 0, LifecycleDaysLimit, "$.policy.deactivateAfterDays");
        Range(policy.DeleteAfterDays, 0, LifecycleDaysLimit, "$.policy.deleteAfterDays");
        Range(policy.MaxDeactivationDelayDays, 0, LifecycleDaysLimit, "$.policy.maxDeactivationDelayDays");
        if (policy.MaxDeactivationDelayDays > 0 && policy.MaxDeactivationDelayDays < policy.DeactivateAfterDays)
        {
            Problem("$.policy.maxDeactivationDelayDays", $"must be 0 (never force) or at least deactivateAfterDays ({policy.DeactivateAfterDays})");
        }

        if (config.Exemptions.Group is { } group && !GroupNamePattern().IsMatch(group))
        {
            Problem("$.exemptions.group", $"'{group}' is not a valid IAM group name");
        }

        if (config.Exemptions.Tag is { Length: 0 or > 128 })
        {
            Problem("$.exemptions.tag", "a tag key is 1-128 characters");
        }

        var template = config.Secrets.NameTemplate;
        if (!template.Contains("{userName}", StringComparison.Ordinal))
        {
            Problem("$.secrets.nameTemplate", "must contain {userName} so every user gets its own secret");
        }
        else if (!template.Contains("{accountId}", StringComparison.Ordinal) && (config.Secrets.Location == SecretLocation.Central || config.Discovery.Organization || config.Accounts.Count > 1))
        {
            Problem("$.secrets.nameTemplate", "must contain {accountId} when secrets of several accounts can meet (central location or several accounts)");
        }
        else if (!SecretNamePattern().IsMatch(config.Secrets.NameFor("123456789012", "user")))
        {
            Problem("$.secrets.nameTemplate", "secret names are 1-512 characters of letters, digits and /_+=.@-");
        }

        if (config.Secrets.KmsKeyId is { } kms && !KmsKeyPattern().IsMatch(kms))
        {
            Problem("$.secrets.kmsKeyId", "expected a KMS key id, key ARN, alias/name or alias ARN");
        }

        if (config.Alerts.SnsTopicArn is { } topic && !SnsTopicArnPattern().IsMatch(topic))
        {
            Problem("$.alerts.snsTopicArn", $"'{topic}' is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<name>)");
        }

        Range(config.Concurrency.Accounts, 1, 256, "$.concurrency.accounts");
        Range(config.Concurrency.UsersPerAccount, 1, 32, "$.concurrency.usersPerAccount");

        if (config.WorkQueueUrl is { } queue && !(Uri.TryCreate(queue, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            Problem("$.workQueueUrl", "expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)");
        }

        return problems.Count == 0 ? new ConfigResult(config, []) : ConfigResult.Invalid(problems);

        void Range(int value, int min, int max, string path)
        {
            if (value < min || value > max)
            {
                Problem(path, $"{value} is out of range: use {min} to {max}");
            }
        }
    }

    public static bool IsAccountId(string value) => AccountIdPattern().IsMatch(value);

    public static bool IsUserName(string value) => UserNamePattern().IsMatch(value);

    public static bool IsAccessKeyId(string value) => AccessKeyIdPattern().IsMatch(value);

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}$")]
    private static partial Regex RoleNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,128}$")]
    private static partial Regex GroupNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@:/-]{2,1224}$")]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex("^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")]
    private static partial Regex OuOrRootPattern();

    [GeneratedRegex(@"^/([\x21-\x7E]*/)?$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_/+=.@-]{1,512}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"^(arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9_/+=,.@-]+|alias/[A-Za-z0-9_/+=,.@-]+|[0-9a-fA-F-]{36}|mrk-[0-9a-f]{32})$")]
    private static partial Regex KmsKeyPattern();

    [GeneratedRegex(@"^arn:aws(-cn|-us-gov)?:sns:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")]
    private static partial Regex SnsTopicArnPattern();

    [GeneratedRegex("^(AKIA|ASIA)[A-Z0-9]{12,124}$")]
    private static partial Regex AccessKeyIdPattern();
}
