using System.Text.Json;
using System.Text.Json.Nodes;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Tests.SecretFormat;

/// <summary>
/// The hand-over secret's resource policy (contract C3) and the matcher that tells the rotator's policy from any other.
/// How AWS evaluates the policy is proved in tests/OrgKeyRotation.Deploy.Tests (PolicySimulationTests, iam-simulate).
/// </summary>
public sealed class ManagedSecretPolicyTests
{
    private const string User = "arn:aws:iam::222222222222:user/automation/alice";
    private const string Rotator = "arn:aws:iam::222222222222:role/IAMKeyRotationRole";
    private static readonly string[] Reads = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"];

    private static JsonElement Statement(string sid)
    {
        using var doc = JsonDocument.Parse(ManagedSecret.ResourcePolicy(User, Rotator));
        return doc.RootElement.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == sid).Clone();
    }

    private static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? [element.GetString()!] : element.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ResourcePolicy_AllowsTheUserItsTwoReadsOnly()
    {
        var allow = Statement("OwnerReadsItsKey");

        Assert.Equal("Allow", allow.GetProperty("Effect").GetString());
        Assert.Equal(User, allow.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal(Reads, Strings(allow.GetProperty("Action")));
    }

    [Fact]
    public void ResourcePolicy_DeniesEveryOtherActionToAllButTheRotator()
    {
        var deny = Statement("OnlyTheRotatorChangesIt");

        Assert.Equal("Deny", deny.GetProperty("Effect").GetString());
        Assert.Equal("*", deny.GetProperty("Principal").GetString());
        Assert.Equal(Reads, Strings(deny.GetProperty("NotAction")));
        Assert.False(deny.TryGetProperty("Action", out _));
        Assert.Equal([Rotator], Strings(deny.GetProperty("Condition").GetProperty("StringNotEquals").GetProperty("aws:PrincipalArn")));
    }

    [Fact]
    public void ResourcePolicy_DeniesTheReadsToAllButUserAndRotator()
    {
        var deny = Statement("NobodyElseReadsIt");

        Assert.Equal("Deny", deny.GetProperty("Effect").GetString());
        Assert.Equal(Reads, Strings(deny.GetProperty("Action")));
        Assert.Equal(new[] { Rotator, User }.Order(StringComparer.Ordinal), Strings(deny.GetProperty("Condition").GetProperty("StringNotEquals").GetProperty("aws:PrincipalArn")));
    }

    [Fact]
    public void ResourcePolicy_HasExactlyTheThreeStatements()
    {
        using var doc = JsonDocument.Parse(ManagedSecret.ResourcePolicy(User, Rotator));

        Assert.Equal("2012-10-17", doc.RootElement.GetProperty("Version").GetString());
        Assert.Equal(["NobodyElseReadsIt", "OnlyTheRotatorChangesIt", "OwnerReadsItsKey"],
            doc.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void IsRotatorPolicy_TheSamePolicy_IsOurs()
    {
        Assert.True(ManagedSecret.IsRotatorPolicy(ManagedSecret.ResourcePolicy(User, Rotator), User, Rotator));
    }

    [Fact]
    public void IsRotatorPolicy_AsAwsMayReformatIt_IsOurs()
    {
        // Reordered statements and keys, no Sids, one-element lists as strings and back, Principal "*" as {"AWS": "*"}.
        var reformatted = $$"""
            {
              "Statement": [
                { "Condition": { "StringNotEquals": { "aws:PrincipalArn": ["{{User}}", "{{Rotator}}"] } },
                  "Resource": ["*"], "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Principal": { "AWS": "*" }, "Effect": "Deny" },
                { "Effect": "Allow", "Principal": { "AWS": ["{{User}}"] }, "Resource": "*",
                  "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"] },
                { "Effect": "Deny", "Principal": "*", "Resource": "*",
                  "NotAction": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                  "Condition": { "StringNotEquals": { "aws:PrincipalArn": "{{Rotator}}" } } }
              ],
              "Version": "2012-10-17"
            }
            """;

        Assert.True(ManagedSecret.IsRotatorPolicy(reformatted, User, Rotator));
    }

    [Fact]
    public void IsRotatorPolicy_AnotherUserOrRotator_IsNotOurs()
    {
        var policy = ManagedSecret.ResourcePolicy(User, Rotator);

        Assert.False(ManagedSecret.IsRotatorPolicy(policy, "arn:aws:iam::222222222222:user/automation/bob", Rotator));
        Assert.False(ManagedSecret.IsRotatorPolicy(policy, User, "arn:aws:iam::111111111111:role/org-key-rotation-lambda"));
    }

    public static TheoryData<string> Tamperings() => new()
    {
        "extra statement",
        "a deny removed",
        "the user may also write",
        "another principal may read",
        "Allow instead of Deny",
        "the whole account may read",
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void IsRotatorPolicy_ATamperedPolicy_IsNotOurs(string tampering)
    {
        var policy = JsonNode.Parse(ManagedSecret.ResourcePolicy(User, Rotator))!;
        var statements = policy["Statement"]!.AsArray();
        JsonNode ById(string sid) => statements.Single(s => s!["Sid"]!.GetValue<string>() == sid)!;
        switch (tampering)
        {
            case "extra statement":
                statements.Add(JsonNode.Parse("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}"""));
                break;
            case "a deny removed":
                statements.Remove(ById("OnlyTheRotatorChangesIt"));
                break;
            case "the user may also write":
                ById("OwnerReadsItsKey")["Action"]!.AsArray().Add("secretsmanager:PutSecretValue");
                break;
            case "another principal may read":
                ById("NobodyElseReadsIt")["Condition"]!["StringNotEquals"]!["aws:PrincipalArn"]!.AsArray().Add("arn:aws:iam::222222222222:role/reader");
                break;
            case "Allow instead of Deny":
                ById("NobodyElseReadsIt")["Effect"] = "Allow";
                break;
            case "the whole account may read":
                ById("OwnerReadsItsKey")["Principal"] = JsonNode.Parse("""{"AWS":"arn:aws:iam::222222222222:root"}""");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null);
        }

        Assert.False(ManagedSecret.IsRotatorPolicy(policy.ToJsonString(), User, Rotator), tampering);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2008-10-17","Statement":[]}""")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    public void IsRotatorPolicy_NoPolicyOrNotAPolicy_IsNotOurs(string? json)
    {
        Assert.False(ManagedSecret.IsRotatorPolicy(json, User, Rotator));
    }

    [Fact]
    public void ResourcePolicy_UserAndRotatorTheSame_ListsThePrincipalOnce()
    {
        using var doc = JsonDocument.Parse(ManagedSecret.ResourcePolicy(Rotator, Rotator));

        var reads = doc.RootElement.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == "NobodyElseReadsIt");
        Assert.Equal([Rotator], Strings(reads.GetProperty("Condition").GetProperty("StringNotEquals").GetProperty("aws:PrincipalArn")));
    }

    [Fact]
    public void ReleasedPolicy_KeepsTheUsersReadsAndDropsTheRotator()
    {
        using var doc = JsonDocument.Parse(ManagedSecret.ReleasedPolicy(User));
        var statements = doc.RootElement.GetProperty("Statement").EnumerateArray().ToDictionary(s => s.GetProperty("Sid").GetString()!);

        Assert.Equal(["NobodyElseReadsIt", "OwnerReadsItsKey"], statements.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(User, statements["OwnerReadsItsKey"].GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal(Reads, Strings(statements["NobodyElseReadsIt"].GetProperty("Action")));
        Assert.Equal([User], Strings(statements["NobodyElseReadsIt"].GetProperty("Condition").GetProperty("StringNotEquals").GetProperty("aws:PrincipalArn")));
        Assert.DoesNotContain(Rotator, doc.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.False(ManagedSecret.IsRotatorPolicy(ManagedSecret.ReleasedPolicy(User), User, Rotator));
    }

    [Fact]
    public void OwnerIn_TheRotatorsOrTheReleasedPolicy_IsTheUser()
    {
        Assert.Equal(User, ManagedSecret.OwnerIn(ManagedSecret.ResourcePolicy(User, Rotator)));
        Assert.Equal(User, ManagedSecret.OwnerIn(ManagedSecret.ReleasedPolicy(User)));
        var listed = ManagedSecret.ResourcePolicy(User, Rotator).Replace($"\"AWS\":\"{User}\"", $"\"AWS\":[\"{User}\"]", StringComparison.Ordinal);
        Assert.Equal(User, ManagedSecret.OwnerIn(listed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17","Statement":[3]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:user/a","arn:aws:iam::1:user/b"]},"Action":"*","Resource":"*"}]}""")]
    public void OwnerIn_NoSingleUserAllowed_IsNull(string? json)
    {
        Assert.Null(ManagedSecret.OwnerIn(json));
    }
}
