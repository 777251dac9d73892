using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Http;

public class RetryTests
{
    private const string ListKeysXml = "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><UserName>alice</UserName><AccessKeyId>AKIAOLD</AccessKeyId><Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>";
    private const string CreateKeyXml = "<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><UserName>alice</UserName><AccessKeyId>AKIANEW</AccessKeyId><Status>Active</Status><SecretAccessKey>s3cr3t</SecretAccessKey><CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult></CreateAccessKeyResponse>";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly StubAwsHandler _server = new((operation, _, _) => StubAwsHandler.Xml(operation == "CreateAccessKey" ? CreateKeyXml : ListKeysXml));

    [Fact]
    public async Task ListAccessKeys_ThrottledTwiceThenOk_ReturnsResult()
    {
        var faults = new FaultInjectingHandler(_server).On("ListAccessKeys", 1, Fault.Throttle).On("ListAccessKeys", 2, Fault.Throttle);

        var keys = await _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", default));

        Assert.Equal("AKIAOLD", Assert.Single(keys).AccessKeyId);
        Assert.Equal(3, faults.Seen("ListAccessKeys"));
        Assert.Equal(1, _server.Calls("ListAccessKeys"));
    }

    [Fact]
    public async Task ListAccessKeys_ThrottledForever_ThrowsThrottlingAfterMaxAttempts()
    {
        var faults = new FaultInjectingHandler(_server).Always("ListAccessKeys", Fault.Throttle);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", default)));

        Assert.Equal(AwsErrorKind.Throttling, error.Kind);
        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(5, faults.Seen("ListAccessKeys"));
    }

    [Fact]
    public async Task ListAccessKeys_ThrottledForever_StopsAtTotalBudget()
    {
        var faults = new FaultInjectingHandler(_server).Always("ListAccessKeys", Fault.Throttle);
        var retry = new RetryOptions { MaxAttempts = 20, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2), TotalBudget = TimeSpan.FromSeconds(5) };
        var started = _time.GetTimestamp();

        await Assert.ThrowsAsync<AwsServiceException>(() => _time.DriveAsync(Iam(faults, retry).ListAccessKeysAsync("alice", default)));

