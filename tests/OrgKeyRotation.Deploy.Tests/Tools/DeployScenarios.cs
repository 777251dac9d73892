using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrgKeyRotation.Deploy.Tests.Tools;

/// <summary>One feature combination of a module, as a user would set it: HCL assignments of the module's inputs.</summary>
public sealed record Scenario(string Name, string Inputs);

/// <summary>
/// The modules' settings and policies as Terraform computes them, for every scenario, from one `terraform apply`
/// per test run. A scenario's inputs go to a copy of the user-facing module's variable blocks (so its defaults and
/// validations apply) and from there, unchanged, to the provider-free module that computes the settings
/// (central-settings, member-policies), exactly as central-admin, member-account and member-roles-stackset pass them.
/// </summary>
public sealed partial class DeployScenarios
{
    public const string Partition = "aws";
    public const string Region = "eu-west-1";
    public const string CentralAccount = "111111111111";
    public const string MemberAccount = "222222222222";
    public const string OrganizationId = "o-abcd123456";
    public const string TopicKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001";
    public const string SecretKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002";

    /// <summary>The ARN central-admin's own secrets key gets (deployment.secrets_key_arn), used only when it creates one.</summary>
    public const string CreatedSecretsKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-0000000000c5";

    /// <summary>An operator's IAM Identity Center role allowed to run keyrot as the rotator (central-admin rotator_operator_arns).</summary>
    public const string OperatorRoleArn = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_KeyRotationOperator_0123456789abcdef";

    /// <summary>A key of the one listed member account (222222222222).</summary>
    public const string MemberKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000022";

    public static string TopicArn => $"arn:aws:sns:{Region}:{CentralAccount}:org-key-rotation-alerts";

    public static string WorkQueueArn => $"arn:aws:sqs:{Region}:{CentralAccount}:org-key-rotation-work";

    public static string ResultsQueueArn => $"arn:aws:sqs:{Region}:{CentralAccount}:org-key-rotation-results";

    public static string LogGroupArn => $"arn:aws:logs:{Region}:{CentralAccount}:log-group:/aws/lambda/org-key-rotation";

    private static readonly Lazy<DeployScenarios> LazyEvaluated = new(Evaluate);

    private DeployScenarios(IReadOnlyDictionary<string, JsonElement> central, IReadOnlyDictionary<string, JsonElement> member)
    {
        Central = central;
        Member = member;
    }

    /// <summary>Evaluated on first use, shared by every test of the run.</summary>
    public static DeployScenarios Evaluated => LazyEvaluated.Value;

    /// <summary>central-settings outputs by scenario name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Central { get; }

    /// <summary>member-policies outputs by scenario name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Member { get; }

    private const string ExplicitAccounts = "accounts_users_json = \"{\\\"222222222222\\\": [\\\"alice\\\"], \\\"333333333333\\\": [\\\"bob\\\"]}\"";

    /// <summary>The secret that holds the GitHub credential, and its key (central-admin github_credentials_*).</summary>
    public const string GitHubSecretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orgkeyrotation/github-AbCdEf";
    public const string GitHubKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-0000000000a6";

    /// <summary>A key of the member account for its parameters (member ssm_kms_key_arns).</summary>
    public const string ParameterKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-0000000000b7";

    /// <summary>An ssm and a github destination for every user, and one more ssm destination for alice of 222222222222.</summary>
    public const string Destinations = $$"""
        destinations = {
          defaults = [
            { type = "ssm", name = "/orgkeyrotation/{accountId}/{userName}", kms_key_id = "alias/orgkeyrotation-parameters" },
            { type = "github", scope = "environment", repository = "example-org/{userName}", environment = "production" },
          ]
          accounts = {
            "222222222222" = { users = { alice = [{ type = "ssm", name = "/orgkeyrotation-ci/alice", format = "pair" }] } }
          }
        }
        github_credentials_secret_arn  = "{{GitHubSecretArn}}"
        github_credentials_kms_key_arn = "{{GitHubKeyArn}}"
        """;
    private const string Discovery = "discover_organization = true\norganization_id = \"o-abcd123456\"";

