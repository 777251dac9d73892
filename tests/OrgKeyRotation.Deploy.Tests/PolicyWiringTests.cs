using System.Text.RegularExpressions;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Every IAM document the modules deploy is an output of the provider-free modules (central-settings, member-policies),
/// so the checks that render those modules with terraform (IamDataTests, PolicySimulationTests) cover all of them.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class PolicyWiringTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    private static readonly string[] PolicyAttributes = ["policy", "assume_role_policy", "inline_policy", "content"];

    [NodeFact]
    public void PolicyAttributes_AreOutputsOfTheSettingsModules()
    {
        var checkedCount = 0;
        foreach (var root in TerraformTree.ModuleNames.Select(m => Tree.Module(m)).Concat(TerraformTree.ExampleNames.Select(e => Tree.Example(e))))
        {
            foreach (var (type, name, body) in root.Resources())
            {
                foreach (var attribute in PolicyAttributes.Where(a => body.TryGetProperty(a, out _)))
                {
                    var value = body.GetProperty(attribute).GetString()!;
                    Assert.True(SettingsOutput().IsMatch(value),
                        $"{root.Path}: {type}.{name}.{attribute} = {value} is not an output of central-settings or member-policies");
                    checkedCount++;
                }
            }
        }

        // Execution role and its policy, topic key, member role and its policy, the delegation policy.
        Assert.True(checkedCount >= 6, $"expected the roles' and the key's policies, checked {checkedCount}");
    }

    /// <summary>Each settings module renders exactly the templates it holds: a module is self-contained.</summary>
    [NodeTheory]
    [InlineData("central-settings")]
    [InlineData("member-policies")]
    public void EveryTemplate_IsRenderedByTheModuleThatHoldsIt(string module)
    {
        var rendering = Tree.Module(module).Files
            .SelectMany(f => TerraformTree.Strings(f.Value)).SelectMany(s => TemplateFile().Matches(s)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.GetFiles(RepositoryPaths.Policies(module), "*.json.tftpl").Select(f => Path.GetFileName(f)!).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(onDisk);
        Assert.Equal(onDisk.Order(StringComparer.Ordinal), rendering.Order(StringComparer.Ordinal));
    }

    /// <summary>No module reads a file outside its own directory: each works when copied or fetched alone.</summary>
    [NodeFact]
    public void Modules_ReadNoPathOutsideThemselves()
    {
        foreach (var module in TerraformTree.ModuleNames)
        {
            var escaping = Tree.Module(module).Files.SelectMany(f => TerraformTree.Strings(f.Value))
                .Where(s => s.Contains("path.module", StringComparison.Ordinal) && s.Contains("..", StringComparison.Ordinal))
                .ToList();
            Assert.True(escaping.Count == 0, $"{module} reads outside itself: {string.Join("; ", escaping)}");
        }
    }

    [NodeFact]
    public void ProviderModules_RenderNoPolicyThemselves()
    {
        foreach (var module in new[] { "central-admin", "member-account", "member-roles-stackset" })
        {
            Assert.All(Tree.Module(module).Files.SelectMany(f => TerraformTree.Strings(f.Value)), s =>
                Assert.False(s.Contains("templatefile(", StringComparison.Ordinal), $"{module} renders a template itself: {s[..Math.Min(100, s.Length)]}"));
        }
    }

    [NodeFact]
    public void Terraform_HasNoInlinePolicyDocuments()
    {
        foreach (var (file, body) in Tree.Files)
        {
            Assert.False(body.TryGetProperty("data", out var data) && data.TryGetProperty("aws_iam_policy_document", out _),
                $"{file}: use a template in the module's policies/ directory instead of aws_iam_policy_document");
            Assert.All(TerraformTree.Strings(body), s => Assert.False(
                s.Contains("jsonencode(", StringComparison.Ordinal) && (s.Contains("Effect", StringComparison.Ordinal) || s.Contains("\"Action", StringComparison.Ordinal)),
                $"{file}: an inline jsonencode() policy escapes the policy checks: {s[..Math.Min(120, s.Length)]}"));
        }
    }

    [NodeFact]
    public void MemberAccount_CreatesNothingButTheRoleAndItsPolicy()
    {
        var resources = Tree.Module("member-account").Resources().Select(r => r.Type).Order(StringComparer.Ordinal);

        Assert.Equal(["aws_iam_role", "aws_iam_role_policy"], resources);
    }

    [NodeFact]
    public void StackSet_IsServiceManagedWithAutoDeploymentToOus()
    {
        var module = Tree.Module("member-roles-stackset");
        var set = module.Resource("aws_cloudformation_stack_set", "member_roles");
        var instance = module.Resource("aws_cloudformation_stack_set_instance", "member_roles");

        Assert.Equal("SERVICE_MANAGED", set.GetProperty("permission_model").GetString());
        Assert.Equal("[\"CAPABILITY_NAMED_IAM\"]", set.GetProperty("capabilities").GetRawText());
        var auto = set.GetProperty("auto_deployment")[0];
        Assert.True(auto.GetProperty("enabled").GetBoolean());
        Assert.False(auto.GetProperty("retain_stacks_on_account_removal").GetBoolean());
        Assert.Equal("${var.organizational_unit_ids}", instance.GetProperty("deployment_targets")[0].GetProperty("organizational_unit_ids").GetString());
        // Neither `region` (deprecated in provider 6) nor `stack_set_instance_region` (absent in 5): the provider's region.
        Assert.False(instance.TryGetProperty("region", out _));
        Assert.False(instance.TryGetProperty("stack_set_instance_region", out _));
        Assert.Equal("${local.template_body}", set.GetProperty("template_body").GetString());
    }

    [NodeFact]
    public void StackSet_LeavesAccountAndPartitionToCloudFormation()
    {
        var call = Tree.Module("member-roles-stackset").ModuleCalls["policies"];

        Assert.Equal("$${AWS::AccountId}", call.GetProperty("account_id").GetString());
        Assert.Equal("$${AWS::Partition}", call.GetProperty("partition").GetString());
        Assert.Contains("\"Fn::Sub\" = s.Resource", Tree.Module("member-roles-stackset").Locals["template_body"].GetString()!, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\$\{module\.(settings|policies|central)\.[a-z_]+\}$")]
    private static partial Regex SettingsOutput();

    [GeneratedRegex(@"policies_dir\}/([\w.-]+\.json\.tftpl)")]
    private static partial Regex TemplateFile();
}
