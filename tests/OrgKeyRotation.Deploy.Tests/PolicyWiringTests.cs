using System.Text.RegularExpressions;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Every IAM document in the Terraform comes from deploy/terraform/policies through templatefile(), with exactly the
/// variables the template reads, so the rendered-template checks cover everything that is deployed.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class PolicyWiringTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    private static readonly string[] PolicyAttributes = ["policy", "assume_role_policy", "inline_policy"];

    private sealed record TemplateCall(string File, string Template, IReadOnlySet<string> Keys);

    private static List<TemplateCall> TemplateCalls()
    {
        var calls = new List<TemplateCall>();
        foreach (var (file, body) in Tree.Files)
        {
            foreach (var text in TerraformTree.Strings(body))
            {
                foreach (Match m in TemplateFileStart().Matches(text))
                {
                    var open = text.IndexOf('{', m.Index + m.Length);
                    var close = MatchingBrace(text, open);
                    var keys = ObjectKey().Matches(text[(open + 1)..close]).Select(k => k.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
                    calls.Add(new TemplateCall(file, m.Groups[1].Value, keys));
                }
            }
        }

        return calls;
    }

    [Fact]
    public void TemplateFileCalls_PassExactlyTheVariablesEachTemplateReads()
    {
        var calls = TemplateCalls();

        Assert.True(calls.Count >= 7, $"expected the modules' templatefile() calls, found {calls.Count}");
        Assert.All(calls, call =>
        {
            var expected = TemplateRenderer.ReferencedVariables(PolicyTemplates.Source(call.Template));
            Assert.True(expected.SetEquals(call.Keys),
                $"{call.File}: templatefile({call.Template}) passes [{string.Join(", ", call.Keys.Order(StringComparer.Ordinal))}] but the template reads [{string.Join(", ", expected)}]");
        });
    }

    [Fact]
    public void EveryTemplate_IsUsedByTheTerraform()
    {
        var used = TemplateCalls().Select(c => c.Template).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.GetFiles(RepositoryPaths.Policies, "*.json.tftpl").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(onDisk.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.Equal(onDisk.Order(StringComparer.Ordinal), PolicyTemplates.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MemberRoleModules_RenderTheSameTemplates()
    {
        var calls = TemplateCalls();

        foreach (var module in new[] { "member-account", "member-roles-stackset" })
        {
            var templates = calls.Where(c => c.File.StartsWith($"modules/{module}/", StringComparison.Ordinal)).Select(c => c.Template).Order(StringComparer.Ordinal);
            Assert.Equal([PolicyTemplates.MemberPermissions, PolicyTemplates.MemberTrust], templates);
        }
    }

    [Fact]
    public void PolicyAttributes_AreAllTemplateFileCalls()
    {
        var checkedCount = 0;
        foreach (var root in TerraformTree.ModuleNames.Select(m => Tree.Module(m)).Concat(TerraformTree.ExampleNames.Select(e => Tree.Example(e))))
        {
            foreach (var (type, name, body) in root.Resources())
            {
                foreach (var attribute in PolicyAttributes.Where(a => body.TryGetProperty(a, out _)))
                {
                    var value = body.GetProperty(attribute).GetString()!;
                    Assert.True(WholeTemplateFileCall().IsMatch(value),
                        $"{root.Path}: {type}.{name}.{attribute} is not a templatefile() of deploy/terraform/policies");
                    checkedCount++;
                }
            }
        }

        Assert.True(checkedCount >= 5, $"expected the roles' and the key's policies, checked {checkedCount}");
    }

    [Fact]
    public void Terraform_HasNoInlinePolicyDocuments()
    {
        foreach (var (file, body) in Tree.Files)
        {
            Assert.False(body.TryGetProperty("data", out var data) && data.TryGetProperty("aws_iam_policy_document", out _),
                $"{file}: use a template in deploy/terraform/policies instead of aws_iam_policy_document");
            Assert.All(TerraformTree.Strings(body), s => Assert.False(
                s.Contains("jsonencode(", StringComparison.Ordinal) && (s.Contains("Effect", StringComparison.Ordinal) || s.Contains("Action", StringComparison.Ordinal)),
                $"{file}: an inline jsonencode() policy escapes the template checks: {s[..Math.Min(120, s.Length)]}"));
        }
    }

    [Fact]
    public void MemberAccount_CreatesNothingButTheRoleAndItsPolicy()
    {
        var resources = Tree.Module("member-account").Resources().Select(r => r.Type).Order(StringComparer.Ordinal);

        Assert.Equal(["aws_iam_role", "aws_iam_role_policy"], resources);
    }

    [Fact]
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
        Assert.Equal(System.Text.Json.JsonValueKind.String, instance.GetProperty("region").ValueKind);
        Assert.Equal("${local.template_body}", set.GetProperty("template_body").GetString());
    }

    [Fact]
    public void StackSet_LeavesAccountAndPartitionToCloudFormation()
    {
        var permissions = Tree.Module("member-roles-stackset").Locals["permissions_policy"].GetString()!;

        Assert.Contains("account_id         = \"$${AWS::AccountId}\"", permissions, StringComparison.Ordinal);
        Assert.Contains("partition          = \"$${AWS::Partition}\"", permissions, StringComparison.Ordinal);
        Assert.Contains("\"Fn::Sub\" = s.Resource", Tree.Module("member-roles-stackset").Locals["template_body"].GetString()!, StringComparison.Ordinal);
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"Unbalanced braces in: {text}");
    }

    [GeneratedRegex("""templatefile\("\$\{local\.policies_dir\}/([\w.-]+\.json\.tftpl)",\s*""")]
    private static partial Regex TemplateFileStart();

    [GeneratedRegex("""^\$\{templatefile\("\$\{local\.policies_dir\}/[\w.-]+\.json\.tftpl",\s*\{[\s\S]*\}\)\}$""")]
    private static partial Regex WholeTemplateFileCall();

    [GeneratedRegex(@"^\s*([a-z_][a-z0-9_]*)\s*=(?!=)", RegexOptions.Multiline)]
    private static partial Regex ObjectKey();
}
