using System.Globalization;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Values checked against the modules' real variable validations, evaluated by terraform: a temporary root module
/// calls a copy of each module that holds only its variable blocks (no provider is needed for that).
/// </summary>
[Trait("Category", "Unit")]
public sealed class VariableValidationTests
{
    public static TheoryData<string> Examples() => new(TerraformTree.ExampleNames);

    /// <summary>Valid values for the module arguments an example takes from another module or a data source.</summary>
    private static readonly Dictionary<string, string> ComputedStandIns = new(StringComparer.Ordinal)
    {
        ["trusted_account_id"] = "\"111111111111\"",
        ["central_role_arn"] = "\"arn:aws:iam::111111111111:role/org-key-rotation-lambda\"",
        ["role_name"] = "\"IAMKeyRotationRole\"",
        ["external_id"] = "\"org-key-rotation-111111111111\"",
        ["user_path"] = "\"/\"",
        ["secret_location"] = "\"member\"",
        ["secret_name_prefix"] = "\"iam-key-rotation/\"",
        ["secret_kms_key_id"] = "\"alias/org-key-rotation\"",
        ["ssm_parameter_prefixes"] = "[\"/orgkeyrotation/\"]",
        ["github_credentials_secret_arn"] = "\"arn:aws:secretsmanager:eu-west-1:111111111111:secret:orgkeyrotation/github-AbCdEf\"",
    };

    [TerraformTheory]
    [MemberData(nameof(Examples))]
    public void ExampleTfvars_PassTheModulesOwnValidations(string example)
    {
        using var root = new TerraformRoot("example-" + example);
        var exampleDir = Path.Combine(RepositoryPaths.Terraform, "examples", example);
        File.Copy(Path.Combine(exampleDir, "variables.tf"), Path.Combine(root.Directory, "variables.tf"));
        File.Copy(Path.Combine(exampleDir, "terraform.tfvars.example"), Path.Combine(root.Directory, "terraform.tfvars"));
        var main = new StringBuilder();
        var passed = 0;
        foreach (var (name, call) in TerraformTree.Loaded.Example(example).ModuleCalls)
        {
            var module = Path.GetFileName(call.GetProperty("source").GetString()!);
            main.Append(CultureInfo.InvariantCulture, $"module \"{name}\" {{\n  source = \"{root.VariablesOnlyCopy(module)}\"\n");
            foreach (var argument in call.EnumerateObject().Where(a => a.Name is not ("source" or "providers" or "depends_on")))
            {
                // The values a user sets in terraform.tfvars reach the module unchanged; an argument fed by another
                // module's output or a data source gets a valid stand-in (those values are checked where they are made).
                var text = argument.Value.ValueKind == JsonValueKind.String ? argument.Value.GetString()! : argument.Value.GetRawText();
                if (text.Contains("module.", StringComparison.Ordinal) || text.Contains("data.", StringComparison.Ordinal) || text.Contains("${aws_", StringComparison.Ordinal))
                {
                    main.Append(CultureInfo.InvariantCulture, $"  {argument.Name} = {ComputedStandIns[argument.Name]}\n");
                    continue;
                }

                main.Append(CultureInfo.InvariantCulture, $"  {argument.Name} = {argument.Value.GetRawText()}\n");
                passed++;
            }

            main.Append("}\n");
        }

        root.Write("main.tf", main.ToString());
        root.Init();

        var (succeeded, diagnostics) = root.Plan();

        Assert.True(passed >= 3, $"{example}: expected tfvars values passed to the modules, found {passed}");
        Assert.True(succeeded && diagnostics.Count == 0,
            $"{example}: terraform.tfvars.example fails the modules' validations:\n{string.Join("\n", diagnostics)}");
    }

