using System.Text.Json;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The example roots are consistent: module inputs exist, tfvars match, and the central and member sides agree.</summary>
[Trait("Category", "Unit")]
public sealed class ExampleWiringTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    public static TheoryData<string> Examples() => new(TerraformTree.ExampleNames);

    private static string Arg(JsonElement call, string name) =>
        call.TryGetProperty(name, out var value) ? TerraformStructureTests.Expression(value) : "(not passed)";

    private static string ModuleOf(JsonElement call) => Path.GetFileName(call.GetProperty("source").GetString()!);

    [NodeTheory]
    [MemberData(nameof(Examples))]
    public void TfvarsExample_KeysMatchDeclaredVariables(string example)
    {
        var root = Tree.Example(example);

        var keys = root.Files["terraform.tfvars.example"].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(root.Variables.Keys.Order(StringComparer.Ordinal), keys);
    }

    [NodeTheory]
    [MemberData(nameof(Examples))]
    public void ModuleCalls_PassOnlyDeclaredInputsAndEveryRequiredOne(string example)
    {
        var calls = Tree.Example(example).ModuleCalls;
        Assert.NotEmpty(calls);

        foreach (var (name, call) in calls)
        {
            var source = call.GetProperty("source").GetString()!;
            Assert.StartsWith("../../modules/", source, StringComparison.Ordinal);
            var target = Tree.Module(ModuleOf(call));
            var passed = call.EnumerateObject().Select(p => p.Name).Where(n => n is not ("source" or "providers" or "depends_on")).ToHashSet(StringComparer.Ordinal);
            var required = target.Variables.Where(v => !v.Value.TryGetProperty("default", out _)).Select(v => v.Key);

            Assert.Empty(passed.Except(target.Variables.Keys));
            Assert.Empty(required.Except(passed));
            Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Terraform, "examples", example, source)), $"{example}: module {name} source {source} does not exist");
        }
    }

    [NodeTheory]
    [MemberData(nameof(Examples))]
    public void RoleNameAndExternalId_FlowFromCentralToMember(string example)
    {
        var calls = Tree.Example(example).ModuleCalls;
        var central = calls.Where(c => ModuleOf(c.Value) == "central-admin").ToList();
        var members = calls.Where(c => ModuleOf(c.Value) is "member-account" or "member-roles-stackset").ToList();
        Assert.NotEmpty(members);

        foreach (var (_, member) in members)
        {
            if (central.Count == 0)
            {
                // Applied separately: the same root variable names as the central examples, so one tfvars value serves both.
                Assert.Equal("${var.rotation_role_name}", Arg(member, "role_name"));
                Assert.Equal("${var.rotation_external_id}", Arg(member, "external_id"));
                Assert.Equal("${var.central_role_arn}", Arg(member, "central_role_arn"));
                Assert.Equal("${var.secret_location}", Arg(member, "secret_location"));
                Assert.Equal("${var.ssm_parameter_prefixes}", Arg(member, "ssm_parameter_prefixes"));
                continue;
            }

            var (centralName, centralCall) = Assert.Single(central);
            Assert.Equal("${var.rotation_role_name}", Arg(centralCall, "rotation_role_name"));
            Assert.Equal("${var.rotation_external_id}", Arg(centralCall, "rotation_external_id"));
            Assert.Equal($"${{module.{centralName}.rotation_role_name}}", Arg(member, "role_name"));
            // The effective ExternalId (given or derived), so both sides agree even when the tfvars leave it null.
            Assert.Equal($"${{module.{centralName}.external_id}}", Arg(member, "external_id"));
            Assert.Equal($"${{module.{centralName}.execution_role_arn}}", Arg(member, "central_role_arn"));
            Assert.Equal($"${{module.{centralName}.user_path}}", Arg(member, "user_path"));
            Assert.Equal($"${{module.{centralName}.secret_location}}", Arg(member, "secret_location"));
            Assert.Equal($"${{module.{centralName}.secret_name_prefix}}", Arg(member, "secret_name_prefix"));
            Assert.Equal($"${{module.{centralName}.secret_kms_key_id}}", Arg(member, "secret_kms_key_id"));
            // The role may write exactly the parameters of the configured ssm destinations (none without any).
            Assert.Equal($"${{module.{centralName}.ssm_parameter_prefixes}}", Arg(member, "ssm_parameter_prefixes"));
            Assert.True(member.TryGetProperty("providers", out _), $"{example}: the member module must get the member/management provider");
        }
    }

    [NodeFact]
    public void CentralOutputs_UsedByExamples_PassThroughTheSameInputs()
    {
        var outputs = Tree.Module("central-admin").Outputs;

        Assert.Equal("${var.rotation_role_name}", TerraformStructureTests.Expression(outputs["rotation_role_name"].GetProperty("value")));
        Assert.Equal("${var.discovery_user_path}", TerraformStructureTests.Expression(outputs["user_path"].GetProperty("value")));
        Assert.Equal("${module.settings.secret_name_prefix}", TerraformStructureTests.Expression(outputs["secret_name_prefix"].GetProperty("value")));
        Assert.Equal("${var.secret_location}", TerraformStructureTests.Expression(outputs["secret_location"].GetProperty("value")));
        Assert.Equal("${module.settings.external_id}", TerraformStructureTests.Expression(outputs["external_id"].GetProperty("value")));
        Assert.Equal("${aws_iam_role.lambda.arn}", TerraformStructureTests.Expression(outputs["execution_role_arn"].GetProperty("value")));
        Assert.Equal("${module.settings.ssm_parameter_prefixes}", TerraformStructureTests.Expression(outputs["ssm_parameter_prefixes"].GetProperty("value")));
    }

    /// <summary>
    /// Destinations: a Parameter Store destination for every user and a GitHub one for the CI user, the GitHub credential
    /// in a secret the example creates empty (its value never passes through Terraform).
    /// </summary>
    [NodeFact]
    public void Destinations_ParameterAndGitHubDestinationsWithTheCredentialSecret()
    {
        var example = Tree.Example("destinations");
        var central = example.ModuleCalls["central"];
        var destinations = Arg(central, "destinations");

        Assert.Contains("\"type\":\"ssm\"", destinations.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"type\":\"github\"", destinations.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("${aws_secretsmanager_secret.github.arn}", Arg(central, "github_credentials_secret_arn"));
        Assert.Equal("(not passed)", Arg(example.Resource("aws_secretsmanager_secret", "github"), "secret_string"));
        Assert.DoesNotContain("aws_secretsmanager_secret_version", File.ReadAllText(Path.Combine(RepositoryPaths.Terraform, "examples", "destinations", "main.tf")), StringComparison.Ordinal);
    }

    [NodeFact]
    public void OrganizationDiscovery_UsesTheSameOusAndOrganizationOnBothSides()
    {
        var calls = Tree.Example("organization-discovery").ModuleCalls;
        var central = calls["central"];
        var stackset = calls["member_roles"];

        Assert.Equal("true", Arg(central, "discover_organization"));
        Assert.Equal(Arg(central, "organization_id"), Arg(stackset, "organization_id"));
        Assert.Equal(Arg(central, "discovery_include_ous"), Arg(stackset, "organizational_unit_ids"));
        Assert.Equal("${var.user_path}", Arg(central, "discovery_user_path"));
    }

    [NodeFact]
    public void SingleAccountList_ExplicitAccountsWithoutDiscovery()
    {
        var central = Tree.Example("single-account-list").ModuleCalls["central"];

        Assert.Equal("${var.accounts_users_json}", Arg(central, "accounts_users_json"));
        Assert.Equal("${var.sns_alert_email}", Arg(central, "sns_alert_email"));
        Assert.Equal("(not passed)", Arg(central, "discover_organization"));
    }

    /// <summary>
    /// Central secrets: the central module keeps them (and creates their key), the member role gets no Secrets Manager
    /// permission, and the users to rotate join a group whose policy is the central module's reader policy.
    /// </summary>
    [NodeFact]
    public void CentralSecrets_CreatedKeyExplicitRotatorAndReadersGroup()
    {
        var example = Tree.Example("central-secrets");
        var central = example.ModuleCalls["central"];

        Assert.Equal("central", Arg(central, "secret_location"));
        Assert.Equal("(not passed)", Arg(central, "secret_kms_key_id"));
        Assert.Equal("${var.execution_role_path}", Arg(central, "execution_role_path"));
        Assert.Equal("${var.organization_id}", Arg(central, "organization_id"));
        Assert.Equal("${module.central.secret_location}", Arg(example.ModuleCalls["member"], "secret_location"));
        Assert.Equal("${module.central.secret_reader_policy}", Arg(example.Resource("aws_iam_group_policy", "secret_readers"), "policy"));
        Assert.Equal("[\"${aws_iam_group.secret_readers.name}\"]", Arg(example.Resource("aws_iam_user_group_membership", "secret_readers"), "groups"));
        Assert.Equal("${aws.member}", Arg(example.Resource("aws_iam_group", "secret_readers"), "provider"));
        Assert.Equal("${module.central.execution_role_arn}", TerraformStructureTests.Expression(example.Outputs["rotator_role_arn"].GetProperty("value")));
    }

    [NodeFact]
    public void OrganizationDiscovery_OffersTheDelegationPolicyInTheManagementAccount()
    {
        var policy = Tree.Example("organization-discovery").Resource("aws_organizations_resource_policy", "discovery");

        Assert.Equal("${var.delegate_discovery ? 1 : 0}", Arg(policy, "count"));
        Assert.Equal("${aws.management}", Arg(policy, "provider"));
        Assert.Equal("${module.central.organizations_delegation_policy}", Arg(policy, "content"));
    }
}
