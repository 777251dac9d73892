using Microsoft.Extensions.Logging.Abstractions;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine;

namespace OrgKeyRotation.Hosting.Tests;

public class HostCompositionTests
{
    private static readonly RotationConfig Config = new()
    {
        RoleName = "OrgRotator",
        ExternalId = "ext-123",
        Accounts = new Dictionary<string, IReadOnlyList<string>> { ["111111111111"] = ["alice"] },
        Secrets = new SecretsConfig { Location = SecretLocation.Central, KmsKeyId = "alias/central-secrets", RotatorArn = "arn:aws:iam::111111111111:role/service/org-key-rotation-lambda" },
    };

    [Fact]
    public void AwsOptionsFor_Config_CarriesRoleExternalIdSecretLocationAndRotator()
    {
        var options = HostComposition.AwsOptionsFor(Config, AwsConnection.Default);

        Assert.Equal("OrgRotator", options.RoleName);
        Assert.Equal("ext-123", options.ExternalId);
        Assert.Equal(SecretLocation.Central, options.SecretLocation);
        Assert.Equal("arn:aws:iam::111111111111:role/service/org-key-rotation-lambda", options.SecretsRotatorArn);
        Assert.Null(options.Region);
        Assert.Null(options.EndpointUrl);
        Assert.Null(options.Profile);
    }

    [Fact]
    public void AwsOptionsFor_Connection_CarriesProfileRegionAndEndpoint()
    {
        var endpoint = new Uri("http://127.0.0.1:5000");

        var options = HostComposition.AwsOptionsFor(Config, new AwsConnection("ops", "eu-west-1", endpoint));

        Assert.Equal("ops", options.Profile);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal(endpoint, options.EndpointUrl);
    }

    [Fact]
    public void AwsOptionsFor_DefaultConfig_AssumesTheOneDefaultRole()
    {
        var options = HostComposition.AwsOptionsFor(new RotationConfig(), AwsConnection.Default);

        Assert.Equal(RotationConfig.DefaultRoleName, options.RoleName);
        Assert.Equal(new AwsOptions().RoleName, options.RoleName);
    }

    [Fact]
    public void CreateService_WithARegion_BuildsTheEngineWithoutCallingAws()
    {
        // Credentials resolve on first use, and nothing listens on port 9: building must not touch the network.
        var service = HostComposition.CreateService(Config, new AwsConnection(Region: "us-east-1", EndpointUrl: new Uri("http://127.0.0.1:9")), TimeProvider.System, NullLogger.Instance);

        Assert.IsType<RotationService>(service);
    }

    [Fact]
    public void ProcessEnvironment_SnapshotsTheProcessVariables()
    {
        var name = "ORGKEYROTATION_HOSTING_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "value");
        try
        {
            var snapshot = HostComposition.ProcessEnvironment();
            Environment.SetEnvironmentVariable(name, "changed");

            Assert.Equal("value", snapshot[name]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
