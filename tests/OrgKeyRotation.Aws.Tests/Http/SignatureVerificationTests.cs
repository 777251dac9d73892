using System.Text.Json;
using Amazon.Runtime;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Http;

/// <summary>
/// moto does not check SigV4, so each service's signed request is captured and its signature recomputed by
/// botocore's signer (tests/OrgKeyRotation.Testing/sigv4_check.py) from the same method, URL, headers and body.
/// </summary>
[Trait("Category", "Integration")]
public class SignatureVerificationTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLE/session+token==";

    public static TheoryData<string, bool> Services => new()
    {
        { "iam", false },
        { "iam", true },
        { "sns", false },
        { "secretsmanager", false },
        { "secretsmanager", true },
        { "organizations", false },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task SignedRequest_AnyService_MatchesBotocoreSignature(string service, bool withSessionToken)
    {
        var capture = new CapturingHandler();
        await CallAsync(service, capture, withSessionToken);
        var request = Assert.Single(capture.Requests);
        var claim = SigV4Verifier.ParseAuthorization(request);

        var expected = await SigV4Verifier.RecomputeAsync(request, AccessKey, SecretKey, withSessionToken ? SessionToken : null);

        Assert.Equal(expected, claim.Signature);
        Assert.Equal(service, claim.Service);
        Assert.Equal("us-east-1", claim.Region);
        Assert.Contains("host", claim.SignedHeaders);
        Assert.Contains("x-amz-date", claim.SignedHeaders);
        Assert.Equal(withSessionToken, claim.SignedHeaders.Contains("x-amz-security-token"));
    }

    [Fact]
    public async Task SignedRequest_SignedHeaderChangedAfterSigning_BotocoreDisagrees()
    {
        var capture = new CapturingHandler();
        await CallAsync("secretsmanager", capture, withSessionToken: false);
        var request = Assert.Single(capture.Requests);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        var expected = await SigV4Verifier.RecomputeAsync(request with { Headers = headers }, AccessKey, SecretKey, null);

        Assert.NotEqual(expected, SigV4Verifier.ParseAuthorization(request).Signature);
    }

    [Fact]
    public async Task SignedRequest_BodyChangedAfterSigning_PayloadHashRejected()
    {
        var capture = new CapturingHandler();
        await CallAsync("iam", capture, withSessionToken: false);
        var request = Assert.Single(capture.Requests);

        await Assert.ThrowsAsync<InvalidOperationException>(() => SigV4Verifier.RecomputeAsync(request with { Body = [.. request.Body, (byte)'&'] }, AccessKey, SecretKey, null));
    }

    private async Task CallAsync(string service, CapturingHandler capture, bool withSessionToken)
    {
        AWSCredentials credentials = withSessionToken ? new SessionAWSCredentials(AccessKey, SecretKey, SessionToken) : new BasicAWSCredentials(AccessKey, SecretKey);
        var retry = new AwsRetry(new RetryOptions { MaxAttempts = 1 }, TimeProvider.System, () => 0);
        SignedServiceClient Client(AwsService s) => new(AwsEndpoints.Resolve(s, MotoAdmin.Region, moto.Endpoint, _ => null), credentials, capture, retry, null);
        switch (service)
        {
            case "iam":
                await new IamClient(Client(AwsService.Iam), null).ListUsersAsync("/", default).ToListAsync();
                break;
            case "sns":
                var topic = await MotoAdmin.ForDefaultAccount(moto.Endpoint).CreateTopicAsync("sig" + Guid.NewGuid().ToString("N"));
                Assert.Empty(await new SnsClient(_ => Client(AwsService.Sns)).PublishBatchAsync(topic, [new("1", "Subject with spaces & symbols", "body/é", new Dictionary<string, string> { ["k"] = "v w" })], default));
                break;
            case "secretsmanager":
                await new SecretsManagerClient(Client(AwsService.SecretsManager), null).CreateSecretAsync(new CreateSecretRequest("sig/" + Guid.NewGuid().ToString("N"), "d", null, new Dictionary<string, string>(), null, new SensitiveString(JsonSerializer.Serialize(new { k = "v+/=" }))), default);
                break;
            default:
                await new OrganizationsClient(Client(AwsService.Organizations), null).ListAccountsAsync(default).ToListAsync();
                break;
        }
    }
}
