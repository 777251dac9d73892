using Env = OrgKeyRotation.Core.Configuration.EnvironmentVariables;
using Ids = OrgKeyRotation.Core.Configuration.AwsIdentifiers;

namespace OrgKeyRotation.Core.Configuration;

/// <summary>
/// The table of settings: every setting once, with its JSON path, environment variable, parser (its kind), default
/// (the value in a new <see cref="RotationConfig"/>), rule and description. <see cref="JsonConfigReader"/>,
/// <see cref="ConfigLoader.FromEnvironment"/> and <see cref="ConfigValidator"/> are driven by it, and
/// docs/config.schema.json and the tables of docs/configuration.md are generated from it (a test in
/// OrgKeyRotation.Core.Tests regenerates them and fails, naming the command, when they differ).
/// Order matters: it is the order of the docs, of the known-field lists and of validation problems.
/// </summary>
public static class Settings
{
    public const int MaxKeyAgeDaysLimit = 3650;
    public const int LifecycleDaysLimit = 365;

    public static IReadOnlyList<Setting> All { get; } =
    [
        new TextSetting("roleName", Env.RotationRoleName, c => c.RoleName, (c, v) => c with { RoleName = v! }, nullable: false)
        {
            Description = "Role assumed in every member account.",
            Rule = Rule(Ids.IsRoleName, Ids.RoleNamePattern, v => $"'{v}' is not a valid IAM role name ({Ids.NameRule64})", $"IAM role name: {Ids.NameRule64}"),
        },
        new TextSetting("externalId", Env.ExternalId, c => c.ExternalId, (c, v) => c with { ExternalId = v }, nullable: true)
        {
            Description = "`sts:ExternalId` passed to AssumeRole (the confused-deputy guard).",
            Rule = Rule(Ids.IsExternalId, Ids.ExternalIdPattern, _ => "must be " + Ids.ExternalIdRule, Ids.ExternalIdRule),
        },
        new AccountsSetting("accounts", Env.AccountsUsersJson)
        {
            Description = "Explicit scope: account id to the IAM user names rotated there.",
            AllowedDoc = "Keys exactly 12 digits, each once. User names: " + Ids.NameRule64 + ", each once per account (IAM names are case-insensitive, so `alice` and `Alice` are the same user). An empty list is allowed only with `discovery.organization` true. At least one account, or `discovery.organization` true.",
        },
        new BoolSetting("discovery.organization", Env.DiscoverOrganization, c => c.Discovery.Organization, (c, v) => c with { Discovery = c.Discovery with { Organization = v } })
        {
            Description = "Rotate in every ACTIVE account of the Organization, minus `excludeAccounts`.",
        },
        new ListSetting("discovery.includeOus", Env.DiscoveryIncludeOus, c => c.Discovery.IncludeOus, (c, v) => c with { Discovery = c.Discovery with { IncludeOus = v } },
            Rule(Ids.IsOuOrRootId, Ids.OuOrRootIdPattern, v => $"'{v}' is not an OU id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)", "OU ids (`ou-xxxx-xxxxxxxx`) or root ids (`r-xxxx`), lower case"))
        {
            Description = "Limit discovery to these OUs or roots, nested OUs included. Empty: all.",
        },
        new ListSetting("discovery.excludeAccounts", Env.DiscoveryExcludeAccounts, c => c.Discovery.ExcludeAccounts, (c, v) => c with { Discovery = c.Discovery with { ExcludeAccounts = v } },
            Rule(Ids.IsAccountId, Ids.AccountIdPattern, _ => "account ids are " + Ids.AccountIdRule, "account ids, " + Ids.AccountIdRule))
        {
            Description = "Accounts never touched.",
        },
        new TextSetting("discovery.userPath", Env.DiscoveryUserPath, c => c.Discovery.UserPath, (c, v) => c with { Discovery = c.Discovery with { UserPath = v! } }, nullable: false)
        {
            Description = "IAM path prefix of discovered users.",
            Rule = Rule(Ids.IsIamPath, Ids.IamPathPattern, _ => "an IAM path starts and ends with '/' (e.g. '/' or '/service/')", "IAM path: starts and ends with `/` (e.g. `/service/`)"),
        },
        new TextSetting("discovery.userTag", Env.DiscoveryUserTag, c => c.Discovery.UserTag, (c, v) => c with { Discovery = c.Discovery with { UserTag = v } }, nullable: true)
        {
            Description = "Only discover users carrying this tag.",
            Rule = new ValueRule(v => v.Length > 0 && v[0] != '=', _ => "use 'key' or 'key=value'", "^[^=]", "`key` or `key=value`; not empty, does not start with `=`"),
        },
        new IntSetting("policy.maxKeyAgeDays", Env.MaxKeyAgeDays, c => c.Policy.MaxKeyAgeDays, (c, v) => c with { Policy = c.Policy with { MaxKeyAgeDays = v } }, 0, MaxKeyAgeDaysLimit)
        {
            Description = "Rotate when the current key is at least this many days old. 0 rotates on every sweep.",
            DefaultNote = "(CIS 1.14)",
        },
        new IntSetting("policy.deactivateAfterDays", Env.DeactivateAfterDays, c => c.Policy.DeactivateAfterDays, (c, v) => c with { Policy = c.Policy with { DeactivateAfterDays = v } }, 0, LifecycleDaysLimit)
        {
            Description = "The previous key may be deactivated this many days after the hand-off to the new key.",
        },
        new IntSetting("policy.deleteAfterDays", Env.DeleteAfterDays, c => c.Policy.DeleteAfterDays, (c, v) => c with { Policy = c.Policy with { DeleteAfterDays = v } }, 0, LifecycleDaysLimit)
        {
            Description = "Delete a deactivated previous key this many days after its deactivation (the restore window).",
        },
        new BoolSetting("policy.requireOldKeyUnused", Env.RequireOldKeyUnused, c => c.Policy.RequireOldKeyUnused, (c, v) => c with { Policy = c.Policy with { RequireOldKeyUnused = v } })
        {
            Description = "Deactivate the previous key only once it is idle (see `oldKeyIdleDays`). false: deactivate it `deactivateAfterDays` after the hand-off, used or not.",
        },
        new IntSetting("policy.oldKeyIdleDays", Env.OldKeyIdleDays, c => c.Policy.OldKeyIdleDays, (c, v) => c with { Policy = c.Policy with { OldKeyIdleDays = v } }, 1, LifecycleDaysLimit)
        {
            Description = "The previous key is idle once it has not been used for this many days, or was never used. At least 1: AWS reports a key's last use up to about 4 hours late.",
            RangeReason = "AWS reports a key's last use up to about 4 hours late, so a key in use can look idle for hours",
        },
        new IntSetting("policy.maxDeactivationDelayDays", Env.MaxDeactivationDelayDays, c => c.Policy.MaxDeactivationDelayDays, (c, v) => c with { Policy = c.Policy with { MaxDeactivationDelayDays = v } }, 0, LifecycleDaysLimit)
        {
            Description = "A previous key that is still in use is deactivated anyway this many days after the hand-off. 0 = never force: keep warning.",
            AllowedDoc = "0, or `deactivateAfterDays`-365",
            CrossRule = c => c.Policy.MaxDeactivationDelayDays > 0 && c.Policy.MaxDeactivationDelayDays < c.Policy.DeactivateAfterDays
                ? $"must be 0 (never force) or at least deactivateAfterDays ({c.Policy.DeactivateAfterDays})"
                : null,
        },
        new IntSetting("policy.warnDaysBeforeForced", Env.WarnDaysBeforeForced, c => c.Policy.WarnDaysBeforeForced, (c, v) => c with { Policy = c.Policy with { WarnDaysBeforeForced = v } }, 0, LifecycleDaysLimit)
        {
            Description = "The warning about a previous key still in use is `action-required` (the default email filter delivers it), naming the key and the deadline, once the forced deadline (`maxDeactivationDelayDays`) is at most this many whole days away (a part day is not counted): with daily sweeps the first such warning comes at least this many days before the deactivation. 0: no warning before the deadline is action-required.",
            AllowedDoc = "0-365; when `maxDeactivationDelayDays` is above 0, 0 or less than `maxDeactivationDelayDays` - `deactivateAfterDays`",
            // The warnings start once deactivateAfterDays are over, and a daily sweep may fall seconds short of a day:
            // only a window that starts a whole day after that grace gives every consumer warnDaysBeforeForced days.
            // Checked only against a valid maxDeactivationDelayDays: a wrong deadline is that setting's one problem.
            CrossRule = c => c.Policy.MaxDeactivationDelayDays > 0 && c.Policy.MaxDeactivationDelayDays >= c.Policy.DeactivateAfterDays
                && c.Policy.WarnDaysBeforeForced > 0 && c.Policy.WarnDaysBeforeForced >= c.Policy.MaxDeactivationDelayDays - c.Policy.DeactivateAfterDays
                ? $"must be 0 or less than maxDeactivationDelayDays - deactivateAfterDays ({c.Policy.MaxDeactivationDelayDays - c.Policy.DeactivateAfterDays}): the warnings start after the deactivateAfterDays grace, so a longer window could not give warnDaysBeforeForced days"
                : null,
        },
        new TextSetting("exemptions.group", Env.ExemptGroup, c => c.Exemptions.Group, (c, v) => c with { Exemptions = c.Exemptions with { Group = v } }, nullable: true)
        {
            Description = "Members of this IAM group are never rotated. `null` (or an empty variable) disables.",
            Rule = Rule(Ids.IsGroupName, Ids.GroupNamePattern, v => $"'{v}' is not a valid IAM group name ({Ids.NameRule128})", $"IAM group name: {Ids.NameRule128}"),
            EmptyDisables = true,
        },
        new TextSetting("exemptions.tag", Env.ExemptTag, c => c.Exemptions.Tag, (c, v) => c with { Exemptions = c.Exemptions with { Tag = v } }, nullable: true)
        {
            Description = "Users with this tag key are never rotated; a `yyyy-MM-dd` value ends the exemption on that day. `null` (or an empty variable) disables.",
            Rule = TagKeyRule,
            EmptyDisables = true,
        },
        new TextSetting("secrets.nameTemplate", Env.SecretNameTemplate, c => c.Secrets.NameTemplate, (c, v) => c with { Secrets = c.Secrets with { NameTemplate = v! } }, nullable: false)
        {
            Description = "Name of each user's secret; placeholders `{accountId}` and `{userName}`.",
            AllowedDoc = "Must contain `{userName}`. Must contain `{accountId}` when secrets of several accounts can meet: `location` central, `discovery.organization` true, or more than one account listed. The expanded name is " + Ids.SecretNameRule + ".",
            SchemaPatternOverride = "^(?=.*\\{userName\\})[A-Za-z0-9_/+=.@{}-]+$",
            CrossRule = NameTemplateProblem,
        },
        new TextSetting("secrets.kmsKeyId", Env.SecretKmsKeyId, c => c.Secrets.KmsKeyId, (c, v) => c with { Secrets = c.Secrets with { KmsKeyId = v } }, nullable: true)
        {
            Description = "KMS key that encrypts the secrets. With `location` central a customer managed key whose key policy lets each member user decrypt its secret through Secrets Manager: the AWS managed key `aws/secretsmanager` cannot be used from another account.",
            DefaultNote = "the account's `aws/secretsmanager` key (`location` member only)",
            Rule = Rule(Ids.IsKmsKey, Ids.KmsKeyPattern, _ => "expected a KMS key id, key ARN, alias/name or alias ARN", "key id, key ARN, `alias/name`, alias ARN, or multi-Region key id `mrk-…`; required with `location` central, and not `aws/secretsmanager` there"),
            CrossRule = CentralKmsKeyProblem,
        },
        new ChoiceSetting<SecretLocation>("secrets.location", Env.SecretLocation, c => c.Secrets.Location, (c, v) => c with { Secrets = c.Secrets with { Location = v } },
            [("member", SecretLocation.Member), ("central", SecretLocation.Central)])
        {
            Description = "Where the secrets live. `member`: in the member account, beside the user's consumers. `central`: in the account running the rotator.",
        },
        new TextSetting("secrets.rotationLambdaArn", Env.SecretsRotationLambdaArn, c => c.Secrets.RotationLambdaArn, (c, v) => c with { Secrets = c.Secrets with { RotationLambdaArn = v } }, nullable: true)
        {
            Description = "Turns on a Secrets Manager rotation schedule for each secret the rotator creates: it calls RotateSecret with this function, every `policy.maxKeyAgeDays` days, without rotating at once. The secrets' resource policy lets no one else call RotateSecret.",
            DefaultNote = "no rotation schedule on the secrets",
            Rule = Rule(Ids.IsLambdaFunctionArn, Ids.LambdaFunctionArnPattern, v => $"'{v}' is not a Lambda function ARN (arn:aws:lambda:<region>:<12-digit account>:function:<name>)", "Lambda function ARN; only with `location` central"),
            CrossRule = c => c.Secrets.RotationLambdaArn is not null && c.Secrets.Location != SecretLocation.Central
                ? "needs secrets.location central (the rotation function rotates secrets kept in the central account): set location to central, or remove rotationLambdaArn"
                : null,
        },
        new TextSetting("secrets.rotatorArn", Env.SecretsRotatorArn, c => c.Secrets.RotatorArn, (c, v) => c with { Secrets = c.Secrets with { RotatorArn = v } }, nullable: true)
        {
            Description = "With `location` central: the IAM role that writes the secrets, as its ARN with the role's path. Each secret's resource policy names it as the only writer, and a run that writes secrets refuses to start under any other identity (same account and role name). The central Terraform module sets it to the Lambda execution role.",
            DefaultNote = "required with `location` central",
            Rule = Rule(Ids.IsRoleArn, Ids.RoleArnPattern, v => $"'{v}' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<path/><name>)", "IAM role ARN with its path (`arn:aws:iam::<account>:role/<path/><name>`); required with `location` central, unused with `location` member"),
            CrossRule = RotatorArnProblem,
        },
        new TextSetting("alerts.snsTopicArn", Env.SnsTopicArn, c => c.Alerts.SnsTopicArn, (c, v) => c with { Alerts = c.Alerts with { SnsTopicArn = v } }, nullable: true)
        {
            Description = "SNS topic that receives the alerts (e.g. with email subscriptions).",
            DefaultNote = "alerts are only logged",
            Rule = Rule(Ids.IsSnsTopicArn, Ids.SnsTopicArnPattern, v => $"'{v}' is not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<name>)", "`arn:aws:sns:<region>:<12-digit account>:<name>` (also `aws-cn`, `aws-us-gov`; `.fifo` allowed)"),
        },
        new TextSetting("alerts.ownerTag", Env.AlertOwnerTag, c => c.Alerts.OwnerTag, (c, v) => c with { Alerts = c.Alerts with { OwnerTag = v } }, nullable: true)
        {
            Description = "IAM user tag whose value names the key's owner; alerts about the user name that owner. `null` (or an empty variable) disables.",
            Rule = TagKeyRule,
            EmptyDisables = true,
        },
        new DestinationsSetting("destinations", Env.DestinationsJson)
        {
            Description = "Where each rotated user's new key is written besides its secret, before the key becomes the secret's current one: SecureString parameters in the user's account (`ssm`) and GitHub Actions secrets (`github`). The previous key stays active until every destination holds the new key (docs/configuration.md, \"Destinations\"). Central only: no member-account tag can name a destination.",
            AllowedDoc = "`defaults`: destinations of every rotated user; `accounts`: by account id, `defaults` for its users and `users` by IAM user name (case-insensitive). A destination is `{\"type\": \"ssm\", \"name\", \"format\": \"json\"|\"pair\", \"kmsKeyId\"}` or `{\"type\": \"github\", \"scope\": \"repository\"|\"environment\"|\"organization\", \"repository\": \"owner/name\", \"environment\", \"organization\", \"visibility\": \"all\"|\"private\"|\"selected\", \"selectedRepositories\", \"accessKeyIdName\", \"secretAccessKeyName\"}`; names may hold `{accountId}` and `{userName}` and must make valid Parameter Store and GitHub names for every user. At most " + DestinationsConfig.MaxPerUser + " per user. Accounts and users must be rotated (in `accounts`, unless `discovery.organization` is true).",
        },
        new TextSetting("github.apiUrl", Env.GitHubApiUrl, c => c.GitHub.ApiUrl, (c, v) => c with { GitHub = c.GitHub with { ApiUrl = v! } }, nullable: false)
        {
            Description = "The GitHub REST API root of the `github` destinations: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server.",
            Rule = new ValueRule(IsApiUrl, v => $"'{v}' is not an http(s) URL without a query or fragment (https://api.github.com or https://HOST/api/v3)", "^https?://[^\\s?#]+$", "absolute `https` (or `http`) URL without a query"),
        },
        new TextSetting("github.credentialsSecretArn", Env.GitHubCredentialsSecretArn, c => c.GitHub.CredentialsSecretArn, (c, v) => c with { GitHub = c.GitHub with { CredentialsSecretArn = v } }, nullable: true)
        {
            Description = "The central Secrets Manager secret holding the GitHub credential of the `github` destinations: a GitHub App (`{\"appId\", \"privateKey\", \"installationId\"}`, recommended) or a fine-grained personal access token (`{\"token\"}`). Read with the host's credentials once per sweep that writes a GitHub destination, and never logged.",
            DefaultNote = "required with a `github` destination",
            Rule = Rule(Ids.IsSecretArn, Ids.SecretArnPattern, v => $"'{v}' is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>)", "Secrets Manager secret ARN; required with a `github` destination"),
            CrossRule = c => c.Destinations.HasGitHub && c.GitHub.CredentialsSecretArn is null
                ? "required with a github destination: set it to the ARN of the central secret holding the GitHub App or token (GITHUB_CREDENTIALS_SECRET_ARN)"
                : null,
        },
        new BoolSetting("dryRun", Env.DryRun, c => c.DryRun, (c, v) => c with { DryRun = v })
        {
            Description = "Plan only, change nothing.",
        },
        new IntSetting("concurrency.accounts", Env.ConcurrencyAccounts, c => c.Concurrency.Accounts, (c, v) => c with { Concurrency = c.Concurrency with { Accounts = v } }, 1, 256)
        {
            Description = "Accounts processed at once.",
        },
        new IntSetting("concurrency.usersPerAccount", Env.ConcurrencyUsersPerAccount, c => c.Concurrency.UsersPerAccount, (c, v) => c with { Concurrency = c.Concurrency with { UsersPerAccount = v } }, 1, 32)
        {
            Description = "Users processed at once within one account (IAM throttles per account).",
        },
        new ListSetting("verification.regions", Env.VerificationRegions, c => c.Verification.Regions, (c, v) => c with { Verification = c.Verification with { Regions = v } },
            Rule(Ids.IsRegion, Ids.RegionPattern, v => $"'{v}' is not {Ids.RegionRule}", Ids.RegionRule))
        {
            Description = "The regions whose consumers use the keys: a new key is promoted only once the STS endpoint of each of them accepts it (IAM makes a new key usable in each region on its own), within the one verification timeout. Empty: the region the rotator runs in, so a consumer elsewhere may be refused the new key for a while after the hand-off.",
            DefaultNote = "the rotator's own region",
        },
        new TextSetting("workQueueUrl", Env.WorkQueueUrl, c => c.WorkQueueUrl, (c, v) => c with { WorkQueueUrl = v }, nullable: true)
        {
            Description = "SQS queue for fan-out: the sweep enqueues one work item per account and workers process them.",
            DefaultNote = "a sweep runs in one process",
            Rule = QueueUrlRule,
        },
        new TextSetting("resultsQueueUrl", Env.ResultsQueueUrl, c => c.ResultsQueueUrl, (c, v) => c with { ResultsQueueUrl = v }, nullable: true)
        {
            Description = "SQS queue where fan-out workers report their account results, so that one digest per sweep can be published.",
            AllowedDoc = "SQS queue URL (`http` or `https`); required when `workQueueUrl` is set",
            Rule = QueueUrlRule,
            CrossRule = c => c.WorkQueueUrl is not null && c.ResultsQueueUrl is null
                ? "required when workQueueUrl is set: fan-out workers report their account results to this queue so that one digest per sweep can be published; set resultsQueueUrl (RESULTS_QUEUE_URL)"
                : null,
        },
        new IntSetting("lambda.deadlineMarginSeconds", Env.DeadlineMarginSeconds, c => c.Lambda.DeadlineMarginSeconds, (c, v) => c with { Lambda = c.Lambda with { DeadlineMarginSeconds = v } }, 0, 600, nullable: true)
        {
            Description = "The Lambda starts no new account, user, key or SQS work item later than this many seconds before its invocation's deadline, so that the work already started can finish. `null`: derived from the worst case of one user's work after that instant (the verification timeout, then the calls that can follow it with their whole retry budget, then posting the response; docs/lambda.md). The CLI ignores it.",
            DefaultNote = "derived from the worst case (262 s with the defaults)",
        },
        new IntSetting("fanOut.digestDelaySeconds", Env.DigestDelaySeconds, c => c.FanOut.DigestDelaySeconds, (c, v) => c with { FanOut = c.FanOut with { DigestDelaySeconds = v } }, 0, FanOutConfig.MaxDigestDelaySeconds)
        {
            Description = "Fan-out: how long after the work items the sweep's digest item first gathers the accounts' reports, and how long it waits to confirm that an idle-looking work queue is idle; while work is in flight it waits twice as long each round, up to 900 s.",
            RangeReason = "SQS's longest message delay",
        },
    ];