    /// <summary>Every central feature combination: discovery or a list, fan-out or not, where secrets live, Secrets Manager rotation.</summary>
    public static IReadOnlyList<Scenario> CentralScenarios { get; } = BuildCentralScenarios();

    private static List<Scenario> BuildCentralScenarios()
    {
        var list = new List<Scenario>();
        foreach (var discover in new[] { false, true })
        {
            foreach (var fanout in new[] { false, true })
            {
                foreach (var (location, rotation) in new[] { ("member", false), ("central", false), ("central", true) })
                {
                    var inputs = new StringBuilder();
                    inputs.AppendLine(discover ? Discovery : ExplicitAccounts);
                    inputs.AppendLine(CultureInfo.InvariantCulture, $"enable_fanout = {(fanout ? "true\nreserved_concurrency = 10" : "false")}");
                    inputs.AppendLine(CultureInfo.InvariantCulture, $"secret_location = \"{location}\"");
                    if (location == "central")
                    {
                        inputs.AppendLine(CultureInfo.InvariantCulture, $"secret_kms_key_id = \"{SecretKeyArn}\"");
                    }

                    inputs.AppendLine(CultureInfo.InvariantCulture, $"enable_secrets_manager_rotation = {(rotation ? "true" : "false")}");
                    var name = $"{(discover ? "discovery" : "list")}_{(fanout ? "fanout" : "inline")}_{location}{(rotation ? "_smrotation" : "")}";
                    list.Add(new Scenario(name, inputs.ToString()));
                }
            }
        }

        // Everything optional set, so the environment holds every variable the code reads.
        list.Add(new Scenario("all_features", $"""
            {Discovery}
            discovery_include_ous = ["ou-ab12-abcdefgh"]
            discovery_exclude_accounts = ["111111111111"]
            discovery_user_tag = "rotate=yes"
            enable_fanout = true
            reserved_concurrency = 5
            secret_location = "central"
            secret_kms_key_id = "{SecretKeyArn}"
            enable_secrets_manager_rotation = true
            deadline_margin_seconds = 300
            digest_delay_seconds = 120
            verification_regions = ["us-east-1", "eu-west-1"]
            github_api_url = "https://github.example.com/api/v3"
            {Destinations}
            """));
        // Destinations with member secrets: a Parameter Store and a GitHub destination per user.
        list.Add(new Scenario("destinations", ExplicitAccounts + "\n" + Destinations));
        // The smallest documented tfvars: the scope as a heredoc, the role name, one alert address as a string.
        list.Add(new Scenario("minimal", """
            sns_alert_email = "your@email.com"
            rotation_role_name = "IAMKeyRotationRole"
            accounts_users_json = <<EOT
            {
              "222222222222": ["ci-user", "deploy-bot"]
            }
            EOT
            """));
        // Central secrets as the central-secrets example deploys them: a created key, the role under a path, the Organization.
        list.Add(new Scenario("central_created_key", $"""
            {ExplicitAccounts}
            organization_id = "{OrganizationId}"
            secret_location = "central"
            execution_role_path = "/service/"
            rotator_operator_arns = ["{OperatorRoleArn}"]
            """));
        list.Add(new Scenario("member_alias_key", ExplicitAccounts + "\nsecret_kms_key_id = \"alias/org-key-rotation\""));
        list.Add(new Scenario("member_own_key_arn", $"accounts_users_json = \"{{\\\"222222222222\\\": [\\\"alice\\\"]}}\"\nsecret_kms_key_id = \"{MemberKeyArn}\""));
        list.Add(new Scenario("no_exemptions", ExplicitAccounts + "\nexempt_group = null\nexempt_tag = null\nalert_owner_tag = null"));
        // The email subscriptions' filter policy: every event ("all", or null), or a team's own filter on its owner name.
        list.Add(new Scenario("email_every_event", ExplicitAccounts + "\nsns_filter_policy = \"all\""));
        list.Add(new Scenario("email_null_filter", ExplicitAccounts + "\nsns_filter_policy = null"));
        list.Add(new Scenario("email_owner_filter", ExplicitAccounts + "\nsns_filter_policy = jsonencode({ owner = [\"team-payments\"], severity = [\"action-required\", \"info\"] })"));
        return list;
    }

