using System.Reflection;
using OrgKeyRotation.Core.Configuration;
using Env = OrgKeyRotation.Core.Configuration.EnvironmentVariables;

namespace OrgKeyRotation.Core.Tests.Configuration;

public class ConfigLoaderEnvironmentTests
{
    private const string Topic = "arn:aws:sns:us-east-1:999999999999:iam-key-rotation-alerts";

    /// <summary>The smallest environment: the three variables that alone are enough to run a rotation.</summary>
    private static Dictionary<string, string?> Seed() => new()
    {
        [Env.AccountsUsersJson] = """{"111111111111": ["user1", "user2"]}""",
        [Env.RotationRoleName] = "IAMKeyRotationRole",
        [Env.SnsTopicArn] = Topic,
    };

    private static Dictionary<string, string?> SeedWith(string name, string? value)
    {
        var env = Seed();
        env[name] = value;
        return env;
    }

    [Fact]
    public void FromEnvironment_ThreeVariablesAlone_IsValidWithDocumentedDefaults()
    {
        var result = ConfigLoader.FromEnvironment(Seed());

        Assert.True(result.IsValid, result.Describe());
        var c = result.Config!;
        Assert.Equal(["user1", "user2"], c.Accounts["111111111111"]);
        Assert.Single(c.Accounts);
        Assert.Equal("IAMKeyRotationRole", c.RoleName);
        Assert.Equal(Topic, c.Alerts.SnsTopicArn);
        Assert.Null(c.ExternalId);
        Assert.False(c.Discovery.Organization);
        Assert.Equal("/", c.Discovery.UserPath);
        Assert.Null(c.Discovery.UserTag);
        Assert.Empty(c.Discovery.IncludeOus);
        Assert.Empty(c.Discovery.ExcludeAccounts);
        Assert.Equal(new RotationPolicy { MaxKeyAgeDays = 90, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 7, MaxDeactivationDelayDays = 30 }, c.Policy);
        Assert.Equal(new ExemptionConfig { Group = "key-rotation-exempt", Tag = "key-rotation:exempt" }, c.Exemptions);
        Assert.Equal(new SecretsConfig { NameTemplate = "iam-key-rotation/{accountId}/{userName}", KmsKeyId = null, Location = SecretLocation.Member, RotationLambdaArn = null }, c.Secrets);
        Assert.Equal("owner", c.Alerts.OwnerTag);
        Assert.False(c.DryRun);
        Assert.Equal(new ConcurrencyConfig { Accounts = 16, UsersPerAccount = 4 }, c.Concurrency);
        Assert.Null(c.WorkQueueUrl);
        Assert.Null(c.ResultsQueueUrl);
        Assert.Null(c.Lambda.DeadlineMarginSeconds);
        Assert.Equal(60, c.FanOut.DigestDelaySeconds);
    }

