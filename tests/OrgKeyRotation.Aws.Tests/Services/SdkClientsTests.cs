using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>STS and SQS go through the official SDK; its errors must come out as the layer's types and be retried the same way.</summary>
public class SdkClientsTests
{
    private const string CallerXml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/x</Arn><UserId>AIDX</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    private const string InvalidClientTokenIdXml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r3</RequestId></ErrorResponse>";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly StubAwsHandler _server = new((_, _, _) => StubAwsHandler.Xml(CallerXml));

    [Fact]
    public async Task HostIdentity_ThrottledOnce_RetriedBySdkPath()
    {
        var faults = new FaultInjectingHandler(_server).On("GetCallerIdentity", 1, Fault.Throttle);

        var identity = await _time.DriveAsync(Sts(faults).GetHostIdentityAsync(default));

        Assert.Equal("123456789012", identity.Account);
        Assert.Equal(2, faults.Seen("GetCallerIdentity"));
    }

    [Fact]
    public async Task HostIdentity_AccessDenied_TypedWithoutRetry()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>nope</Message></Error><RequestId>r2</RequestId></ErrorResponse>", HttpStatusCode.Forbidden));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _time.DriveAsync(Sts(server).GetHostIdentityAsync(default)));

        Assert.Equal(AwsErrorKind.AccessDenied, error.Kind);
        Assert.Equal("sts", error.Service);
        Assert.Equal("r2", error.RequestId);
        Assert.Equal(1, server.Calls("GetCallerIdentity"));
    }

    [Fact]
    public async Task HostIdentity_ConnectionRefusedForever_TransportError()
    {
        var faults = new FaultInjectingHandler(_server).Always("GetCallerIdentity", Fault.ConnectionResetBeforeSend);

        await Assert.ThrowsAsync<AwsTransportException>(() => _time.DriveAsync(Sts(faults).GetHostIdentityAsync(default)));

        Assert.Equal(5, faults.Seen("GetCallerIdentity"));
    }

    // AWS refuses a brand-new key with InvalidClientTokenId for its first seconds (IAM is eventually consistent:
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
    // The engine polls; the layer must not add requests or backoff of its own: the fake clock is never advanced, so a
    // retry would wait forever and the real-time bound fails the test.
    [Fact]
    public async Task GetCallerIdentityWithKey_InvalidClientTokenId_OneRequestNoDelay()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(InvalidClientTokenIdXml, HttpStatusCode.Forbidden));
        var started = _time.GetUtcNow();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Clients(server).Sts.GetCallerIdentityAsync("AKIANEWKEY0000000000", new SensitiveString("new-secret"), null, default).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(AwsErrorKind.InvalidCredentials, error.Kind);
        Assert.Equal("InvalidClientTokenId", error.ErrorCode);
        Assert.Equal(1, server.Calls("GetCallerIdentity"));
        Assert.Equal(started, _time.GetUtcNow());
    }

    [Fact]
    public async Task GetCallerIdentityWithKey_AccessDenied_OneRequestNoDelay()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>nope</Message></Error><RequestId>r4</RequestId></ErrorResponse>", HttpStatusCode.Forbidden));
        var started = _time.GetUtcNow();

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Clients(server).Sts.GetCallerIdentityAsync("AKIANEWKEY0000000000", new SensitiveString("new-secret"), null, default).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(AwsErrorKind.AccessDenied, error.Kind);
        Assert.Equal(1, server.Calls("GetCallerIdentity"));
        Assert.Equal(started, _time.GetUtcNow());
    }

    [Fact]
    public async Task GetCallerIdentityWithKey_ThrottledOnce_RetriedLikeEveryCall()
    {
        var faults = new FaultInjectingHandler(_server).On("GetCallerIdentity", 1, Fault.Throttle);

        var identity = await _time.DriveAsync(Clients(faults).Sts.GetCallerIdentityAsync("AKIANEWKEY0000000000", new SensitiveString("new-secret"), null, default));

        Assert.Equal("arn:aws:iam::123456789012:user/x", identity.Arn);
        Assert.Equal(2, faults.Seen("GetCallerIdentity"));
    }

    [Fact]
    public async Task HostIdentity_UnreadableBody_MalformedResponseWithoutTheBody()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>SECRET-LOOKING-CONTENT"));

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => _time.DriveAsync(Sts(server).GetHostIdentityAsync(default)));

        Assert.Equal(AwsErrorKind.MalformedResponse, error.Kind);
        Assert.DoesNotContain("SECRET-LOOKING-CONTENT", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls("GetCallerIdentity"));
    }

    [Fact]
    public async Task HostIdentity_WellFormedWithoutArn_MalformedResponse()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"));

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => _time.DriveAsync(Sts(server).GetHostIdentityAsync(default)));

        Assert.Contains("no Account or Arn", error.Message, StringComparison.Ordinal);
    }

    private ICentralClients Clients(HttpMessageHandler handler) =>
        AwsClients.Create(new AwsOptions { Region = "us-east-1", EndpointUrl = UnitClients.Endpoint, Credentials = new BasicAWSCredentials("AKIDTEST", "secret"), InnerHandlerFactory = () => handler }, _time, _ => null, () => null, () => 1.0);

    private StsClient Sts(HttpMessageHandler handler) => (StsClient)Clients(handler).Sts;
}
