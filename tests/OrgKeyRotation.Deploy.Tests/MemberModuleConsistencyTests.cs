using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The two ways of creating the member role take the same inputs the same way, with the central side's defaults.</summary>
[Trait("Category", "Unit")]
public sealed class MemberModuleConsistencyTests
{
    private static TerraformTree Tree => TerraformTree.Loaded;

    public static TheoryData<string> SharedInputs() =>
        new("role_name", "external_id", "require_external_id", "organization_id", "require_organization", "user_path", "secret_location", "secret_name_prefix", "secret_kms_key_arn", "bulk_user_read", "central_role_arn");

    [NodeTheory]
    [MemberData(nameof(SharedInputs))]
    public void SharedInput_HasTheSameTypeDefaultAndValidationInBothModules(string name)
    {
        var single = Tree.Module("member-account").Variables[name];
        var stackset = Tree.Module("member-roles-stackset").Variables[name];

        Assert.Equal(single.GetProperty("type").GetString(), stackset.GetProperty("type").GetString());
        // A single account may trust the whole central account; the StackSet always names the rotator's role.
        if (name != "central_role_arn")
        {
            Assert.Equal(Default(single), Default(stackset));
        }

        Assert.Equal(Pattern(single, name), Pattern(stackset, name));
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

    private static string Pattern(System.Text.Json.JsonElement variable, string name) =>
        variable.TryGetProperty("validation", out var validation)
            ? validation[0].GetProperty("condition").GetString()!.Replace($"var.{name} == null || ", "", StringComparison.Ordinal)
            : "(none)";

    private static string Default(System.Text.Json.JsonElement variable) =>
        variable.TryGetProperty("default", out var value) ? value.GetRawText() : "(required)";

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