    [Fact]
    public void FromEnvironment_EveryOptionalVariable_IsParsed()
    {
        var env = Seed();
        env[Env.ExternalId] = "ext-123";
        env[Env.DiscoverOrganization] = "true";
        env[Env.DiscoveryIncludeOus] = "ou-ab12-abcdefgh, r-ab12";
        env[Env.DiscoveryExcludeAccounts] = "333333333333,444444444444,";
        env[Env.DiscoveryUserPath] = "/svc/";
        env[Env.DiscoveryUserTag] = "key-rotation=enabled";
        env[Env.MaxKeyAgeDays] = "45";
        env[Env.DeactivateAfterDays] = "3";
        env[Env.DeleteAfterDays] = "14";
        env[Env.RequireOldKeyUnused] = "False";
        env[Env.MaxDeactivationDelayDays] = "0";
        env[Env.OldKeyIdleDays] = "3";
        env[Env.ExemptGroup] = "no-rotation";
        env[Env.ExemptTag] = "no-rotation";
        env[Env.SecretNameTemplate] = "keys/{accountId}/{userName}";
        env[Env.SecretKmsKeyId] = "alias/rotation";
        env[Env.SecretLocation] = "Central";
        env[Env.SecretsRotationLambdaArn] = "arn:aws:lambda:us-east-1:999999999999:function:key-rotation";
        env[Env.SecretsRotatorArn] = "arn:aws:iam::999999999999:role/service/key-rotation-lambda";
        env[Env.AlertOwnerTag] = "team";
        env[Env.DryRun] = "TRUE";
        env[Env.ConcurrencyAccounts] = "8";
        env[Env.ConcurrencyUsersPerAccount] = " 2 ";
        env[Env.WorkQueueUrl] = "https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation";
        env[Env.ResultsQueueUrl] = "https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation-results";

        var result = ConfigLoader.FromEnvironment(env);

        Assert.True(result.IsValid, result.Describe());
        var c = result.Config!;
        Assert.Equal("ext-123", c.ExternalId);
        Assert.True(c.Discovery.Organization);
        Assert.Equal(["ou-ab12-abcdefgh", "r-ab12"], c.Discovery.IncludeOus);
        Assert.Equal(["333333333333", "444444444444"], c.Discovery.ExcludeAccounts);
        Assert.Equal("/svc/", c.Discovery.UserPath);
        Assert.Equal("key-rotation=enabled", c.Discovery.UserTag);
        Assert.Equal(new RotationPolicy { MaxKeyAgeDays = 45, DeactivateAfterDays = 3, DeleteAfterDays = 14, RequireOldKeyUnused = false, OldKeyIdleDays = 3, MaxDeactivationDelayDays = 0 }, c.Policy);
        Assert.Equal(new ExemptionConfig { Group = "no-rotation", Tag = "no-rotation" }, c.Exemptions);
        Assert.Equal(new SecretsConfig { NameTemplate = "keys/{accountId}/{userName}", KmsKeyId = "alias/rotation", Location = SecretLocation.Central, RotationLambdaArn = "arn:aws:lambda:us-east-1:999999999999:function:key-rotation", RotatorArn = "arn:aws:iam::999999999999:role/service/key-rotation-lambda" }, c.Secrets);
        Assert.Equal("team", c.Alerts.OwnerTag);
        Assert.True(c.DryRun);
        Assert.Equal(new ConcurrencyConfig { Accounts = 8, UsersPerAccount = 2 }, c.Concurrency);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation", c.WorkQueueUrl);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/999999999999/key-rotation-results", c.ResultsQueueUrl);
    }

    /// <summary>A valid, non-default value for every variable. Keyed by <see cref="Env.All"/>, so a new variable needs a row.</summary>
    private static readonly Dictionary<string, string> NonDefaultValues = new()
    {
        [Env.AccountsUsersJson] = """{"222222222222": ["other"]}""",
        [Env.RotationRoleName] = "OtherRole",
        [Env.SnsTopicArn] = "arn:aws:sns:eu-west-1:999999999999:other",
        [Env.ExternalId] = "ext-1",
        [Env.DiscoverOrganization] = "true",
        [Env.DiscoveryIncludeOus] = "r-ab12",
        [Env.DiscoveryExcludeAccounts] = "333333333333",
        [Env.DiscoveryUserPath] = "/svc/",
        [Env.DiscoveryUserTag] = "rotate",
        [Env.MaxKeyAgeDays] = "60",
        [Env.DeactivateAfterDays] = "8",
        [Env.DeleteAfterDays] = "9",
        [Env.RequireOldKeyUnused] = "false",
        [Env.MaxDeactivationDelayDays] = "31",
        [Env.WarnDaysBeforeForced] = "5",
        [Env.OldKeyIdleDays] = "2",
        [Env.ExemptGroup] = "other-group",
        [Env.ExemptTag] = "other-tag",
        [Env.SecretNameTemplate] = "other/{accountId}/{userName}",
        [Env.SecretKmsKeyId] = "alias/other",
        [Env.SecretLocation] = "central",
        [Env.SecretsRotationLambdaArn] = "arn:aws:lambda:eu-west-1:999999999999:function:other",
        [Env.SecretsRotatorArn] = "arn:aws:iam::999999999999:role/service/other-rotator",
        [Env.AlertOwnerTag] = "other-owner",
        [Env.DestinationsJson] = """{"defaults": [{"type": "ssm", "name": "/keys/{accountId}/{userName}"}]}""",
        [Env.GitHubApiUrl] = "https://github.example.com/api/v3",
        [Env.GitHubCredentialsSecretArn] = "arn:aws:secretsmanager:eu-west-1:999999999999:secret:github-app-AbCdEf",
        [Env.DryRun] = "true",
        [Env.ConcurrencyAccounts] = "3",
        [Env.ConcurrencyUsersPerAccount] = "3",
        [Env.VerificationRegions] = "us-east-1, eu-west-1",
        [Env.WorkQueueUrl] = "https://sqs.eu-west-1.amazonaws.com/999999999999/q",
        [Env.ResultsQueueUrl] = "https://sqs.eu-west-1.amazonaws.com/999999999999/r",
        [Env.DeadlineMarginSeconds] = "120",
        [Env.DigestDelaySeconds] = "0",
    };

    /// <summary>What a variable needs beside it to be valid; part of the baseline, so that the variable alone makes the difference.</summary>
    private static readonly Dictionary<string, Dictionary<string, string?>> Companions = new()
    {
        [Env.WorkQueueUrl] = new() { [Env.ResultsQueueUrl] = "https://sqs.eu-west-1.amazonaws.com/999999999999/r" },
        [Env.SecretsRotationLambdaArn] = CentralSecrets(),
        [Env.SecretLocation] = CentralSecrets(without: Env.SecretLocation),
        [Env.SecretsRotatorArn] = CentralSecrets(),
    };

    /// <summary>Central secrets need a customer managed key and their rotator (a value the test value differs from).</summary>
    private static Dictionary<string, string?> CentralSecrets(string? without = null)
    {
        var env = new Dictionary<string, string?>
        {
            [Env.SecretLocation] = "central",
            [Env.SecretKmsKeyId] = "alias/central-secrets",
            [Env.SecretsRotatorArn] = "arn:aws:iam::999999999999:role/rotator",
        };
        env.Remove(without ?? "");
        return env;
    }

    private static Dictionary<string, string?> BaselineFor(string name)
    {
        var env = Seed();
        foreach (var (companion, value) in Companions.GetValueOrDefault(name) ?? [])
        {
            env[companion] = value;
        }

        return env;
    }

    [Fact]
    public void All_EveryVariable_HasATestValue() =>
        Assert.Equal(Env.All.Order(StringComparer.Ordinal), NonDefaultValues.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void All_IsEveryNamedVariable()
    {
        var named = typeof(Env).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        Assert.Equal(named.Order(StringComparer.Ordinal), Env.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void All_Names_AreDistinct() => Assert.Equal(Env.All.Count, Env.All.Distinct(StringComparer.Ordinal).Count());

    public static TheoryData<string> AllVariables => new(Env.All);

    [Theory]
    [MemberData(nameof(AllVariables))]
    public void FromEnvironment_EachVariable_ChangesTheConfiguration(string name)
    {
        var env = BaselineFor(name);
        var baseline = ConfigLoader.FromEnvironment(env);
        env[name] = NonDefaultValues[name];
        var changed = ConfigLoader.FromEnvironment(env);

        Assert.True(baseline.IsValid, baseline.Describe());
        Assert.True(changed.IsValid, changed.Describe());
        Assert.NotEqual(Render(baseline.Config!), Render(changed.Config!));
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { Env.MaxKeyAgeDays, "abc", "'abc' is not a whole number" },
        { Env.DeactivateAfterDays, "1.5", "'1.5' is not a whole number" },
        { Env.DeleteAfterDays, "7d", "is not a whole number" },
        { Env.MaxDeactivationDelayDays, "thirty", "is not a whole number" },
        { Env.WarnDaysBeforeForced, "a week", "'a week' is not a whole number" },
        { Env.OldKeyIdleDays, "a week", "'a week' is not a whole number" },
        { Env.ConcurrencyAccounts, "many", "is not a whole number" },
        { Env.ConcurrencyUsersPerAccount, "99999999999", "is not a whole number" },
        { Env.RequireOldKeyUnused, "yes", "'yes' is not true or false" },
        { Env.DryRun, "1", "'1' is not true or false" },
        { Env.DiscoverOrganization, "on", "is not true or false" },
        { Env.SecretLocation, "x", "'x' is not 'member' or 'central'" },
        { Env.SecretLocation, "1", "'1' is not 'member' or 'central'" },
        { Env.AccountsUsersJson, "111111111111=user1", "not valid JSON" },
        { Env.AccountsUsersJson, "[\"user1\"]", "expected an object, found an array" },
        // Values that parse but fail validation are reported against the variable too.
        { Env.MaxKeyAgeDays, "-1", "-1 is out of range: use 0 to 3650" },
        { Env.MaxKeyAgeDays, "3651", "out of range" },
        { Env.DeactivateAfterDays, "-2", "-2 is out of range: use 0 to 365" },
        { Env.DeleteAfterDays, "-1", "out of range" },
        { Env.MaxDeactivationDelayDays, "3", "at least deactivateAfterDays (7)" },
        { Env.WarnDaysBeforeForced, "-1", "-1 is out of range: use 0 to 365" },
        { Env.WarnDaysBeforeForced, "23", "must be 0 or less than maxDeactivationDelayDays - deactivateAfterDays (23)" },
        { Env.OldKeyIdleDays, "0", "0 is out of range: use 1 to 365 (AWS reports a key's last use up to about 4 hours late" },
        { Env.OldKeyIdleDays, "366", "out of range: use 1 to 365" },
        { Env.AlertOwnerTag, "owner!", "a tag key is 1-128 characters" },
        { Env.SecretsRotationLambdaArn, "rotator", "'rotator' is not a Lambda function ARN" },
        { Env.ResultsQueueUrl, "results", "expected an SQS queue URL" },
        { Env.ConcurrencyAccounts, "0", "0 is out of range: use 1 to 256" },
        { Env.DeadlineMarginSeconds, "soon", "'soon' is not a whole number" },
        { Env.DeadlineMarginSeconds, "601", "601 is out of range: use 0 to 600" },
        { Env.DigestDelaySeconds, "901", "901 is out of range: use 0 to 900 (SQS's longest message delay)" },
        { Env.DigestDelaySeconds, "-5", "out of range: use 0 to 900" },
        { Env.ConcurrencyUsersPerAccount, "1000", "out of range: use 1 to 32" },
        { Env.VerificationRegions, "us-east-1,Europe", "'Europe' is not a region code such as us-east-1" },
        { Env.RotationRoleName, "bad role", "is not a valid IAM role name" },
        { Env.ExternalId, "x", "must be 2-1224 characters" },
        { Env.SnsTopicArn, "arn:aws:sqs:us-east-1:999999999999:q", "is not an SNS topic ARN" },
        { Env.DiscoveryIncludeOus, "ou-ab12-abcdefgh,ou-1", "is not an OU id" },
        { Env.DiscoveryExcludeAccounts, "12345", "exactly 12 digits" },
        { Env.DiscoveryUserPath, "svc", "starts and ends with '/'" },
        { Env.DiscoveryUserTag, "=x", "use 'key' or 'key=value'" },
        { Env.ExemptGroup, "bad group", "is not a valid IAM group name" },
        { Env.ExemptTag, new string('t', 129), "1-128 characters" },
        { Env.SecretNameTemplate, "keys/{accountId}", "must contain {userName}" },
        { Env.SecretKmsKeyId, "key", "expected a KMS key id" },
        { Env.WorkQueueUrl, "queue", "expected an SQS queue URL" },
        { Env.DestinationsJson, "ssm:/keys", "not valid JSON" },
        { Env.GitHubApiUrl, "api.github.com", "is not an http(s) URL" },
        { Env.GitHubApiUrl, "https://api.github.com/?x=1", "without a query" },
        { Env.GitHubCredentialsSecretArn, "github-app", "is not a Secrets Manager secret ARN" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void FromEnvironment_BadValue_NamesTheVariable(string name, string value, string phrase)
    {
        var env = BaselineFor(name);
        env[name] = value;

        var result = ConfigLoader.FromEnvironment(env);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(name, problem.Path);
        Assert.Contains(phrase, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"11111111111": ["user1"]}""", "ACCOUNTS_USERS_JSON.11111111111", "exactly 12 digits")]
    [InlineData("""{"111111111111": ["a", "A"]}""", "ACCOUNTS_USERS_JSON.111111111111[1]", "listed twice")]
    [InlineData("""{"111111111111": ["a b"]}""", "ACCOUNTS_USERS_JSON.111111111111[0]", "not a valid IAM user name")]
    [InlineData("""{"111111111111": ["a"], "111111111111": ["b"]}""", "ACCOUNTS_USERS_JSON.111111111111", "account listed twice")]
    [InlineData("""{"111111111111": "user1"}""", "ACCOUNTS_USERS_JSON.111111111111", "expected an array of strings")]
    [InlineData("""{}""", "ACCOUNTS_USERS_JSON", "nothing to rotate")]
    public void FromEnvironment_BadAccountsJson_PathStartsWithTheVariable(string json, string path, string phrase)
    {
        var result = ConfigLoader.FromEnvironment(SeedWith(Env.AccountsUsersJson, json));

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith(Env.AccountsUsersJson, problem.Path, StringComparison.Ordinal);
        Assert.Equal(path, problem.Path);
        Assert.Contains(phrase, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NoAccountsAndNoDiscovery_ReportsEmptyScopeAgainstAccountsVariable()
    {
        var env = Seed();
        env.Remove(Env.AccountsUsersJson);

        var problem = Assert.Single(ConfigLoader.FromEnvironment(env).Problems);

        Assert.Equal(Env.AccountsUsersJson, problem.Path);
        Assert.Contains("nothing to rotate", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_DiscoveryWithoutAccounts_IsValid()
    {
        var result = ConfigLoader.FromEnvironment(new Dictionary<string, string?> { [Env.DiscoverOrganization] = "true" });

        Assert.True(result.IsValid, result.Describe());
        Assert.Empty(result.Config!.Accounts);
        Assert.Equal("IAMKeyRotationRole", result.Config.RoleName);
        Assert.Null(result.Config.Alerts.SnsTopicArn);
    }

    [Fact]
    public void FromEnvironment_WorkQueueWithoutResultsQueue_NamesTheResultsVariableAndWhy()
    {
        var problem = Assert.Single(ConfigLoader.FromEnvironment(SeedWith(Env.WorkQueueUrl, "https://sqs.us-east-1.amazonaws.com/999999999999/q")).Problems);

        Assert.Equal(Env.ResultsQueueUrl, problem.Path);
        Assert.Contains("required when workQueueUrl is set", problem.Message, StringComparison.Ordinal);
        Assert.Contains("one digest per sweep", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("member")]
    public void FromEnvironment_RotationLambdaOutsideCentralLocation_NamesTheVariable(string? location)
    {
        var env = SeedWith(Env.SecretsRotationLambdaArn, "arn:aws:lambda:us-east-1:999999999999:function:key-rotation");
        env[Env.SecretLocation] = location;

        var problem = Assert.Single(ConfigLoader.FromEnvironment(env).Problems);

        Assert.Equal(Env.SecretsRotationLambdaArn, problem.Path);
        Assert.Contains("needs secrets.location central", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void FromEnvironment_EmptyOwnerTag_DisablesIt(string value)
    {
        var result = ConfigLoader.FromEnvironment(SeedWith(Env.AlertOwnerTag, value));

        Assert.True(result.IsValid, result.Describe());
        Assert.Null(result.Config!.Alerts.OwnerTag);
    }

    [Fact]
    public void FromEnvironment_OwnerTagUnset_KeepsOwner() =>
        Assert.Equal("owner", ConfigLoader.FromEnvironment(Seed()).Config!.Alerts.OwnerTag);

    [Theory]
    [InlineData(Env.ExemptGroup, "")]
    [InlineData(Env.ExemptGroup, "   ")]
    [InlineData(Env.ExemptTag, "")]
    public void FromEnvironment_EmptyExemption_DisablesIt(string name, string value)
    {
        var result = ConfigLoader.FromEnvironment(SeedWith(name, value));

        Assert.True(result.IsValid, result.Describe());
        var exemptions = result.Config!.Exemptions;
        Assert.Null(name == Env.ExemptGroup ? exemptions.Group : exemptions.Tag);
        Assert.NotNull(name == Env.ExemptGroup ? exemptions.Tag : exemptions.Group);
    }

    [Fact]
    public void FromEnvironment_ExemptionsUnset_KeepDefaults()
    {
        var exemptions = ConfigLoader.FromEnvironment(Seed()).Config!.Exemptions;

        Assert.Equal("key-rotation-exempt", exemptions.Group);
        Assert.Equal("key-rotation:exempt", exemptions.Tag);
    }

    [Theory]
    [InlineData(Env.MaxKeyAgeDays, "")]
    [InlineData(Env.MaxKeyAgeDays, "  ")]
    [InlineData(Env.MaxKeyAgeDays, null)]
    [InlineData(Env.RequireOldKeyUnused, "")]
    [InlineData(Env.SecretNameTemplate, "")]
    [InlineData(Env.RotationRoleName, "")]
    public void FromEnvironment_EmptyOptionalVariable_KeepsTheDefault(string name, string? value)
    {
        var result = ConfigLoader.FromEnvironment(SeedWith(name, value));

        Assert.True(result.IsValid, result.Describe());
        Assert.Equal(new RotationPolicy(), result.Config!.Policy);
        Assert.Equal(new SecretsConfig().NameTemplate, result.Config.Secrets.NameTemplate);
        Assert.Equal("IAMKeyRotationRole", result.Config.RoleName);
    }

    [Theory]
    [InlineData("member,central")]
    [InlineData("Member, Member")]
    public void FromEnvironment_SecretLocationList_IsRejected(string value)
    {
        var problem = Assert.Single(ConfigLoader.FromEnvironment(SeedWith(Env.SecretLocation, value)).Problems);

        Assert.Equal(Env.SecretLocation, problem.Path);
    }

    [Fact]
    public void FromEnvironment_SeveralBadValues_ListsEveryProblemAtOnce()
    {
        var env = Seed();
        env[Env.MaxKeyAgeDays] = "abc";
        env[Env.RequireOldKeyUnused] = "yes";
        env[Env.SecretLocation] = "x";
        env[Env.DryRun] = "maybe";

        var result = ConfigLoader.FromEnvironment(env);

        Assert.Equal(
            new[] { Env.DryRun, Env.MaxKeyAgeDays, Env.RequireOldKeyUnused, Env.SecretLocation },
            result.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FromEnvironment_SeveralInvalidValues_ListsEveryValidationProblemAtOnce()
    {
        var env = Seed();
        env[Env.ConcurrencyAccounts] = "0";
        env[Env.SnsTopicArn] = "topic";
        env[Env.AccountsUsersJson] = """{"1": ["u"]}""";

        var result = ConfigLoader.FromEnvironment(env);

        Assert.Equal(
            new[] { "ACCOUNTS_USERS_JSON.1", Env.ConcurrencyAccounts, Env.SnsTopicArn },
            result.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    private static string Render(RotationConfig c) => string.Join(
        "|",
        c.RoleName, c.ExternalId, string.Join(";", c.Accounts.Select(a => a.Key + "=" + string.Join(",", a.Value))),
        c.Discovery with { IncludeOus = [], ExcludeAccounts = [] }, string.Join(",", c.Discovery.IncludeOus), string.Join(",", c.Discovery.ExcludeAccounts),
        c.Policy, c.Exemptions, c.Secrets, c.Alerts, DestinationsJson.Of(c.Destinations), c.GitHub, c.DryRun, c.Concurrency, string.Join(",", c.Verification.Regions), c.WorkQueueUrl, c.ResultsQueueUrl, c.Lambda, c.FanOut);
}