        Assert.InRange(faults.Seen("ListAccessKeys"), 2, 6);
        Assert.InRange(_time.GetElapsedTime(started), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task ListAccessKeys_Http500ThenOk_Retried()
    {
        var faults = new FaultInjectingHandler(_server).On("ListAccessKeys", 1, Fault.Http500);

        await _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", default));

        Assert.Equal(2, faults.Seen("ListAccessKeys"));
    }

    [Fact]
    public async Task ListAccessKeys_ResponseLostOnce_RetriedBecauseIdempotent()
    {
        var faults = new FaultInjectingHandler(_server).On("ListAccessKeys", 1, Fault.ResponseLostAfterApply);

        await _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", default));

        Assert.Equal(2, _server.Calls("ListAccessKeys"));
    }

    [Fact]
    public async Task ListAccessKeys_ConnectionAlwaysRefused_ThrowsTransportError()
    {
        var faults = new FaultInjectingHandler(_server).Always("ListAccessKeys", Fault.ConnectionResetBeforeSend);

        var error = await Assert.ThrowsAsync<AwsTransportException>(() => _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", default)));

        Assert.Equal(5, faults.Seen("ListAccessKeys"));
        Assert.Equal("ListAccessKeys", error.Operation);
    }

    [Fact]
    public async Task CreateAccessKey_ResponseLost_AmbiguousWithoutRetry()
    {
        var faults = new FaultInjectingHandler(_server).On("CreateAccessKey", 1, Fault.ResponseLostAfterApply);

        var error = await Assert.ThrowsAsync<AmbiguousOutcomeException>(() => _time.DriveAsync(Iam(faults).CreateAccessKeyAsync("alice", default)));

        Assert.Equal("CreateAccessKey", error.Operation);
        Assert.Equal(1, _server.Calls("CreateAccessKey"));
        Assert.Equal(1, faults.Seen("CreateAccessKey"));
    }

    [Fact]
    public async Task CreateAccessKey_Http500_AmbiguousWithoutRetry()
    {
        var faults = new FaultInjectingHandler(_server).On("CreateAccessKey", 1, Fault.Http500);

        var error = await Assert.ThrowsAsync<AmbiguousOutcomeException>(() => _time.DriveAsync(Iam(faults).CreateAccessKeyAsync("alice", default)));

        Assert.IsType<AwsServiceException>(error.InnerException);
        Assert.Equal(1, faults.Seen("CreateAccessKey"));
    }

    [Fact]
    public async Task CreateAccessKey_NoResponseWithinAttemptTimeout_AmbiguousWithoutRetry()
    {
        var hanging = new FaultInjectingHandler(_server).On("CreateAccessKey", 1, Fault.Callback((_, token) => Task.Delay(Timeout.Infinite, token)));

        await Assert.ThrowsAsync<AmbiguousOutcomeException>(() => _time.DriveAsync(Iam(hanging).CreateAccessKeyAsync("alice", default)));

        Assert.Equal(1, hanging.Seen("CreateAccessKey"));
    }

    [Theory]
    [InlineData("throttle")]
    [InlineData("connect")]
    public async Task CreateAccessKey_RefusedBeforeApplying_RetriedAndSucceeds(string fault)
    {
        var faults = new FaultInjectingHandler(_server).On("CreateAccessKey", 1, fault == "throttle" ? Fault.Throttle : Fault.ConnectionResetBeforeSend);

        var key = await _time.DriveAsync(Iam(faults).CreateAccessKeyAsync("alice", default));

        Assert.Equal("AKIANEW", key.AccessKeyId);
        Assert.Equal(2, faults.Seen("CreateAccessKey"));
        Assert.Equal(1, _server.Calls("CreateAccessKey"));
    }

    [Fact]
    public async Task Retry_EachAttempt_IsANewSignedRequest()
    {
        var capture = new CapturingHandler(new FaultInjectingHandler(_server).On("ListAccessKeys", 1, Fault.Throttle));
        var counter = new CallCountingHandler(capture);

        await _time.DriveAsync(Iam(counter).ListAccessKeysAsync("alice", default));

        Assert.Equal(2, capture.Requests.Count);
        Assert.All(capture.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Headers["Authorization"], StringComparison.Ordinal));
        Assert.Equal([1, 2], counter.Calls.Select(c => c.Attempt));
        Assert.All(counter.Calls, c => Assert.Equal("111122223333", c.AccountId));
    }

    [Fact]
    public async Task SecretsManager_JsonThrottleThenOk_Retried()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("""{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:s","Name":"s","VersionIdsToStages":{}}"""));
        var faults = new FaultInjectingHandler(server).On("DescribeSecret", 1, Fault.Throttle);
        var secrets = new SecretsManagerClient(UnitClients.Signed(AwsService.SecretsManager, faults, _time), null);

        var description = await _time.DriveAsync(secrets.DescribeSecretAsync("s", default));

        Assert.Equal("s", description!.Name);
        Assert.Equal(2, faults.Seen("DescribeSecret"));
    }

    [Fact]
    public async Task Cancellation_ByCaller_IsNotRetriedOrWrapped()
    {
        using var cts = new CancellationTokenSource();
        var faults = new FaultInjectingHandler(_server).On("ListAccessKeys", 1, Fault.Callback(async (_, _) =>
        {
            await cts.CancelAsync();
            cts.Token.ThrowIfCancellationRequested();
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _time.DriveAsync(Iam(faults).ListAccessKeysAsync("alice", cts.Token)));

        Assert.Equal(1, faults.Seen("ListAccessKeys"));
    }

    [Theory]
    [InlineData(0, 0.5, 100)]
    [InlineData(1, 1.0, 400)]
    [InlineData(3, 1.0, 1600)]
    [InlineData(10, 1.0, 5000)]
    [InlineData(4, 0.0, 0)]
    public void FullJitterDelay_RetryIndexAndRandom_UniformBelowCappedExponential(int retryIndex, double random, double expectedMs) =>
        Assert.Equal(expectedMs, AwsRetry.FullJitterDelay(retryIndex, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), random).TotalMilliseconds, 3);

    private IamClient Iam(HttpMessageHandler handler, RetryOptions? retry = null) => new(UnitClients.Signed(AwsService.Iam, handler, _time, retry), null);
}
