using System.Text.RegularExpressions;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Tests.Configuration;

/// <summary>The identifier shapes, as the AWS API references define them (cited in AwsIdentifiers.cs).</summary>
public class AwsIdentifiersTests
{
    [Theory]
    [InlineData("111111111111", true)]
    [InlineData("000000000000", true)]
    [InlineData("11111111111", false)]
    [InlineData("1111111111111", false)]
    [InlineData("11111111111a", false)]
    [InlineData("111111111111\n", false)]
    [InlineData("١١١١١١١١١١١١", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsAccountId_Shapes(string? value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsAccountId(value));

    // AccessKeyId: [\w]+, 16-128. Real ids are AKIA/ASIA + 16, but the prefix is not part of the contract.
    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE", true)]
    [InlineData("ASIAIOSFODNN7EXAMPLE", true)]
    [InlineData("AKIAIOSFODNN7EXA", true)]
    [InlineData("akia_lower_case_1", true)]
    [InlineData("AKIAIOSFODNN7EX", false)]
    [InlineData("AKIA-IOSFODNN7EXAMPLE", false)]
    [InlineData("AKIA IOSFODNN7EXAMPLE", false)]
    [InlineData("AKIAIOSFODNN7EXAMPLÉ", false)]
    [InlineData("AKIAIOSFODNN7EXAMPLE\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsAccessKeyId_Shapes(string? value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsAccessKeyId(value));

    [Fact]
    public void IsAccessKeyId_LengthBounds_AreThoseOfTheIamApi()
    {
        Assert.True(AwsIdentifiers.IsAccessKeyId(new string('A', 128)));
        Assert.False(AwsIdentifiers.IsAccessKeyId(new string('A', 129)));
    }

    [Theory]
    [InlineData("ci-deployer", true)]
    [InlineData("a+b=c,d.e@f_g", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/name", false)]
    [InlineData("josé", false)]
    [InlineData(null, false)]
    public void IsUserName_Shapes(string? value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsUserName(value));

    [Fact]
    public void IsUserName_LengthBounds_AreThoseOfTheIamApi()
    {
        Assert.True(AwsIdentifiers.IsUserName(new string('a', 64)));
        Assert.False(AwsIdentifiers.IsUserName(new string('a', 65)));
    }

    [Fact]
    public void IsGroupName_AllowsUpTo128()
    {
        Assert.True(AwsIdentifiers.IsGroupName(new string('g', 128)));
        Assert.False(AwsIdentifiers.IsGroupName(new string('g', 129)));
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("key-rotation:exempt", true)]
    [InlineData("Cost Center", true)]
    [InlineData("équipe/propriétaire", true)]
    [InlineData("a+b=c.d_e@f", true)]
    [InlineData("", false)]
    [InlineData("owner!", false)]
    [InlineData("owner,team", false)]
    public void IsTagKey_Shapes(string value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsTagKey(value));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("build+bot=1.2_x@y-z", true)]
    [InlineData("Cost Center/équipe:1", true)]
    [InlineData("", true)]
    [InlineData("build,bot", false)]
    [InlineData("a!b", false)]
    public void IsSecretTagValue_Shapes(string value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsSecretTagValue(value));

    [Fact]
    public void IsSecretTagValue_LengthBound_IsThatOfTheSecretsManagerApi()
    {
        Assert.True(AwsIdentifiers.IsSecretTagValue(new string('v', 256)));
        Assert.False(AwsIdentifiers.IsSecretTagValue(new string('v', 257)));
        Assert.False(AwsIdentifiers.IsSecretTagValue(null));
    }

    [Fact]
    public void IsTagKey_LengthBounds_AreThoseOfTheIamApi()
    {
        Assert.True(AwsIdentifiers.IsTagKey(new string('t', 128)));
        Assert.False(AwsIdentifiers.IsTagKey(new string('t', 129)));
    }

    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:111111111111:function:rotator", true)]
    [InlineData("arn:aws:lambda:eu-central-1:111111111111:function:my_rotator-2:live", true)]
    [InlineData("arn:aws:lambda:us-east-1:111111111111:function:rotator:$LATEST", true)]
    [InlineData("arn:aws-us-gov:lambda:us-gov-west-1:111111111111:function:rotator", true)]
    [InlineData("arn:aws:lambda:us-east-1:111111111111:layer:rotator", false)]
    [InlineData("arn:aws:lambda:us-east-1:11111111111:function:rotator", false)]
    [InlineData("arn:aws:sns:us-east-1:111111111111:function:rotator", false)]
    [InlineData("rotator", false)]
    public void IsLambdaFunctionArn_Shapes(string value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsLambdaFunctionArn(value));

    [Theory]
    [InlineData("/", true)]
    [InlineData("/service/", true)]
    [InlineData("/division/team/", true)]
    [InlineData("//", false)]
    [InlineData("/service", false)]
    [InlineData("service/", false)]
    [InlineData("/with space/", false)]
    public void IsIamPath_Shapes(string value, bool valid) => Assert.Equal(valid, AwsIdentifiers.IsIamPath(value));

    public static TheoryData<string> Patterns => new()
    {
        AwsIdentifiers.AccountIdPattern, AwsIdentifiers.AccessKeyIdPattern, AwsIdentifiers.UserNamePattern, AwsIdentifiers.RoleNamePattern,
        AwsIdentifiers.GroupNamePattern, AwsIdentifiers.ExternalIdPattern, AwsIdentifiers.TagKeyPattern, AwsIdentifiers.OuOrRootIdPattern,
        AwsIdentifiers.IamPathPattern, AwsIdentifiers.SecretNamePattern, AwsIdentifiers.KmsKeyPattern, AwsIdentifiers.SnsTopicArnPattern,
        AwsIdentifiers.LambdaFunctionArnPattern,
    };

    /// <summary>The schema uses the same pattern text: it must mean the same to an ECMA-262 engine.</summary>
    [Theory]
    [MemberData(nameof(Patterns))]
    public void Pattern_ReadsTheSameInEcmaScript(string pattern)
    {
        var ecma = new Regex(AwsIdentifiers.SchemaPattern(pattern), RegexOptions.ECMAScript);
        var dotnet = new Regex("^" + pattern + @"\z");
        string[] samples = ["111111111111", "AKIAIOSFODNN7EXAMPLE", "ci-deployer", "a b", "/service/", "owner", "r-ab12", "ou-ab12-abcdefgh", "alias/x", "é", "x\ny"];

        Assert.All(samples, s => Assert.Equal(dotnet.IsMatch(s), ecma.IsMatch(s)));
    }
}
