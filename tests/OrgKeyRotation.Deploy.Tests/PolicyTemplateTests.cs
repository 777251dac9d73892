using System.Text.Json;

namespace OrgKeyRotation.Deploy.Tests;

/// <summary>The policy templates render to IAM-valid JSON with exactly the intended, narrowly scoped permissions.</summary>
[Trait("Category", "Unit")]
public sealed class PolicyTemplateTests
{
    private const string Account = "222222222222";
    private const string CentralRole = "arn:aws:iam::111111111111:role/org-key-rotation-lambda";
    private const string KeyArn = "arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-0000000000aa";

    private static readonly string[] MemberIamActions =
    [
        "iam:ListUsers", "iam:GetGroup", "iam:GetUser", "iam:ListAccessKeys",
        "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:GetAccessKeyLastUsed",
    ];

    private static readonly string[] MemberSecretsActions =
    [
        "secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:PutResourcePolicy",
        "secretsmanager:GetResourcePolicy", "secretsmanager:TagResource", "secretsmanager:ListSecretVersionIds",
        "secretsmanager:ListSecrets",
    ];

    public static TheoryData<bool, bool, bool, bool> CentralCombinations()
    {
        var data = new TheoryData<bool, bool, bool, bool>();
        foreach (var discover in new[] { false, true })
        {
            foreach (var fanout in new[] { false, true })
            {
                foreach (var central in new[] { false, true })
                {
                    foreach (var twoKeys in new[] { false, true })
                    {
                        data.Add(discover, fanout, central, twoKeys);
                    }
                }
            }
        }

        return data;
    }