    /// <summary>Values AWS accepts, and the values of the smallest documented tfvars, pass unchanged.</summary>
    public static TheoryData<string, string, string> AcceptedValues() => new()
    {
        { "external id of 2 characters", "central-admin", "rotation_external_id = \"ab\"" },
        { "external id of 1224 characters", "central-admin", $"rotation_external_id = \"{new string('x', 1224)}\"" },
        { "external id with every allowed sign", "central-admin", "rotation_external_id = \"a+b=c,d.e@f:g/h-i_j\"" },
        { "member external id of 1224 characters", "member-account", $"external_id = \"{new string('x', 1224)}\"" },
        { "stack set external id of 1224 characters", "member-roles-stackset", $"external_id = \"{new string('x', 1224)}\"" },
        { "rate(1 day)", "central-admin", "schedule_expression = \"rate(1 day)\"" },
        { "rate(2 days)", "central-admin", "schedule_expression = \"rate(2 days)\"" },
        { "rate(1 minute)", "central-admin", "schedule_expression = \"rate(1 minute)\"" },
        { "rate(12 hours)", "central-admin", "schedule_expression = \"rate(12 hours)\"" },
        { "six-field cron", "central-admin", "schedule_expression = \"cron(0 3 * * ? *)\"" },
        { "reserved concurrency 1", "central-admin", "reserved_concurrency = 1" },
        { "fan-out batch size 1", "central-admin", "fanout_batch_size = 1" },
        { "fan-out batch size 10", "central-admin", "fanout_batch_size = 10" },
        { "minimal: one alert address as a string", "central-admin", "sns_alert_email = \"your@email.com\"" },
        { "a list of alert addresses", "central-admin", "sns_alert_email = [\"a@example.com\", \"b@example.org\"]" },
        { "minimal: role name", "central-admin", "rotation_role_name = \"IAMKeyRotationRole\"" },
        { "minimal: accounts as a heredoc", "central-admin", "accounts_users_json = <<EOT\n{\n  \"111111111111\": [\"ci-user\", \"deploy-bot\"],\n  \"222222222222\": [\"legacy-app\"]\n}\nEOT" },
        { "minimal: member module inputs", "member-account", "role_name = \"IAMKeyRotationRole\"" },
        { "central secrets key as an alias", "central-admin", "secret_kms_key_id = \"alias/org-key-rotation\"" },
        { "central secrets key as a key ARN", "central-admin", "secret_kms_key_id = \"arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002\"" },
        { "member secrets key as an alias", "member-account", "secret_kms_key_id = \"alias/org-key-rotation\"" },
        { "stack set secrets key as an alias", "member-roles-stackset", "secret_kms_key_id = \"alias/org-key-rotation\"" },
        { "execution role under a path", "central-admin", "execution_role_path = \"/service/team/\"" },
        { "verification in two regions", "central-admin", "verification_regions = [\"us-east-1\", \"us-gov-west-1\"]" },
        { "destinations of every kind", "central-admin", """
            destinations = {
              defaults = [
                { type = "ssm", name = "/k/{accountId}/{userName}", format = "pair", kms_key_id = "alias/k" },
                { type = "github", scope = "organization", organization = "octo", visibility = "selected", selected_repositories = ["app"], access_key_id_name = "KEY_{accountId}" },
              ]
              accounts = { "222222222222" = { users = { "ci+bot" = [{ type = "github", scope = "environment", repository = "octo/app", environment = "prod" }] } } }
            }
            github_credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orgkeyrotation/github-AbCdEf"
            """ },
        { "GitHub Enterprise Server", "central-admin", "github_api_url = \"https://github.example.com/api/v3\"" },
        { "member parameter prefixes and a key", "member-account", "ssm_parameter_prefixes = [\"/orgkeyrotation/\", \"ci-keys\"]\nssm_kms_key_arns = [\"arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-0000000000b7\"]" },
        { "stack set parameter prefixes", "member-roles-stackset", "ssm_parameter_prefixes = [\"/orgkeyrotation/\"]" },
    };

    [TerraformTheory]
    [MemberData(nameof(AcceptedValues))]
    public void AcceptedValue_PassesTheValidation(string name, string module, string assignment)
    {
        var outcome = Cases.Value.Accepted[name];

        Assert.True(outcome.Count == 0, $"{name} ({module}: {assignment[..Math.Min(80, assignment.Length)]}) is refused:\n{string.Join("\n", outcome)}");
    }

