using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>STS and SQS go through the official SDK; its errors must come out as the layer's types and be retried the same way.</summary>
public class SdkClientsTests
{
    private const string CallerXml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/x</Arn><UserId>AIDX</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly StubAwsHandler _server = new((_, _, _) => StubAwsHandler.Xml(CallerXml));

    [Fact]
    public async Task GetCallerIdentity_ThrottledOnce_RetriedBySdkPath()
    {
        var faults = new FaultInjectingHandler(_server).On("GetCallerIdentity", 1, Fault.Throttle);

        var identity = await _time.DriveAsync(Clients(faults).Sts.GetCallerIdentityAsync(default));

        Assert.Equal("123456789012", identity.Account);
        Assert.Equal(2, faults.Seen("GetCallerIdentity"));
    }

    [Fact]
    public async Task GetCallerIdentity_AccessDenied_TypedWithoutRetry()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>nope</Message></Error><RequestId>r2</RequestId></ErrorResponse>", System.Net.HttpStatusCode.Forbidden));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _time.DriveAsync(Clients(server).Sts.GetCallerIdentityAsync(default)));

        Assert.Equal(AwsErrorKind.AccessDenied, error.Kind);
        Assert.Equal("sts", error.Service);
        Assert.Equal("r2", error.RequestId);
        Assert.Equal(1, server.Calls("GetCallerIdentity"));
    }

    [Fact]
    public async Task GetCallerIdentity_ConnectionRefusedForever_TransportError()
    {
        var faults = new FaultInjectingHandler(_server).Always("GetCallerIdentity", Fault.ConnectionResetBeforeSend);

        await Assert.ThrowsAsync<AwsTransportException>(() => _time.DriveAsync(Clients(faults).Sts.GetCallerIdentityAsync(default)));

        Assert.Equal(5, faults.Seen("GetCallerIdentity"));
    }

    private ICentralClients Clients(HttpMessageHandler handler) =>
        AwsClients.Create(new AwsOptions { Region = "us-east-1", EndpointUrl = UnitClients.Endpoint, Credentials = new BasicAWSCredentials("AKIDTEST", "secret"), InnerHandlerFactory = () => handler }, _time, _ => null, () => null, () => 1.0);
}
