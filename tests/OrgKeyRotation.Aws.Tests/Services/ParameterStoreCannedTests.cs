using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// Parameter Store answers moto never gives: its error codes (PutParameter and AddTagsToResource API references,
/// Errors) mapped onto the layer's kinds, TooManyUpdates retried, and the request's value kept out of every message.
/// </summary>
public class ParameterStoreCannedTests
{
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData("ParameterMaxVersionLimitExceeded", AwsErrorKind.LimitExceeded)]
    [InlineData("ParameterLimitExceeded", AwsErrorKind.LimitExceeded)]
    [InlineData("HierarchyLevelLimitExceededException", AwsErrorKind.LimitExceeded)]
    [InlineData("InvalidKeyId", AwsErrorKind.InvalidRequest)]
    [InlineData("HierarchyTypeMismatchException", AwsErrorKind.InvalidRequest)]
    [InlineData("ParameterPatternMismatchException", AwsErrorKind.InvalidRequest)]
    [InlineData("UnsupportedParameterType", AwsErrorKind.InvalidRequest)]
    [InlineData("AccessDeniedException", AwsErrorKind.AccessDenied)]
    public async Task PutSecureStringAsync_ServiceError_TypedKindWithoutTheValue(string code, AwsErrorKind kind)
    {
        var value = Secret();
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json($$"""{"__type":"{{code}}","message":"refused"}""", HttpStatusCode.BadRequest));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Client(server).PutSecureStringAsync("/team/alice", value, "alias/k", default));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(1, server.Calls("PutParameter"));
        SecretScan.AssertClean("exception", [error.Message, error.ToString()]);
    }

    [Fact]
    public async Task PutSecureStringAsync_TooManyUpdates_RetriedThenReturnsVersion()
    {
        var server = new StubAwsHandler((_, _, call) => call == 1
            ? StubAwsHandler.Json("""{"__type":"TooManyUpdates","message":"concurrent updates"}""", HttpStatusCode.BadRequest)
            : StubAwsHandler.Json("""{"Version":7,"Tier":"Standard"}"""));

        var version = await _time.DriveAsync(Client(server).PutSecureStringAsync("/team/alice", Secret(), null, default));

        Assert.Equal(7, version);
        Assert.Equal(2, server.Calls("PutParameter"));
    }

    [Fact]
    public async Task PutSecureStringAsync_Request_SecureStringWithOverwriteKeyIdAndNoTags()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("""{"Version":1}"""));

        await Client(server).PutSecureStringAsync("/team/alice", new SensitiveString("v"), "alias/k", default);

        var body = server.Bodies.Single();
        Assert.Contains("\"Type\":\"SecureString\"", body, StringComparison.Ordinal);
        Assert.Contains("\"Overwrite\":true", body, StringComparison.Ordinal);
        Assert.Contains("\"KeyId\":\"alias/k\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Tags", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutSecureStringAsync_NoVersionInAnswer_ThrowsMalformedResponse()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("{}"));

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => Client(server).PutSecureStringAsync("/team/alice", Secret(), null, default));

        Assert.Contains("Version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddTagsAsync_NoTags_MakesNoCall()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("{}"));

        await Client(server).AddTagsAsync("/team/alice", new Dictionary<string, string>(), default);

        Assert.Empty(server.Bodies);
    }

    private ParameterStoreClient Client(StubAwsHandler server) => new(UnitClients.Signed(AwsService.Ssm, server, _time));

    private static SensitiveString Secret()
    {
        var value = "ssm-value-" + Guid.NewGuid().ToString("N");
        SecretScan.RegisterSecret(value);
        return new SensitiveString(value);
    }
}
