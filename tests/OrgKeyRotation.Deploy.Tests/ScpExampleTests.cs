using System.Text.Json.Nodes;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Deploy.Tests.Tools;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>
/// The example SCP of docs/security.md (docs/examples/scp-protect-rotation-secrets.json), evaluated as AWS evaluates
/// SCPs by @cloud-copilot/iam-simulate: it stops every principal but the member rotation role from writing a secret of
/// the product's default name or setting its tags, and leaves the rotator and unrelated secrets alone.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ScpExampleTests
{
    private const string Account = "222222222222";
    private const string SecretsManagerEverything = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}""";

    [NodeFact]
    public void ExampleScp_OnlyTheRotatorRoleWritesRotationSecretsOrTheirTags()
    {
        var scp = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "examples", "scp-protect-rotation-secrets.json")))!;
        // The product's default secret name, so the example follows the code if the default changes.
        var secret = $"arn:aws:secretsmanager:eu-west-1:{Account}:secret:{new SecretsConfig().NameFor(Account, "alice")}-AbCdEf";
        var unrelated = $"arn:aws:secretsmanager:eu-west-1:{Account}:secret:app/db-AbCdEf";
        var rows = new (string Name, string Role, string Action, string Resource, JsonObject? Context, string Expected)[]
        {
            ("another principal writes a rotation secret", "Developer", "secretsmanager:PutSecretValue", secret, null, "ExplicitlyDenied"),
            ("the rotator writes a rotation secret", "IAMKeyRotationRole", "secretsmanager:PutSecretValue", secret, null, "Allowed"),
            ("another principal labels some other secret", "Developer", "secretsmanager:TagResource", unrelated, new() { ["aws:TagKeys"] = new JsonArray("orgkeyrotation:managed") }, "ExplicitlyDenied"),
            ("another principal writes an unrelated secret", "Developer", "secretsmanager:PutSecretValue", unrelated, null, "Allowed"),
        };

        var input = new JsonArray(rows.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["simulation"] = Simulation(r.Role, r.Action, r.Resource, r.Context, scp) }).ToArray());
        var decisions = NodeTools.Run("simulate.js", input).EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("decision").GetString()!);

        Assert.All(rows, r => Assert.True(decisions[r.Name] == r.Expected, $"{r.Name}: expected {r.Expected}, AWS's rules give {decisions[r.Name]}"));
    }

    /// <summary>A role session of the member account with secretsmanager:* (so only the SCP can deny), under FullAWSAccess and the example.</summary>
    private static JsonObject Simulation(string role, string action, string resource, JsonObject? context, JsonNode scp)
    {
        var variables = new JsonObject { ["aws:PrincipalArn"] = $"arn:aws:iam::{Account}:role/{role}", ["aws:PrincipalAccount"] = Account };
        foreach (var (key, value) in context ?? [])
        {
            variables[key] = value!.DeepClone();
        }

        const string fullAwsAccess = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
        return new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["principal"] = $"arn:aws:sts::{Account}:assumed-role/{role}/session",
                ["action"] = action,
                ["resource"] = new JsonObject { ["resource"] = resource, ["accountId"] = Account },
                ["contextVariables"] = variables,
            },
            ["identityPolicies"] = new JsonArray(new JsonObject { ["name"] = "secretsmanager", ["policy"] = JsonNode.Parse(SecretsManagerEverything) }),
            ["serviceControlPolicies"] = new JsonArray(new JsonObject
            {
                ["orgIdentifier"] = "r-abcd",
                ["policies"] = new JsonArray(
                    new JsonObject { ["name"] = "FullAWSAccess", ["policy"] = JsonNode.Parse(fullAwsAccess) },
                    new JsonObject { ["name"] = "protect-rotation-secrets", ["policy"] = scp.DeepClone() }),
            }),
            ["resourceControlPolicies"] = new JsonArray(),
        };
    }
}