    /// <summary>Suffix of the member scenarios that turn the bulk read of users off (<c>bulk_user_read = false</c>).</summary>
    public const string NoBulkRead = "_no_bulk_read";

    /// <summary>Member role combinations: where secrets live, a KMS key, a user path, and how the trust is given.</summary>
    private static readonly Scenario[] BaseMemberScenarios =
    [
        // The member module's required inputs and the role name only: the rotator's role ARN is derived, ExternalId and PrincipalOrgID on.
        new("minimal", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nrole_name = \"IAMKeyRotationRole\""),
        new("explicit", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\ncentral_role_arn = \"arn:aws:iam::111111111111:role/custom-rotator-lambda\"\nexternal_id = \"org-key-rotation-7f3c9a\"\norganization_id = \"o-abcd123456\""),
        new("path_and_key", $"account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nuser_path = \"/automation/\"\nsecret_name_prefix = \"team-a/keys/\"\nsecret_kms_key_id = \"{SecretKeyArn.Replace("111111111111", "222222222222", StringComparison.Ordinal)}\""),
        new("central_secrets", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nsecret_location = \"central\"\nsecret_kms_key_id = \"arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000003\""),
        // The key central-admin sends as an alias: each member account's role may use the key that alias names there.
        new("alias_key", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nsecret_kms_key_id = \"alias/org-key-rotation\""),
        new("conditions_off", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nrequire_external_id = false\nrequire_organization = false"),
        // Parameter Store destinations: the prefixes central-admin outputs (ssm_parameter_prefixes of "destinations"), a key of the account.
        new("ssm_destinations", $"account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nssm_parameter_prefixes = [\"/orgkeyrotation-ci/alice\", \"/orgkeyrotation/\"]\nssm_kms_key_arns = [\"{ParameterKeyArn}\"]"),
        new("central_secrets_ssm", "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\nsecret_location = \"central\"\nsecret_kms_key_id = \"arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000003\"\nssm_parameter_prefixes = [\"/orgkeyrotation-ci/alice\", \"/orgkeyrotation/\"]"),
    ];

    /// <summary>
    /// The member role combinations with the module defaults (the bulk read of users granted), then each of them again
    /// with <c>bulk_user_read = false</c> under its name + <see cref="NoBulkRead"/>.
    /// </summary>
    public static IReadOnlyList<Scenario> MemberScenarios { get; } =
        [.. BaseMemberScenarios, .. BaseMemberScenarios.Select(s => new Scenario(s.Name + NoBulkRead, s.Inputs + "\nbulk_user_read = false"))];

    /// <summary>The facts central-admin takes from its provider and resources (central-settings' <c>deployment</c>).</summary>
    public static string CentralFacts(bool fanout) => $$"""
          deployment = {
            partition         = "{{Partition}}"
            region            = "{{Region}}"
            account_id        = "{{CentralAccount}}"
            topic_arn         = "{{TopicArn}}"
            topic_key_arn     = "{{TopicKeyArn}}"
            log_group_arn     = "{{LogGroupArn}}"
            work_queue_arn    = {{(fanout ? $"\"{WorkQueueArn}\"" : "null")}}
            work_queue_url    = {{(fanout ? $"\"https://sqs.{Region}.amazonaws.com/{CentralAccount}/org-key-rotation-work\"" : "null")}}
            results_queue_arn = {{(fanout ? $"\"{ResultsQueueArn}\"" : "null")}}
            results_queue_url = {{(fanout ? $"\"https://sqs.{Region}.amazonaws.com/{CentralAccount}/org-key-rotation-results\"" : "null")}}
            secrets_key_arn   = "{{CreatedSecretsKeyArn}}"
          }
        """;

    /// <summary>The inputs each user-facing module requires, set in every case that does not set them itself.</summary>
    public static IReadOnlyDictionary<string, string> RequiredInputs { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["central-admin"] = "lambda_zip_path = \"orgkeyrotation-lambda.zip\"\n",
        ["member-account"] = "account_id = \"222222222222\"\ntrusted_account_id = \"111111111111\"\n",
        ["member-roles-stackset"] = "organizational_unit_ids = [\"ou-ab12-abcdefgh\"]\ncentral_role_arn = \"arn:aws:iam::111111111111:role/org-key-rotation-lambda\"\n",
    };

    /// <summary><paramref name="inputs"/> plus the module's required inputs it does not assign itself.</summary>
    public static string WithRequiredInputs(string module, string inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var assigned = Assignment().Matches(inputs).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var missing = RequiredInputs[module].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !assigned.Contains(line[..line.IndexOf('=', StringComparison.Ordinal)].Trim()));
        return string.Concat(missing.Select(line => line + "\n")) + inputs;
    }