    /// <summary>Values AWS rejects: each is refused at plan time with the module's own message.</summary>
    public static TheoryData<string, string, string, string> RejectedValues() => new()
    {
        { "bad account id", "member-account", "account_id = \"22222222222\"", "account_id must be a 12-digit AWS account id" },
        { "verification region that is no region code", "central-admin", "verification_regions = [\"Europe\"]", "verification_regions entries must be region codes" },
        { "bad trusted account id", "member-account", "trusted_account_id = \"abc\"", "trusted_account_id must be a 12-digit AWS account id" },
        { "accounts map with a bad account id", "central-admin", "accounts_users_json = \"{\\\"1234\\\": [\\\"u\\\"]}\"", "accounts_users_json must be a JSON object whose keys are 12-digit account ids" },
        { "external id of 1 character", "central-admin", "rotation_external_id = \"a\"", "rotation_external_id must be 2-1224 characters" },
        { "external id of 1225 characters", "central-admin", $"rotation_external_id = \"{new string('x', 1225)}\"", "rotation_external_id must be 2-1224 characters" },
        { "external id with a space", "member-account", "external_id = \"has space\"", "external_id must be 2-1224 characters" },
        { "stack set external id of 1 character", "member-roles-stackset", "external_id = \"a\"", "external_id must be 2-1224 characters" },
        { "rate(1 days)", "central-admin", "schedule_expression = \"rate(1 days)\"", "schedule_expression must" },
        { "rate(2 day)", "central-admin", "schedule_expression = \"rate(2 day)\"", "schedule_expression must" },
        { "rate(0 days)", "central-admin", "schedule_expression = \"rate(0 days)\"", "schedule_expression must" },
        { "five-field cron", "central-admin", "schedule_expression = \"cron(0 3 * * ?)\"", "schedule_expression must" },
        { "reserved concurrency 0", "central-admin", "reserved_concurrency = 0", "reserved_concurrency must" },
        { "fan-out batch size 0", "central-admin", "fanout_batch_size = 0", "fanout_batch_size must be a whole number between 1 and 10" },
        { "fan-out batch size 11 (Lambda would need a batching window)", "central-admin", "fanout_batch_size = 11", "fanout_batch_size must be a whole number between 1 and 10" },
        { "fan-out batch size 2.5", "central-admin", "fanout_batch_size = 2.5", "fanout_batch_size must be a whole number between 1 and 10" },
        { "alert address that is no address", "central-admin", "sns_alert_email = \"ops\"", "sns_alert_email must" },
        { "alert list with a bad address", "central-admin", "sns_alert_email = [\"ok@example.com\", \"bad\"]", "sns_alert_email must" },
        { "organization id", "central-admin", "organization_id = \"o-ABC\"", "organization_id must look like o-" },
        { "OU id", "member-roles-stackset", "organizational_unit_ids = [\"o-abcd123456\"]", "organizational_unit_ids must list" },
        { "secrets key as an alias ARN", "central-admin", "secret_kms_key_id = \"arn:aws:kms:eu-west-1:111111111111:alias/org-key-rotation\"", "secret_kms_key_id must be a KMS key ARN" },
        { "secrets key as a bare key id", "member-account", "secret_kms_key_id = \"00000000-0000-0000-0000-000000000002\"", "secret_kms_key_id must be a KMS key ARN" },
        { "execution role path without a trailing slash", "central-admin", "execution_role_path = \"/service\"", "execution_role_path must start and end with '/'" },
        { "destination of an unknown type", "central-admin", "destinations = { defaults = [{ type = \"s3\", name = \"/k\" }] }", "Each destination is type = \"ssm\"" },
        { "ssm destination without a name", "central-admin", "destinations = { defaults = [{ type = \"ssm\" }] }", "Each destination is type = \"ssm\"" },
        { "ssm destination with a GitHub field", "central-admin", "destinations = { defaults = [{ type = \"ssm\", name = \"/k\", repository = \"octo/app\" }] }", "Each destination is type = \"ssm\"" },
        { "github destination with an ssm field", "central-admin", "destinations = { defaults = [{ type = \"github\", scope = \"repository\", repository = \"octo/app\", format = \"pair\" }] }", "Each destination is type = \"ssm\"" },
        { "github repository without its owner", "central-admin", "destinations = { defaults = [{ type = \"github\", scope = \"repository\", repository = \"app\" }] }", "A github destination of scope" },
        { "github environment scope without the environment", "central-admin", "destinations = { defaults = [{ type = \"github\", scope = \"environment\", repository = \"octo/app\" }] }", "A github destination of scope" },
        { "github organization without visibility", "central-admin", "destinations = { defaults = [{ type = \"github\", scope = \"organization\", organization = \"octo\" }] }", "A github destination of scope" },
        { "github secret name starting with a digit", "central-admin", "destinations = { defaults = [{ type = \"github\", scope = \"repository\", repository = \"octo/app\", access_key_id_name = \"1KEY\" }] }", "A github destination of scope" },
        { "destinations of a bad account id", "central-admin", "destinations = { accounts = { \"2222\" = {} } }", "destinations.accounts must be keyed by 12-digit account ids" },
        { "GitHub API URL without a scheme", "central-admin", "github_api_url = \"api.github.com\"", "github_api_url must be an http(s) URL" },
        { "GitHub credential that is no secret ARN", "central-admin", "github_credentials_secret_arn = \"orgkeyrotation/github\"", "github_credentials_secret_arn must be a Secrets Manager secret ARN" },
        { "parameter prefix AWS reserves", "member-account", "ssm_parameter_prefixes = [\"/aws/keys/\"]", "ssm_parameter_prefixes entries must be parameter name prefixes" },
        { "parameter key as an alias", "member-account", "ssm_kms_key_arns = [\"alias/parameters\"]", "ssm_kms_key_arns entries must be KMS key ARNs" },
    };

