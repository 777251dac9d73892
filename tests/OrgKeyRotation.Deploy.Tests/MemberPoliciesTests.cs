using System.Text.Json;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The member role's trust and permissions as member-account computes them, evaluated by terraform.</summary>
[Trait("Category", "Unit")]
public sealed class MemberPoliciesTests
{
    private static JsonElement Member(string scenario) => DeployScenarios.Evaluated.Member[scenario];

    private static JsonElement Document(string scenario, string output)
    {
        using var doc = JsonDocument.Parse(Member(scenario).GetProperty(output).GetString()!);
        return doc.RootElement.Clone();
    }

    private static JsonElement SoleTrustStatement(string scenario) => Assert.Single(Document(scenario, "trust_policy").GetProperty("Statement").EnumerateArray());

    [TerraformFact]
    public void SeedInputsOnly_TrustExactlyTheRotatorsDefaultRoleWithExternalIdAndOrganization()
    {
        var statement = SoleTrustStatement("seed");
        var central = DeployScenarios.Evaluated.Central["seed"];

        // The same ARN and ExternalId central-admin produces with its defaults: the two sides agree without extra inputs.
        Assert.Equal(central.GetProperty("execution_role_arn").GetString(), statement.GetProperty("Principal").GetProperty("AWS").GetString());
        var conditions = statement.GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal(central.GetProperty("external_id").GetString(), conditions.GetProperty("sts:ExternalId").GetString());
        Assert.Equal(DeployScenarios.OrganizationId, conditions.GetProperty("aws:PrincipalOrgID").GetString());
        Assert.Equal(["aws:PrincipalOrgID", "sts:ExternalId"], conditions.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [TerraformFact]
    public void Trust_NeverNamesAWholeAccount()
    {
        Assert.All(DeployScenarios.MemberScenarios, s =>
            Assert.Matches("^arn:aws:iam::[0-9]{12}:role/.+$", SoleTrustStatement(s.Name).GetProperty("Principal").GetProperty("AWS").GetString()!));
    }

    [TerraformFact]
    public void ExplicitInputs_AreUsedAsGiven()
    {
        var statement = SoleTrustStatement("explicit");

        Assert.Equal("arn:aws:iam::111111111111:role/custom-rotator-lambda", statement.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal("org-key-rotation-7f3c9a", statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("sts:ExternalId").GetString());
    }

    [TerraformFact]
    public void ConditionsTurnedOff_TrustHasNoCondition()
    {
        Assert.False(SoleTrustStatement("conditions_off").TryGetProperty("Condition", out _));
    }

    [TerraformFact]
    public void CentralSecrets_RoleGetsNoSecretsManagerOrKmsPermission()
    {
        var actions = Document("central_secrets", "permissions_policy").GetProperty("Statement").EnumerateArray()
            .SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)).ToList();

        Assert.DoesNotContain(actions, a => a.StartsWith("secretsmanager:", StringComparison.Ordinal) || a.StartsWith("kms:", StringComparison.Ordinal));
        Assert.Contains("iam:CreateAccessKey", actions);
    }
}
