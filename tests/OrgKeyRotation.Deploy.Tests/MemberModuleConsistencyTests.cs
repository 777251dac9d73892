using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The two ways of creating the member role take the same inputs the same way, with the central side's defaults.</summary>
[Trait("Category", "Unit")]
public sealed class MemberModuleConsistencyTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    private const string SharedFile = "variables-role.tf";

    /// <summary>
    /// The inputs both member modules take are declared once, in member-policies; each member module holds a
    /// byte-for-byte copy of that file, so the two can never differ in a type, default, description or validation.
    /// </summary>
    [NodeTheory]
    [InlineData("member-account")]
    [InlineData("member-roles-stackset")]
    public void SharedInputs_AreACopyOfTheOneSourceInMemberPolicies(string module)
    {
        var source = Path.Combine(RepositoryPaths.Terraform, "modules", "member-policies", SharedFile);
        var copy = Path.Combine(RepositoryPaths.Terraform, "modules", module, SharedFile);

        Assert.True(File.Exists(copy), $"modules/{module}/{SharedFile} is missing");
        Assert.True(File.ReadAllText(source) == File.ReadAllText(copy),
            $"modules/{module}/{SharedFile} differs from its source; after editing modules/member-policies/{SharedFile}, copy it:\n  cp deploy/terraform/modules/member-policies/{SharedFile} deploy/terraform/modules/{module}/");
    }

    /// <summary>No shared input is declared a second time outside the shared file.</summary>
    [NodeFact]
    public void SharedInputs_AreDeclaredNowhereElse()
    {
        var shared = Tree.Module("member-policies").Files[SharedFile].GetProperty("variable").EnumerateObject().Select(v => v.Name).ToList();

        Assert.Contains("bulk_user_read", shared);
        Assert.Contains("role_name", shared);
        foreach (var module in new[] { "member-account", "member-roles-stackset", "member-policies" })
        {
            var elsewhere = Tree.Module(module).Files.Where(f => f.Key != SharedFile && f.Value.TryGetProperty("variable", out _))
                .SelectMany(f => f.Value.GetProperty("variable").EnumerateObject().Select(v => v.Name));
            Assert.Empty(elsewhere.Intersect(shared));
        }
    }

    [NodeTheory]
    [InlineData("member-account")]
    [InlineData("member-roles-stackset")]
    public void PoliciesModule_GetsEverySharedInputUnchanged(string module)
    {
        var call = Tree.Module(module).ModuleCalls["policies"];
        var shared = DeployScenarios.VariablesOf("member-policies").Intersect(DeployScenarios.VariablesOf(module)).ToList();

        // The scenario tests feed member-policies exactly this way, so they test what both modules deploy.
        Assert.Contains("bulk_user_read", shared);
        Assert.All(shared, v => Assert.Equal($"${{var.{v}}}", call.TryGetProperty(v, out var value) ? TerraformStructureTests.Expression(value) : "(not passed)"));
    }

    [NodeTheory]
    [InlineData("rotation_role_name", "role_name")]
    [InlineData("discovery_user_path", "user_path")]
    [InlineData("rotation_external_id", "external_id")]
    [InlineData("organization_id", "organization_id")]
    [InlineData("secret_location", "secret_location")]
    public void CentralInput_HasTheSameDefaultAndPatternAsTheMemberInput(string central, string member)
    {
        var c = Tree.Module("central-admin").Variables[central];
        var m = Tree.Module("member-account").Variables[member];

        Assert.Equal(c.GetProperty("default").GetRawText(), m.GetProperty("default").GetRawText());
        var centralCondition = c.GetProperty("validation")[0].GetProperty("condition").GetString()!.Replace($"var.{central}", "X", StringComparison.Ordinal);
        var memberCondition = m.GetProperty("validation")[0].GetProperty("condition").GetString()!.Replace($"var.{member}", "X", StringComparison.Ordinal);
        Assert.Equal(centralCondition, memberCondition);
    }

    [NodeFact]
    public void SecretNameTemplateDefault_StartsWithTheMemberSecretPrefixDefault()
    {
        var template = Tree.Module("central-admin").Variables["secret_name_template"].GetProperty("default").GetString()!;
        var prefix = Tree.Module("member-account").Variables["secret_name_prefix"].GetProperty("default").GetString()!;

        Assert.Equal(prefix, template.Split('{')[0]);
    }
}