    [TerraformTheory]
    [MemberData(nameof(RejectedValues))]
    public void RejectedValue_IsRefusedWithTheModulesMessage(string name, string module, string assignment, string message)
    {
        var diagnostics = Cases.Value.Rejected[name];

        var error = Assert.Single(diagnostics);
        Assert.Equal("error", error.Severity);
        Assert.True(error.Detail.Contains(message, StringComparison.Ordinal),
            $"{name} ({module}: {assignment[..Math.Min(80, assignment.Length)]}) was refused, but not with \"{message}\": {error}");
    }

    /// <summary>All accepted and rejected cases, each one module call in its own file, planned once per test run.</summary>
    private static readonly Lazy<(Dictionary<string, List<TerraformDiagnostic>> Accepted, Dictionary<string, List<TerraformDiagnostic>> Rejected)> Cases = new(() =>
    {
        using var root = new TerraformRoot("validation-cases");
        var files = new Dictionary<string, (bool Rejected, string Name)>(StringComparer.Ordinal);
        var index = 0;
        void Add(bool rejected, string name, string module, string assignment)
        {
            var file = $"case_{index++:D3}.tf";
            root.Write(file, $"module \"{Path.GetFileNameWithoutExtension(file)}\" {{\n  source = \"{root.VariablesOnlyCopy(module)}\"\n{DeployScenarios.WithRequiredInputs(module, assignment)}\n}}\n");
            files[file] = (rejected, name);
        }

        foreach (var row in AcceptedValues())
        {
            Add(false, (string)row[0], (string)row[1], (string)row[2]);
        }

        foreach (var row in RejectedValues())
        {
            Add(true, (string)row[0], (string)row[1], (string)row[2]);
        }

        root.Init();
        var (_, diagnostics) = root.Plan();
        var unplaced = diagnostics.Where(d => d.File is null || !files.ContainsKey(d.File)).ToList();
        Assert.True(unplaced.Count == 0, $"diagnostics outside the cases:\n{string.Join("\n", unplaced)}");
        var byFile = files.ToDictionary(f => f.Key, f => diagnostics.Where(d => d.File == f.Key).ToList(), StringComparer.Ordinal);
        return (
            files.Where(f => !f.Value.Rejected).ToDictionary(f => f.Value.Name, f => byFile[f.Key], StringComparer.Ordinal),
            files.Where(f => f.Value.Rejected).ToDictionary(f => f.Value.Name, f => byFile[f.Key], StringComparer.Ordinal));
    });
}
