using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Tests;

public class AwsOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new AwsOptions();

        Assert.Equal("IAMKeyRotationRole", options.RoleName);
        Assert.Equal(5, options.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Retry.TotalBudget);
    }

    public static TheoryData<RetryOptions> InvalidRetries => new()
    {
        new RetryOptions { MaxAttempts = 0 },
        new RetryOptions { MaxAttempts = 21 },
        new RetryOptions { BaseDelay = TimeSpan.Zero },
        new RetryOptions { MaxDelay = TimeSpan.FromMilliseconds(100) },
        new RetryOptions { TotalBudget = TimeSpan.FromMilliseconds(10) },
        new RetryOptions { AttemptTimeout = TimeSpan.FromHours(1) },
    };

    [Theory]
    [MemberData(nameof(InvalidRetries))]
    public void Create_RetryOutOfRange_ThrowsNamingTheOption(RetryOptions retry)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new AwsOptions { Region = "us-east-1", Retry = retry }));

        Assert.Contains("Retry.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RelativeEndpoint_Throws() =>
        Assert.Throws<ArgumentException>(() => Create(new AwsOptions { Region = "us-east-1", EndpointUrl = new Uri("/x", UriKind.Relative) }));

    [Fact]
    public void Create_NoRegionAnywhere_ThrowsConfigurationError()
    {
        var error = Assert.Throws<AwsConfigurationException>(() => Create(new AwsOptions(), fallbackRegion: null));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "eu-central-1", "eu-central-1")]
    [InlineData(" cn-north-1 ", "eu-central-1", "cn-north-1")]
    [InlineData("us-gov-west-1", null, "us-gov-west-1")]
    public void ResolveRegion_OptionOrChain_OptionWins(string? configured, string? chain, string region) =>
        Assert.Equal(region, AwsClients.ResolveRegion(configured, () => chain));

    [Theory]
    [InlineData("ops", null, null, "eu-west-1")]
    [InlineData("ops", "us-east-2", null, "us-east-2")]
    [InlineData("ops", null, "ap-south-1", "ap-south-1")]
    [InlineData("ops", " ", "", "eu-west-1")]
    public void DefaultRegion_NamedProfile_EnvironmentThenThatProfile(string profile, string? awsRegion, string? awsDefaultRegion, string expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = awsRegion, ["AWS_DEFAULT_REGION"] = awsDefaultRegion, ["AWS_PROFILE"] = "other" };
        var regions = new Dictionary<string, string?> { ["ops"] = "eu-west-1", ["other"] = "sa-east-1", ["default"] = "us-west-1" };

        var region = AwsClients.DefaultRegion(profile, environment.GetValueOrDefault, regions.GetValueOrDefault, () => "from-instance");

        Assert.Equal(expected, region);
    }

    [Theory]
    [InlineData("other", "sa-east-1")]
    [InlineData(null, "us-west-1")]
    public void DefaultRegion_NoProfileNamed_AwsProfileElseDefault(string? awsProfile, string expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_PROFILE"] = awsProfile };
        var regions = new Dictionary<string, string?> { ["other"] = "sa-east-1", ["default"] = "us-west-1" };

        Assert.Equal(expected, AwsClients.DefaultRegion(null, environment.GetValueOrDefault, regions.GetValueOrDefault, () => "from-instance"));
    }

    [Fact]
    public void DefaultRegion_ProfileWithoutRegion_InstanceMetadataLast() =>
        Assert.Equal("from-instance", AwsClients.DefaultRegion("plain", _ => null, _ => null, () => "from-instance"));

    [Fact]
    public void ToString_ExplicitCredentials_NotPrinted()
    {
        var text = new AwsOptions { Credentials = new BasicAWSCredentials("AKIDX", "top-secret-key"), ExternalId = "ext-secretish" }.ToString();

        Assert.DoesNotContain("top-secret-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ext-secretish", text, StringComparison.Ordinal);
        Assert.Contains("RoleName = IAMKeyRotationRole", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostCall_ProfileMissing_ThrowsCredentialsError()
    {
        var clients = Create(new AwsOptions { Region = "us-east-1", Profile = "no-such-profile-" + Guid.NewGuid().ToString("N"), EndpointUrl = new Uri("http://127.0.0.1:1") });

        var error = await Assert.ThrowsAsync<AwsCredentialsException>(async () => await clients.Organizations.ListAccountsAsync(default).ToListAsync());

        Assert.Contains("no-such-profile", error.Message, StringComparison.Ordinal);
    }

    private static Core.Ports.ICentralClients Create(AwsOptions options, string? fallbackRegion = "us-east-1") =>
        AwsClients.Create(options, new FakeTimeProvider(), _ => null, () => fallbackRegion, () => 0.5);
}