    [Fact]
    public void RenderMemberPermissions_DefaultInputs_GrantsExactlyTheRotationActions()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account), IamPolicy.Kind.Identity);

        var actions = statements.SelectMany(s => s.Actions).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(MemberIamActions.Concat(MemberSecretsActions).Order(StringComparer.Ordinal).ToArray(), actions);
        Assert.All(statements, s => Assert.Equal("Allow", s.Effect));
    }

    [Fact]
    public void RenderMemberPermissions_UserPath_ScopesKeyActionsToPathInThisAccount()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account, userPath: "/automation/"), IamPolicy.Kind.Identity);

        var keyActions = statements.Where(s => s.Actions.Contains("iam:CreateAccessKey")).ToList();
        var single = Assert.Single(keyActions);
        Assert.Equal(["arn:aws:iam::222222222222:user/automation/*"], single.Resources);
        Assert.DoesNotContain("iam:ListUsers", single.Actions);
        var listUsers = Assert.Single(statements, s => s.Actions.Contains("iam:ListUsers"));
        Assert.Equal(["arn:aws:iam::222222222222:user/*"], listUsers.Resources);
        var groupRead = Assert.Single(statements, s => s.Actions.Contains("iam:GetGroup"));
        Assert.Equal(["iam:GetGroup"], groupRead.Actions);
        Assert.Equal(["arn:aws:iam::222222222222:group/*"], groupRead.Resources);
        Assert.All(statements.Where(s => s != groupRead && s.Actions.Any(a => a.StartsWith("iam:", StringComparison.Ordinal))).SelectMany(s => s.Resources),
            r => Assert.StartsWith("arn:aws:iam::222222222222:user/", r, StringComparison.Ordinal));
    }

    [Fact]
    public void RenderMemberPermissions_SecretPrefix_ScopesSecretWritesToPrefixInThisAccount()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account, secretNamePrefix: "team-a/keys/"), IamPolicy.Kind.Identity);

        var writes = Assert.Single(statements, s => s.Actions.Contains("secretsmanager:PutSecretValue"));
        Assert.Equal(["arn:aws:secretsmanager:*:222222222222:secret:team-a/keys/*"], writes.Resources);
        var onAnything = statements.Where(s => s.Resources.Contains("*")).SelectMany(s => s.Actions).ToArray();
        Assert.Equal(["secretsmanager:ListSecrets"], onAnything);
    }

    [Fact]
    public void RenderMemberPermissions_KmsKey_AddsKmsOnlyOnThatKey()
    {
        var without = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account), IamPolicy.Kind.Identity);
        var with = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account, secretKmsKeyArn: KeyArn), IamPolicy.Kind.Identity);

        Assert.DoesNotContain(without.SelectMany(s => s.Actions), a => a.StartsWith("kms:", StringComparison.Ordinal));
        var kms = Assert.Single(with, s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));
        Assert.Equal([KeyArn], kms.Resources);
        Assert.Equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], kms.Actions.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void RenderMemberPermissions_NoUserPolicyOrRoleManagement()
    {
        var actions = IamPolicy.Parse(PolicyTemplates.RenderMemberPermissions(Account, secretKmsKeyArn: KeyArn), IamPolicy.Kind.Identity)
            .SelectMany(s => s.Actions);

        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal) ||
            a.Contains("Policy", StringComparison.Ordinal) && a.StartsWith("iam:", StringComparison.Ordinal) ||
            a.Contains("Role", StringComparison.Ordinal) || a is "iam:CreateUser" or "iam:DeleteUser" or "iam:PassRole");
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void RenderMemberTrust_OptionalConditions_AppearExactlyWhenSet(bool withExternalId, bool withOrganization)
    {
        var json = PolicyTemplates.RenderMemberTrust(CentralRole, withExternalId ? "ext-123" : null, withOrganization ? "o-abcd123456" : null);

        var statement = Assert.Single(IamPolicy.Parse(json, IamPolicy.Kind.Trust));
        Assert.Equal(["sts:AssumeRole"], statement.Actions);
        Assert.Equal(CentralRole, statement.Principal!.Value.GetProperty("AWS").GetString());
        Assert.Equal(withExternalId ? "ext-123" : null, statement.ConditionValue("StringEquals", "sts:ExternalId"));
        Assert.Equal(withOrganization ? "o-abcd123456" : null, statement.ConditionValue("StringEquals", "aws:PrincipalOrgID"));
        Assert.Equal(withExternalId || withOrganization, statement.Condition is not null);
    }

    [Theory]
    [MemberData(nameof(CentralCombinations))]
    public void RenderCentralExecution_AnyCombination_IsValidAndHasNoWriteOnAnyResource(bool discover, bool fanout, bool centralSecrets, bool twoKeys)
    {
        var inputs = new CentralExecutionInputs
        {
            DiscoverOrganization = discover,
            EnableFanout = fanout,
            CentralSecrets = centralSecrets,
            KmsKeyArns = twoKeys ? [KeyArn, KeyArn.Replace("aa", "bb", StringComparison.Ordinal)] : [KeyArn],
        };

        var statements = IamPolicy.Parse(PolicyTemplates.RenderCentralExecution(inputs), IamPolicy.Kind.Identity);

        Assert.Empty(IamPolicy.WriteActionsOnAnyResource(statements));
        var actions = statements.SelectMany(s => s.Actions).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(discover, actions.Contains("organizations:ListAccounts"));
        Assert.Equal(fanout, actions.Contains("sqs:SendMessage"));
        Assert.Equal(centralSecrets, actions.Contains("secretsmanager:PutSecretValue"));
        Assert.Contains("sns:Publish", actions);
        Assert.DoesNotContain(actions, a => a.StartsWith("iam:", StringComparison.Ordinal) || a.Contains('*', StringComparison.Ordinal));
        Assert.Equal(inputs.KmsKeyArns, Assert.Single(statements, s => s.Actions.Contains("kms:Decrypt")).Resources);
    }

    [Fact]
    public void RenderCentralExecution_Discovery_AssumesRoleNameOnlyInsideTheOrganization()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderCentralExecution(new CentralExecutionInputs { DiscoverOrganization = true }), IamPolicy.Kind.Identity);

        var assume = Assert.Single(statements, s => s.Actions.Contains("sts:AssumeRole"));
        Assert.Equal(["arn:aws:iam::*:role/IAMKeyRotationRole"], assume.Resources);
        Assert.Equal("o-abcd123456", assume.ConditionValue("StringEquals", "aws:ResourceOrgID"));
    }

    [Fact]
    public void RenderCentralExecution_ExplicitAccounts_AssumesOnlyTheListedRoles()
    {
        var inputs = new CentralExecutionInputs { MemberAccountIds = ["333333333333", "222222222222"] };

        var statements = IamPolicy.Parse(PolicyTemplates.RenderCentralExecution(inputs), IamPolicy.Kind.Identity);

        var assume = Assert.Single(statements, s => s.Actions.Contains("sts:AssumeRole"));
        Assert.Equal(["arn:aws:iam::222222222222:role/IAMKeyRotationRole", "arn:aws:iam::333333333333:role/IAMKeyRotationRole"], assume.Resources);
        Assert.Null(assume.Condition);
    }

    [Fact]
    public void RenderCentralExecution_CentralSecrets_ScopedToRegionAccountAndPrefix()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderCentralExecution(new CentralExecutionInputs { CentralSecrets = true }), IamPolicy.Kind.Identity);

        var secrets = Assert.Single(statements, s => s.Actions.Contains("secretsmanager:CreateSecret"));
        Assert.Equal(["arn:aws:secretsmanager:eu-west-1:111111111111:secret:iam-key-rotation/*"], secrets.Resources);
    }

    [Fact]
    public void RenderLambdaTrust_TrustsOnlyTheLambdaService()
    {
        var statement = Assert.Single(IamPolicy.Parse(PolicyTemplates.RenderLambdaTrust(), IamPolicy.Kind.Trust));

        Assert.Equal("lambda.amazonaws.com", statement.Principal!.Value.GetProperty("Service").GetString());
        Assert.Equal(["sts:AssumeRole"], statement.Actions);
    }

    [Fact]
    public void RenderTopicKeyPolicy_OnlyTheAccountAdministersAndNamedPrincipalsUseTheKey()
    {
        var statements = IamPolicy.Parse(PolicyTemplates.RenderTopicKeyPolicy("111111111111", CentralRole), IamPolicy.Kind.Resource);

        Assert.All(statements, s => Assert.DoesNotContain("\"*\"", s.Principal!.Value.GetRawText(), StringComparison.Ordinal));
        var admin = Assert.Single(statements, s => s.Actions.Contains("kms:*"));
        Assert.Equal("arn:aws:iam::111111111111:root", admin.Principal!.Value.GetProperty("AWS").GetString());
        var rotator = Assert.Single(statements, s => s.Principal!.Value.TryGetProperty("AWS", out var p) && p.GetString() == CentralRole);
        Assert.DoesNotContain(rotator.Actions, a => a is not ("kms:Decrypt" or "kms:GenerateDataKey*"));
    }

    [Fact]
    public void IdentityTemplates_AllBranches_NoWriteActionOnAnyResource()
    {
        var rendered = new[]
        {
            PolicyTemplates.RenderMemberPermissions(Account),
            PolicyTemplates.RenderMemberPermissions(Account, "/x/", "p/", KeyArn),
        };

        foreach (var json in rendered)
        {
            Assert.Empty(IamPolicy.WriteActionsOnAnyResource(IamPolicy.Parse(json, IamPolicy.Kind.Identity)));
        }
    }

    [Fact]
    public void WriteActionsOnAnyResource_WildcardOrWriteOnStar_IsReported()
    {
        const string Policy = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"A","Effect":"Allow","Action":["iam:ListUsers","iam:CreateAccessKey"],"Resource":"*"},
              {"Sid":"B","Effect":"Allow","Action":"kms:*","Resource":["*"]},
              {"Sid":"C","Effect":"Allow","Action":"iam:DeleteUser","Resource":"arn:aws:iam::1:user/x"}]}
            """;

        var found = IamPolicy.WriteActionsOnAnyResource(IamPolicy.Parse(Policy, IamPolicy.Kind.Identity));

        Assert.Equal(["A: iam:CreateAccessKey", "B: kms:*"], found.ToArray());
    }

    [Theory]
    [InlineData("""{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:GetObject","Resource":"*"}]}""")]
    public void Parse_InvalidDocument_Throws(string json)
    {
        Assert.ThrowsAny<Exception>(() => IamPolicy.Parse(json, IamPolicy.Kind.Identity));
    }

    [Fact]
    public void Templates_AllRenderToParsableJson_WithSampleInputs()
    {
        foreach (var json in new[]
        {
            PolicyTemplates.RenderMemberPermissions(Account),
            PolicyTemplates.RenderMemberTrust(CentralRole, "e1", "o-abcd123456"),
            PolicyTemplates.RenderCentralExecution(new CentralExecutionInputs()),
            PolicyTemplates.RenderLambdaTrust(),
            PolicyTemplates.RenderTopicKeyPolicy(Account, CentralRole),
        })
        {
            using var doc = JsonDocument.Parse(json);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
    }
}
