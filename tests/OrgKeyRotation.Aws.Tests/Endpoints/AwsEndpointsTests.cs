using OrgKeyRotation.Aws.Endpoints;

namespace OrgKeyRotation.Aws.Tests.Endpoints;

public class AwsEndpointsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("Iam", "eu-west-1", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("Iam", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("Iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    [InlineData("Organizations", "eu-west-1", "https://organizations.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("Organizations", "cn-north-1", "https://organizations.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1")]
    [InlineData("Organizations", "us-gov-east-1", "https://organizations.us-gov-west-1.amazonaws.com/", "us-gov-west-1")]
    [InlineData("Sns", "eu-west-1", "https://sns.eu-west-1.amazonaws.com/", "eu-west-1")]
    [InlineData("SecretsManager", "cn-north-1", "https://secretsmanager.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("SecretsManager", "us-gov-west-1", "https://secretsmanager.us-gov-west-1.amazonaws.com/", "us-gov-west-1")]
    [InlineData("Sts", "ap-southeast-2", "https://sts.ap-southeast-2.amazonaws.com/", "ap-southeast-2")]
    [InlineData("Sqs", "cn-north-1", "https://sqs.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("Ssm", "eu-central-1", "https://ssm.eu-central-1.amazonaws.com/", "eu-central-1")]
    public void Resolve_NoOverride_RealPartitionEndpoint(string service, string region, string url, string signingRegion)
    {
        var endpoint = AwsEndpoints.Resolve(Enum.Parse<AwsService>(service), region, null, NoEnvironment);

        Assert.Equal(url, endpoint.Url.ToString());
        Assert.Equal(signingRegion, endpoint.SigningRegion);
    }

    [Theory]
    [InlineData("us-east-1", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    public void PartitionOf_Region_Partition(string region, string partition) =>
        Assert.Equal(partition, AwsEndpoints.PartitionOf(region));

    [Fact]
    public void Resolve_ServiceVariableAndGlobalVariable_ServiceVariableWins()
    {
        var environment = Environment(("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm.local:1"), ("AWS_ENDPOINT_URL", "http://all.local:2"));

        Assert.Equal("http://sm.local:1/", AwsEndpoints.Resolve(AwsService.SecretsManager, "eu-west-1", null, environment).Url.ToString());
        Assert.Equal("http://all.local:2/", AwsEndpoints.Resolve(AwsService.Sns, "eu-west-1", null, environment).Url.ToString());
    }

    [Fact]
    public void Resolve_ExplicitOption_WinsOverVariables()
    {
        var environment = Environment(("AWS_ENDPOINT_URL_IAM", "http://iam.local:1"), ("AWS_ENDPOINT_URL", "http://all.local:2"));

        var endpoint = AwsEndpoints.Resolve(AwsService.Iam, "eu-west-1", new Uri("http://explicit.local:3"), environment);

        Assert.Equal("http://explicit.local:3/", endpoint.Url.ToString());
    }

    [Theory]
    [InlineData("Iam", "AWS_ENDPOINT_URL_IAM")]
    [InlineData("Sns", "AWS_ENDPOINT_URL_SNS")]
    [InlineData("SecretsManager", "AWS_ENDPOINT_URL_SECRETS_MANAGER")]
    [InlineData("Organizations", "AWS_ENDPOINT_URL_ORGANIZATIONS")]
    [InlineData("Sts", "AWS_ENDPOINT_URL_STS")]
    [InlineData("Sqs", "AWS_ENDPOINT_URL_SQS")]
    [InlineData("Ssm", "AWS_ENDPOINT_URL_SSM")]
    public void Resolve_ServiceVariable_IsTheStandardName(string service, string variable) =>
        Assert.Equal("http://x.local/", AwsEndpoints.Resolve(Enum.Parse<AwsService>(service), "eu-west-1", null, Environment((variable, "http://x.local"))).Url.ToString());

    [Theory]
    [InlineData("Iam", "eu-west-1", "us-east-1")]
    [InlineData("Iam", "cn-northwest-1", "cn-north-1")]
    [InlineData("Organizations", "us-gov-east-1", "us-gov-west-1")]
    [InlineData("Sns", "eu-west-1", "eu-west-1")]
    public void Resolve_Overridden_GlobalServicesStillSignForHomeRegion(string service, string region, string signingRegion) =>
        Assert.Equal(signingRegion, AwsEndpoints.Resolve(Enum.Parse<AwsService>(service), region, new Uri("http://127.0.0.1:5000"), NoEnvironment).SigningRegion);

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://x.local")]
    public void Resolve_InvalidVariable_ThrowsNamingTheVariable(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => AwsEndpoints.Resolve(AwsService.Sns, "eu-west-1", null, Environment(("AWS_ENDPOINT_URL_SNS", value))));

        Assert.Contains("AWS_ENDPOINT_URL_SNS", error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
