using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// What central-admin computes (environment, derived names, the fan-out cap, cross-input rules), evaluated by
/// terraform for every scenario in <see cref="DeployScenarios"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CentralSettingsTests
{
    private static JsonElement Central(string scenario) => DeployScenarios.Evaluated.Central[scenario];

    private static Dictionary<string, string> Environment(string scenario) =>
        Central(scenario).GetProperty("environment").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    [TerraformFact]
    public void Environment_AllFeatures_SetsExactlyTheVariablesTheCodeReads()
    {
        var names = Environment("all_features").Keys.Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(EnvironmentVariables.All.Order(StringComparer.Ordinal).ToArray(), names);
    }

    [TerraformFact]
    public void Environment_EveryScenario_NamesOnlyVariablesTheCodeReads()
    {
        Assert.All(DeployScenarios.CentralScenarios, s => Assert.Empty(Environment(s.Name).Keys.Except(EnvironmentVariables.All)));
    }

    [TerraformFact]
    public void Environment_ExemptionsAndOwnerTagNull_AreEmptyStringsThatDisableThem()
    {
        var environment = Environment("no_exemptions");

        Assert.Equal("", environment["EXEMPT_GROUP"]);
        Assert.Equal("", environment["EXEMPT_TAG"]);
        Assert.Equal("", environment["ALERT_OWNER_TAG"]);
    }

    [TerraformFact]
    public void Environment_Defaults_MatchTheCodeDefaults()
    {
        var environment = Environment("minimal");
        var defaults = new RotationPolicy();

        Assert.Equal(defaults.OldKeyIdleDays.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["OLD_KEY_IDLE_DAYS"]);
        Assert.Equal(defaults.MaxKeyAgeDays.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["MAX_KEY_AGE_DAYS"]);
        Assert.Equal("owner", environment["ALERT_OWNER_TAG"]);
        Assert.Equal("key-rotation-exempt", environment["EXEMPT_GROUP"]);
        Assert.Equal("member", environment["SECRET_LOCATION"]);
        Assert.Equal("org-key-rotation-111111111111", environment["ROTATION_EXTERNAL_ID"]);
        Assert.DoesNotContain("WORK_QUEUE_URL", environment.Keys);
        Assert.DoesNotContain("SECRETS_ROTATION_LAMBDA_ARN", environment.Keys);
    }

    [TerraformFact]
    public void Environment_VerificationRegions_JoinedAsTheCodeReadsThemAndUnsetWithoutAny()
    {
        Assert.Equal("us-east-1,eu-west-1", Environment("all_features")["VERIFICATION_REGIONS"]);
        Assert.DoesNotContain("VERIFICATION_REGIONS", Environment("minimal").Keys);
        var loaded = ConfigLoader.FromEnvironment(new Dictionary<string, string?>(Environment("all_features").Select(e => KeyValuePair.Create(e.Key, (string?)e.Value))));
        Assert.Equal(["us-east-1", "eu-west-1"], loaded.Config!.Verification.Regions);
    }

    [TerraformFact]
    public void Seed_OneAddressAsString_BecomesAOneElementList()
    {
        Assert.Equal(["your@email.com"], Central("minimal").GetProperty("alert_emails").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("{\n  \"222222222222\": [\"ci-user\", \"deploy-bot\"]\n}\n", Environment("minimal")["ACCOUNTS_USERS_JSON"]);
    }

    [TerraformFact]
    public void Environment_SecretsManagerRotation_NamesTheFunctionItself()
    {
        var with = Central("list_inline_central_smrotation");

        Assert.Equal("arn:aws:lambda:eu-west-1:111111111111:function:org-key-rotation", with.GetProperty("function_arn").GetString());
        Assert.Equal(with.GetProperty("function_arn").GetString(), Environment("list_inline_central_smrotation")["SECRETS_ROTATION_LAMBDA_ARN"]);
        Assert.DoesNotContain("SECRETS_ROTATION_LAMBDA_ARN", Environment("list_inline_central").Keys);
    }

    /// <summary>
    /// The event source may start all but two of the reserved copies: a scheduled or manual sweep and a Secrets Manager
    /// rotation step always find one (Lambda: keep reserved concurrency above the SQS maximum concurrency).
    /// </summary>
    [TerraformFact]
    public void FanOut_WithReservedConcurrency_LeavesTwoCopiesForOtherInvocations()
    {
        Assert.Equal(8, Central("list_fanout_member").GetProperty("fanout_maximum_concurrency").GetInt32());
        Assert.Equal(3, Central("all_features").GetProperty("fanout_maximum_concurrency").GetInt32());
        Assert.Equal(JsonValueKind.Null, Central("list_inline_member").GetProperty("fanout_maximum_concurrency").ValueKind);
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/111111111111/org-key-rotation-work", Environment("list_fanout_member")["WORK_QUEUE_URL"]);
    }

    [TerraformFact]
    public void FanOut_SetsBothQueuesAndWithoutItNeither()
    {
        var fanOut = Environment("list_fanout_member");
        var inline = Environment("list_inline_member");

        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/111111111111/org-key-rotation-results", fanOut["RESULTS_QUEUE_URL"]);
        Assert.DoesNotContain("RESULTS_QUEUE_URL", inline.Keys);
        Assert.DoesNotContain("WORK_QUEUE_URL", inline.Keys);
        // The configuration refuses a work queue without a results queue; what Terraform sets must load.
        Assert.All(DeployScenarios.CentralScenarios, s =>
        {
            var loaded = ConfigLoader.FromEnvironment(Environment(s.Name).ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal));
            Assert.True(loaded.IsValid, $"{s.Name}: {string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}"))}");
        });
    }

    [TerraformFact]
    public void EmailFilterPolicy_Default_SendsOnlyTheDigestAndWhatNeedsAPerson()
    {
        Assert.Equal("""{"severity":["action-required","summary"]}""", Central("minimal").GetProperty("email_filter_policy").GetString());
        Assert.Equal(Central("minimal").GetProperty("email_filter_policy").GetString(), Central("all_features").GetProperty("email_filter_policy").GetString());
    }

    [TerraformFact]
    public void EmailFilterPolicy_AllOrNull_LetsEveryEventThroughAndACustomOneGoesAsGiven()
    {
        Assert.Equal(JsonValueKind.Null, Central("email_every_event").GetProperty("email_filter_policy").ValueKind);
        Assert.Equal(JsonValueKind.Null, Central("email_null_filter").GetProperty("email_filter_policy").ValueKind);
        using var custom = JsonDocument.Parse(Central("email_owner_filter").GetProperty("email_filter_policy").GetString()!);
        Assert.Equal(["team-payments"], custom.RootElement.GetProperty("owner").EnumerateArray().Select(v => v.GetString()));
    }

    [TerraformFact]
    public void ExecutionRole_IsNamedAfterTheFunction()
    {
        Assert.Equal("org-key-rotation-lambda", Central("minimal").GetProperty("execution_role_name").GetString());
        Assert.Equal("arn:aws:iam::111111111111:role/org-key-rotation-lambda", Central("minimal").GetProperty("execution_role_arn").GetString());
    }

    private const string OneAccount = "accounts_users_json = \"{\\\"222222222222\\\": [\\\"a\\\"]}\"";

    /// <summary>Central secrets name their writer: the execution role's ARN, path included; member secrets name none.</summary>
    [TerraformFact]
    public void Environment_CentralSecrets_NameTheExecutionRoleWithItsPathAsRotator()
    {
        var central = Central("central_created_key");

        Assert.Equal("arn:aws:iam::111111111111:role/service/org-key-rotation-lambda", central.GetProperty("execution_role_arn").GetString());
        Assert.Equal(central.GetProperty("execution_role_arn").GetString(), Environment("central_created_key")["SECRETS_ROTATOR_ARN"]);
        Assert.All(DeployScenarios.CentralScenarios.Where(s => !s.Inputs.Contains("secret_location = \"central\"", StringComparison.Ordinal)),
            s => Assert.DoesNotContain("SECRETS_ROTATOR_ARN", Environment(s.Name).Keys));
        Assert.All(DeployScenarios.CentralScenarios.Where(s => s.Inputs.Contains("secret_location = \"central\"", StringComparison.Ordinal)),
            s => Assert.Equal(Central(s.Name).GetProperty("execution_role_arn").GetString(), Environment(s.Name)["SECRETS_ROTATOR_ARN"]));
    }

    /// <summary>Central secrets without a key: central-admin creates one, and the function and its role use that one.</summary>
    [TerraformFact]
    public void CentralSecrets_WithoutAKey_UseTheCreatedCustomerManagedKey()
    {
        var central = Central("central_created_key");

        Assert.True(central.GetProperty("create_secrets_key").GetBoolean());
        Assert.Equal(DeployScenarios.CreatedSecretsKeyArn, Environment("central_created_key")["SECRET_KMS_KEY_ID"]);
        Assert.Contains(DeployScenarios.CreatedSecretsKeyArn, central.GetProperty("execution_policy").GetString(), StringComparison.Ordinal);
        Assert.False(Central("list_inline_central").GetProperty("create_secrets_key").GetBoolean());
        Assert.Equal(DeployScenarios.SecretKeyArn, Environment("list_inline_central")["SECRET_KMS_KEY_ID"]);
        Assert.False(Central("list_inline_member").GetProperty("create_secrets_key").GetBoolean());
        Assert.DoesNotContain("SECRET_KMS_KEY_ID", Environment("list_inline_member").Keys);
        Assert.Equal(JsonValueKind.Null, Central("list_inline_member").GetProperty("secret_reader_policy").ValueKind);
    }

    /// <summary>An alias goes to every member account unchanged: each resolves it to its own key.</summary>
    [TerraformFact]
    public void MemberSecrets_AliasOrTheListedAccountsOwnKey_AreSentAsGiven()
    {
        Assert.Equal("alias/org-key-rotation", Environment("member_alias_key")["SECRET_KMS_KEY_ID"]);
        Assert.Equal(DeployScenarios.MemberKeyArn, Environment("member_own_key_arn")["SECRET_KMS_KEY_ID"]);
    }

    /// <summary>Combinations that cannot work on AWS, each refused at plan time with its own message.</summary>
    public static TheoryData<string, string, string> RefusedCombinations() => new()
    {
        { "secrets_manager_rotation_with_member_secrets", "accounts_users_json = \"{\\\"222222222222\\\": [\\\"a\\\"]}\"\nenable_secrets_manager_rotation = true", "enable_secrets_manager_rotation needs secret_location = \"central\"" },
        { "fanout_with_one_reserved", $"{OneAccount}\nenable_fanout = true\nreserved_concurrency = 1", "reserved_concurrency must be null or at least 4" },
        // Two of the reserved copies stay free for the schedule, manual runs and rotation steps; SQS needs at least 2.
        { "fanout_with_three_reserved", $"{OneAccount}\nenable_fanout = true\nreserved_concurrency = 3", "2 stay free for the schedule, manual runs and Secrets Manager rotation steps" },
        // The AWS managed key cannot be used from another account (Secrets Manager user guide, cross-account access).
        { "central_secrets_with_the_aws_managed_key", $"{OneAccount}\nsecret_location = \"central\"\nsecret_kms_key_id = \"alias/aws/secretsmanager\"", "cannot use the AWS managed key aws/secretsmanager" },
        { "central_secrets_with_an_alias", $"{OneAccount}\nsecret_location = \"central\"\nsecret_kms_key_id = \"alias/rotation-secrets\"", "must be null (central-admin creates the key) or the ARN of a key of this account" },
        { "central_secrets_with_another_accounts_key", $"{OneAccount}\nsecret_location = \"central\"\nsecret_kms_key_id = \"arn:aws:kms:eu-west-1:333333333333:key/00000000-0000-0000-0000-000000000009\"", "the ARN of a key of this account" },
        // One key ARN sent to every member account: foreign to all but its own.
        { "member_secrets_with_a_key_arn_and_discovery", $"discover_organization = true\norganization_id = \"{DeployScenarios.OrganizationId}\"\nsecret_kms_key_id = \"{DeployScenarios.SecretKeyArn}\"", "set secret_kms_key_id to alias/NAME" },
        { "member_secrets_with_another_accounts_key_arn", $"{OneAccount}\nsecret_kms_key_id = \"{DeployScenarios.SecretKeyArn}\"", "every member account encrypts its own secrets" },
        // The warnings before the forced deactivation would start before the previous key may be deactivated at all.
        { "warnings_before_the_grace_ends", $"{OneAccount}\nmax_deactivation_delay_days = 14\ndeactivate_after_days = 7\nwarn_days_before_forced = 7", "warn_days_before_forced must be 0 or less than max_deactivation_delay_days - deactivate_after_days" },
        { "discovery_without_organization", "discover_organization = true", "discover_organization = true needs organization_id" },
        { "nothing_to_rotate", "accounts_users_json = \"{}\"", "there is nothing to rotate" },
        { "environment_over_4kb", $"accounts_users_json = \"{{\\\"222222222222\\\": [{string.Join(",", Enumerable.Range(0, 400).Select(i => $"\\\"user-{i:D4}\\\""))}]}}\"", "exceeds Lambda's 4 KB" },
    };

    [TerraformTheory]
    [MemberData(nameof(RefusedCombinations))]
    public void RefusedCombination_FailsThePlanWithItsMessage(string name, string inputs, string message)
    {
        var diagnostics = Refused.Value[name];

        Assert.True(diagnostics.Count == 1 && diagnostics[0].Detail.Contains(message, StringComparison.Ordinal),
            $"{name} ({inputs[..Math.Min(80, inputs.Length)]}): expected one error with \"{message}\", got:\n{string.Join("\n", diagnostics)}");
    }

    private static readonly Lazy<Dictionary<string, List<TerraformDiagnostic>>> Refused = new(() =>
        RefusedCombinations().ToDictionary(r => (string)r[0], r =>
        {
            // One root per case: a failed output precondition points at the module's file, not at the case.
            using var root = new TerraformRoot("central-refused");
            DeployScenarios.WriteScenarios(root, "central", "central-admin", "central-settings", [new Scenario((string)r[0], (string)r[1])],
                s => DeployScenarios.CentralFacts(s.Inputs.Contains("enable_fanout = true", StringComparison.Ordinal)));
            root.Init();
            return root.Plan().Diagnostics.ToList();
        }, StringComparer.Ordinal));
}