    /// <summary>The facts member-account takes from its provider.</summary>
    public const string MemberFacts = """
          partition                  = "aws"
          discovered_organization_id = "o-abcd123456"
        """;

    /// <summary>
    /// Writes, into <paramref name="root"/>, one variables-only copy of <paramref name="userModule"/> per scenario feeding
    /// <paramref name="settingsModule"/>; returns the output name per scenario.
    /// </summary>
    public static Dictionary<string, string> WriteScenarios(TerraformRoot root, string prefix, string userModule, string settingsModule, IEnumerable<Scenario> scenarios, Func<Scenario, string> facts)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(facts);
        var userVariables = VariablesOf(userModule);
        var settingsVariables = VariablesOf(settingsModule);
        // central-settings takes central-admin's inputs as one object, member-policies as single inputs.
        var configObject = ObjectAttributes(settingsModule, "config");
        var echo = root.VariablesOnlyCopy(userModule);
        // The copy echoes its variables, so the settings module gets them with the user module's defaults applied.
        File.WriteAllText(Path.Combine(root.Directory, echo, "echo.tf"),
            "output \"all\" {\n  value = {\n" + string.Join("", userVariables.Select(v => $"    {v} = var.{v}\n")) + "  }\n}\n");
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            var id = $"{prefix}_{scenario.Name}";
            var passed = configObject is null
                ? string.Join("", settingsVariables.Intersect(userVariables).Select(v => $"  {v} = module.{id}_inputs.all.{v}\n"))
                : "  config = {\n" + string.Join("", configObject.Select(a => $"    {a} = module.{id}_inputs.all.{a}\n")) + "  }\n";
            root.Write($"{id}.tf", $$"""
                module "{{id}}_inputs" {
                  source = "{{echo}}"
                {{WithRequiredInputs(userModule, scenario.Inputs)}}
                }

                module "{{id}}" {
                  source = "{{root.ModuleSource(settingsModule)}}"
                {{facts(scenario)}}
                {{passed}}}

                output "{{id}}" {
                  value = module.{{id}}
                }

                """);
            outputs[scenario.Name] = id;
        }

        return outputs;
    }

    /// <summary>The files that declare a module's variables: variables.tf and any variables-*.tf beside it.</summary>
    public static IReadOnlyList<string> VariableFiles(string module) =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Terraform, "modules", module), "variables*.tf").Order(StringComparer.Ordinal).ToList();

    /// <summary>The names of a module's variable blocks, in file order.</summary>
    public static IReadOnlyList<string> VariablesOf(string module) =>
        VariableFiles(module).SelectMany(f => VariableBlock().Matches(File.ReadAllText(f))).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The attribute names of an object-typed variable of a module, in declaration order; null when it has no such variable.</summary>
    public static IReadOnlyList<string>? ObjectAttributes(string module, string variable)
    {
        var text = string.Concat(VariableFiles(module).Select(File.ReadAllText));
        var start = text.IndexOf($"variable \"{variable}\" {{", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var type = text[start..text.IndexOf("\n  })\n", start, StringComparison.Ordinal)];
        return ObjectAttribute().Matches(type).Select(m => m.Groups[1].Value).ToList();
    }

    private static DeployScenarios Evaluate()
    {
        using var root = new TerraformRoot("scenarios");
        var centralOutputs = WriteScenarios(root, "central", "central-admin", "central-settings", CentralScenarios, s => CentralFacts(s.Inputs.Contains("enable_fanout = true", StringComparison.Ordinal)));
        var memberOutputs = WriteScenarios(root, "member", "member-account", "member-policies", MemberScenarios, _ => MemberFacts);
        root.Init();
        var outputs = root.ApplyOutputs();
        return new DeployScenarios(
            centralOutputs.ToDictionary(o => o.Key, o => outputs[o.Value], StringComparer.Ordinal),
            memberOutputs.ToDictionary(o => o.Key, o => outputs[o.Value], StringComparer.Ordinal));
    }

    private static readonly Dictionary<string, (string Trust, string Permissions)> RenderedMemberPolicies = new(StringComparer.Ordinal);

    /// <summary>
    /// member-policies for an arbitrary trusted principal (e.g. an emulator's user standing in for the rotator), called
    /// directly: the user-facing module's validation would refuse a principal that is not a role.
    /// </summary>
    public static (string Trust, string Permissions) RenderMemberPolicies(string accountId, string trustedPrincipalArn, string externalId, string organizationId, bool bulkUserRead = true, IReadOnlyList<string>? ssmParameterPrefixes = null)
    {
        var prefixes = "[" + string.Join(", ", (ssmParameterPrefixes ?? []).Select(p => $"\"{p}\"")) + "]";
        var key = string.Join('|', accountId, trustedPrincipalArn, externalId, organizationId, bulkUserRead, prefixes);
        lock (RenderedMemberPolicies)
        {
            if (RenderedMemberPolicies.TryGetValue(key, out var cached))
            {
                return cached;
            }

            using var root = new TerraformRoot("member-policies");
            root.Write("main.tf", $$"""
                module "member" {
                  source             = "{{root.ModuleSource("member-policies")}}"
                  partition          = "aws"
                  account_id         = "{{accountId}}"
                  central_role_arn   = "{{trustedPrincipalArn}}"
                  external_id        = "{{externalId}}"
                  organization_id    = "{{organizationId}}"
                  user_path          = "/"
                  secret_location    = "member"
                  secret_name_prefix = "iam-key-rotation/"
                  bulk_user_read     = {{(bulkUserRead ? "true" : "false")}}
                  ssm_parameter_prefixes = {{prefixes}}
                }

                output "trust" {
                  value = module.member.trust_policy
                }

                output "permissions" {
                  value = module.member.permissions_policy
                }
                """);
            root.Init();
            var outputs = root.ApplyOutputs();
            var rendered = (outputs["trust"].GetString()!, outputs["permissions"].GetString()!);
            RenderedMemberPolicies[key] = rendered;
            return rendered;
        }
    }

    [GeneratedRegex(@"^variable\s+""([A-Za-z0-9_]+)""", RegexOptions.Multiline)]
    private static partial Regex VariableBlock();

    [GeneratedRegex(@"^    ([a-z0-9_]+)\s+=", RegexOptions.Multiline)]
    private static partial Regex ObjectAttribute();

    [GeneratedRegex(@"^\s*([a-z0-9_]+)\s*=", RegexOptions.Multiline)]
    private static partial Regex Assignment();
}
