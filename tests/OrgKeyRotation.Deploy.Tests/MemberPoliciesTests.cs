using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    public void MinimalInputsOnly_TrustExactlyTheRotatorsDefaultRoleWithExternalIdAndOrganization()
    {
        var statement = SoleTrustStatement("minimal");
        var central = DeployScenarios.Evaluated.Central["minimal"];

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

    /// <summary>
    /// The key central-admin sends as alias/NAME: each member account resolves it, so the role may use that account's
    /// keys the alias names (kms:ResourceAliases), and only through Secrets Manager (kms:ViaService), never directly.
    /// </summary>
    [TerraformFact]
    public void SecretKeyAlias_GrantsTheAccountsKeysItNamesThroughSecretsManagerOnly()
    {
        var statement = Assert.Single(Document("alias_key", "permissions_policy").GetProperty("Statement").EnumerateArray(),
            s => s.GetProperty("Action").EnumerateArray().Any(a => a.GetString()!.StartsWith("kms:", StringComparison.Ordinal)));

        Assert.Equal("arn:aws:kms:*:222222222222:key/*", statement.GetProperty("Resource").GetString());
        Assert.Equal("alias/org-key-rotation", statement.GetProperty("Condition").GetProperty("ForAnyValue:StringEquals").GetProperty("kms:ResourceAliases").GetString());
        Assert.Equal("secretsmanager.*.amazonaws.com", statement.GetProperty("Condition").GetProperty("StringLike").GetProperty("kms:ViaService").GetString());
        var byArn = Assert.Single(Document("path_and_key", "permissions_policy").GetProperty("Statement").EnumerateArray(),
            s => s.GetProperty("Action").EnumerateArray().Any(a => a.GetString()!.StartsWith("kms:", StringComparison.Ordinal)));
        Assert.Equal("arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000002", byArn.GetProperty("Resource").GetString());
        Assert.False(byArn.GetProperty("Condition").TryGetProperty("ForAnyValue:StringEquals", out _));
    }

    /// <summary>
    /// Parameter Store destinations: the role may put parameters and their tags under the given prefixes only (the ARN
    /// drops the name's leading '/'), and encrypt with the given key only through Parameter Store; never read them.
    /// </summary>
    [TerraformFact]
    public void ParameterPrefixes_GrantWritesUnderThemAndTheKeyThroughParameterStoreOnly()
    {
        var statements = Document("ssm_destinations", "permissions_policy").GetProperty("Statement").EnumerateArray().ToList();

        var write = Assert.Single(statements, s => s.GetProperty("Sid").GetString() == "WriteKeysToPrefixedParameters");
        Assert.Equal(["ssm:PutParameter", "ssm:AddTagsToResource"], write.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["arn:aws:ssm:*:222222222222:parameter/orgkeyrotation-ci/alice*", "arn:aws:ssm:*:222222222222:parameter/orgkeyrotation/*"], write.GetProperty("Resource").EnumerateArray().Select(a => a.GetString()));
        var encrypt = Assert.Single(statements, s => s.GetProperty("Sid").GetString() == "EncryptParametersWithTheGivenKeysThroughParameterStore");
        Assert.Equal([DeployScenarios.ParameterKeyArn], encrypt.GetProperty("Resource").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("ssm.*.amazonaws.com", encrypt.GetProperty("Condition").GetProperty("StringLike").GetProperty("kms:ViaService").GetString());
        Assert.DoesNotContain(statements.SelectMany(s => s.GetProperty("Action").EnumerateArray()), a => a.GetString() is "ssm:GetParameter" or "kms:Decrypt");
    }

    [TerraformFact]
    public void NoParameterPrefixes_NoParameterStorePermission() =>
        Assert.All(DeployScenarios.MemberScenarios.Where(s => !s.Inputs.Contains("ssm_parameter_prefixes", StringComparison.Ordinal)), s =>
            Assert.DoesNotContain("ssm:", Member(s.Name).GetProperty("permissions_policy").GetString()!, StringComparison.Ordinal));

    private const string BulkReadAction = "iam:GetAccountAuthorizationDetails";

    /// <summary>
    /// The permissions template rendered by terraform's templatefile() for every combination of its conditionals
    /// (member secrets, a KMS key, Parameter Store destinations with or without a key, the bulk read): each is valid
    /// JSON, the Parameter Store grants appear only with prefixes, the bulk read is one statement on "*", and
    /// bulk_user_read = false removes that statement and changes nothing else.
    /// </summary>
    [TerraformFact]
    public void PermissionsTemplate_BulkUserReadOff_DiffersOnlyByTheBulkReadStatement()
    {
        var combinations = (from secrets in new[] { true, false } from key in new[] { true, false } from ssm in new[] { 0, 1, 2 } select (Secrets: secrets, Key: key, Ssm: ssm)).ToList();
        using var root = new TerraformRoot("member-permissions-template");
        var main = new StringBuilder($$"""
            locals {
              template = "{{Path.Combine(RepositoryPaths.Policies("member-policies"), "member-role-permissions.json.tftpl").Replace('\\', '/')}}"
              inputs = {
                partition          = "aws"
                account_id         = "222222222222"
                user_path          = "/automation/"
                secret_name_prefix = "team-a/keys/"
                secret_kms_key_resource = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000002"
                secret_kms_key_alias    = ""
              }
              # Parameter Store destinations: none, prefixes, prefixes and a key.
              ssm = [
                { ssm_parameter_arns = [], ssm_kms_key_arns = [] },
                { ssm_parameter_arns = ["arn:aws:ssm:*:222222222222:parameter/keys/*"], ssm_kms_key_arns = [] },
                { ssm_parameter_arns = ["arn:aws:ssm:*:222222222222:parameter/keys/*", "arn:aws:ssm:*:222222222222:parameter/ci/*"], ssm_kms_key_arns = ["arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-0000000000b7"] },
              ]
            }

            """);
        foreach (var (secrets, key, ssm) in combinations)
        {
            foreach (var bulk in new[] { true, false })
            {
                main.Append(CultureInfo.InvariantCulture, $$"""
                    output "{{Name(secrets, key, ssm, bulk)}}" {
                      value = templatefile(local.template, merge(local.inputs, local.ssm[{{ssm}}], { member_secrets = {{Hcl(secrets)}}, has_secret_kms_key = {{Hcl(key)}}, bulk_user_read = {{Hcl(bulk)}} }))
                    }

                    """);
            }
        }

        root.Write("main.tf", main.ToString());
        root.Init();
        var outputs = root.ApplyOutputs();

        foreach (var (secrets, key, ssm) in combinations)
        {
            var on = JsonNode.Parse(outputs[Name(secrets, key, ssm, true)].GetString()!)!;
            var off = JsonNode.Parse(outputs[Name(secrets, key, ssm, false)].GetString()!)!;
            AssertOffIsOnWithoutTheBulkRead(on, off, $"member_secrets = {Hcl(secrets)}, has_secret_kms_key = {Hcl(key)}, ssm = {ssm}");
            var parameterActions = on["Statement"]!.AsArray().SelectMany(st => st!["Action"]!.AsArray().Select(a => a!.GetValue<string>()))
                .Where(a => a.StartsWith("ssm:", StringComparison.Ordinal) || a == "kms:Encrypt").Order(StringComparer.Ordinal);
            Assert.Equal(ssm switch { 0 => [], 1 => ["ssm:AddTagsToResource", "ssm:PutParameter"], _ => ["kms:Encrypt", "ssm:AddTagsToResource", "ssm:PutParameter"] }, parameterActions);
        }

        static string Name(bool secrets, bool key, int ssm, bool bulk) => $"secrets_{Hcl(secrets)}_key_{Hcl(key)}_ssm_{ssm}_bulk_{Hcl(bulk)}";
        static string Hcl(bool value) => value ? "true" : "false";
    }

    /// <summary>
    /// Through member-account's inputs (defaults applied) and member-policies, every member scenario grants the bulk read
    /// by default, and with bulk_user_read = false the same trust and the same permissions but for that statement.
    /// </summary>
    [TerraformFact]
    public void MemberScenarios_BulkUserReadOff_ChangeNothingButTheBulkReadStatement()
    {
        var pairs = DeployScenarios.MemberScenarios.Where(s => !s.Name.EndsWith(DeployScenarios.NoBulkRead, StringComparison.Ordinal)).ToList();
        Assert.Equal(DeployScenarios.MemberScenarios.Count, 2 * pairs.Count);

        foreach (var scenario in pairs)
        {
            var on = Member(scenario.Name);
            var off = Member(scenario.Name + DeployScenarios.NoBulkRead);
            foreach (var output in on.EnumerateObject().Where(o => o.Name != "permissions_policy"))
            {
                Assert.Equal(output.Value.GetRawText(), off.GetProperty(output.Name).GetRawText());
            }

            AssertOffIsOnWithoutTheBulkRead(
                JsonNode.Parse(on.GetProperty("permissions_policy").GetString()!)!,
                JsonNode.Parse(off.GetProperty("permissions_policy").GetString()!)!,
                scenario.Name);
        }
    }

    private static void AssertOffIsOnWithoutTheBulkRead(JsonNode on, JsonNode off, string what)
    {
        static bool IsBulkRead(JsonNode? statement) => statement!["Action"]!.AsArray().Any(a => a!.GetValue<string>() == BulkReadAction);

        var bulk = Assert.Single(on["Statement"]!.AsArray(), IsBulkRead)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"Sid":"ReadUsersAndTagsInBulk","Effect":"Allow","Action":["{{BulkReadAction}}"],"Resource":"*"}"""), bulk),
            $"{what}: the bulk read statement is {bulk.ToJsonString()}");
        Assert.DoesNotContain(off["Statement"]!.AsArray(), IsBulkRead);

        var expected = on.DeepClone();
        var statements = expected["Statement"]!.AsArray();
        statements.Remove(statements.Single(IsBulkRead));
        Assert.True(JsonNode.DeepEquals(expected, off),
            $"{what}: bulk_user_read = false changes more than the bulk read statement:\n{expected.ToJsonString()}\n{off.ToJsonString()}");
    }
}
