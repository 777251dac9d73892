using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Tests.Model;

/// <summary>Parameter Store's naming rules, from the PutParameter API reference (Name).</summary>
public class ParameterStoreTests
{
    [Theory]
    [InlineData("alice-key")]
    [InlineData("/iam-key-rotation/123456789012/alice")]
    [InlineData("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o")]
    [InlineData("/team.payments/ci_deploy-key")]
    [InlineData("/keys/awsome")]
    public void Problem_ValidName_IsNull(string name) => Assert.Null(ParameterNames.Problem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("team/alice", "no leading '/'")]
    [InlineData("/team//alice", "empty level")]
    [InlineData("/team/alice/", "empty level")]
    [InlineData("/team/al ice", "contains ' '")]
    [InlineData("/team/alice:1", "contains ':'")]
    [InlineData("aws-alice", "reserves")]
    [InlineData("/AWS/alice", "reserves")]
    [InlineData("/ssmkeys/alice", "reserves")]
    [InlineData("/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", "16 levels")]
    public void Problem_InvalidName_SaysWhatIsWrong(string name, string expected) =>
        Assert.Contains(expected, ParameterNames.Problem(name), StringComparison.Ordinal);

    [Fact]
    public void Problem_TooLong_NamesTheLimit()
    {
        Assert.Null(ParameterNames.Problem("/" + new string('a', ParameterNames.MaxLength - 1)));
        Assert.Contains($"at most {ParameterNames.MaxLength}", ParameterNames.Problem("/" + new string('a', ParameterNames.MaxLength)), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_OneParameter_NamesIt()
    {
        var target = ParameterStoreTarget.Json("/keys/alice", "alias/keys");

        Assert.Equal(["/keys/alice"], target.Names);
        Assert.Equal("alias/keys", target.KmsKeyId);
    }

    [Fact]
    public void Pair_TwoParameters_IdFirst()
    {
        var target = ParameterStoreTarget.Pair("/keys/alice/id", "/keys/alice/secret");

        Assert.Equal(["/keys/alice/id", "/keys/alice/secret"], target.Names);
        Assert.Null(target.JsonParameter);
        Assert.Null(target.KmsKeyId);
    }

    [Fact]
    public void Pair_SameNameTwice_Throws() =>
        Assert.Contains("two different parameters", Assert.Throws<ArgumentException>(() => ParameterStoreTarget.Pair("/k", "/k")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("alias/my key")]
    public void Json_BadKmsKey_Throws(string kmsKeyId) =>
        Assert.Contains("is not a KMS key", Assert.Throws<ArgumentException>(() => ParameterStoreTarget.Json("/k", kmsKeyId)).Message, StringComparison.Ordinal);

    [Fact]
    public void Json_BadName_ThrowsTheRule() =>
        Assert.Contains("no leading '/'", Assert.Throws<ArgumentException>(() => ParameterStoreTarget.Json("keys/alice")).Message, StringComparison.Ordinal);
}