    /// <summary>The setting at a dotted name (<c>policy.maxKeyAgeDays</c>), or null.</summary>
    public static Setting? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The objects of the file form (<c>discovery</c>, <c>policy</c>, ...), in table order.</summary>
    public static IReadOnlyList<string> Sections { get; } = All.Select(s => s.Section).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The field names directly inside <paramref name="section"/> (null: the root), in table order.</summary>
    public static IReadOnlyList<string> FieldsOf(string? section) =>
        All.Select(s => section is null ? s.Section ?? s.Field : s.Section == section ? s.Field : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Where the environment form reports a problem the validator found at <paramref name="jsonPath"/>: the variable
    /// of the setting, keeping the path inside the account map (<c>ACCOUNTS_USERS_JSON.111111111111[0]</c>) and the
    /// destinations (<c>DESTINATIONS_JSON.defaults[0].name</c>), and
    /// dropping the index of a list item (the variable is one comma-separated value).
    /// </summary>
    public static string VariablePathFor(string jsonPath)
    {
        foreach (var setting in All)
        {
            if (jsonPath == setting.JsonPath || jsonPath.StartsWith(setting.JsonPath + "[", StringComparison.Ordinal))
            {
                return setting.Kind is SettingKind.AccountMap or SettingKind.Destinations ? setting.Variable + jsonPath[setting.JsonPath.Length..] : setting.Variable;
            }

            if (setting.Kind is SettingKind.AccountMap or SettingKind.Destinations && jsonPath.StartsWith(setting.JsonPath + ".", StringComparison.Ordinal))
            {
                return setting.Variable + jsonPath[setting.JsonPath.Length..];
            }
        }

        return jsonPath;
    }

    private static readonly Dictionary<string, Setting> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    private static ValueRule TagKeyRule =>
        Rule(Ids.IsTagKey, Ids.TagKeyPattern, _ => "a tag key is " + Ids.TagKeyRule, "IAM tag key: " + Ids.TagKeyRule);

    private static bool IsApiUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && !value.Any(char.IsWhiteSpace);

    private static ValueRule QueueUrlRule =>
        new(v => Ids.IsQueueUrl(v), _ => "expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)", Ids.SchemaPattern(Ids.QueueUrlPattern), "SQS queue URL (`http` or `https`)");

    private static ValueRule Rule(Func<string?, bool> isValid, string pattern, Func<string, string> problem, string doc) =>
        new(v => isValid(v), problem, Ids.SchemaPattern(pattern), doc);

    private static string? CentralKmsKeyProblem(RotationConfig config)
    {
        if (config.Secrets.Location != SecretLocation.Central)
        {
            return null;
        }

        // The AWS managed key cannot be shared (Secrets Manager user guide, cross-account access): users could never read their secret.
        if (config.Secrets.KmsKeyId is not { } key || key == "alias/aws/secretsmanager" || key.EndsWith(":alias/aws/secretsmanager", StringComparison.Ordinal))
        {
            return "required with secrets.location central, and not the AWS managed key aws/secretsmanager, which cannot be used from another account: the users could never read their secrets. Set kmsKeyId to a customer managed key whose key policy lets each member user decrypt through Secrets Manager (the central Terraform module creates one)";
        }

        return null;
    }

    private static string? RotatorArnProblem(RotationConfig config) =>
        config.Secrets.Location == SecretLocation.Central && config.Secrets.RotatorArn is null
            ? "required with secrets.location central: each central secret's resource policy names its only writer. Set rotatorArn to the Lambda execution role's ARN, path included (central-admin output execution_role_arn)"
            : null;

    private static string? NameTemplateProblem(RotationConfig config)
    {
        var template = config.Secrets.NameTemplate;
        if (!template.Contains("{userName}", StringComparison.Ordinal))
        {
            return "must contain {userName} so every user gets its own secret";
        }

        if (!template.Contains("{accountId}", StringComparison.Ordinal) && (config.Secrets.Location == SecretLocation.Central || config.Discovery.Organization || config.Accounts.Count > 1))
        {
            return "must contain {accountId} when secrets of several accounts can meet (central location or several accounts)";
        }

        return Ids.IsSecretName(config.Secrets.NameFor("123456789012", "user")) ? null : "secret names are " + Ids.SecretNameRule;
    }
}
