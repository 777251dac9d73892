using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Aws.Tests.Http;

/// <summary>
/// A 200 whose body cannot be read (a proxy's page, a truncated answer, a shape this release does not know) is a typed
/// AWS failure, not InvalidDataException/JsonException: it derives from AwsServiceException, which every engine filter
/// handles as one user's failure. The body never reaches the message.
/// </summary>
public class MalformedResponseTests
{
    private const string Secretish = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<string, string> UnreadableQueryBodies => new()
    {
        { "not xml at all " + Secretish, "not well-formed XML" },
        { "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><AccessKeyId>" + Secretish, "not well-formed XML" },
        { "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><UserName>alice</UserName><Status>Active</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>", "no <AccessKeyId>" },
        { "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><AccessKeyId>AKIA1</AccessKeyId><Status>Retired</Status><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>", "<Status> is neither" },
        { "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><AccessKeyId>AKIA1</AccessKeyId><Status>Active</Status><CreateDate>" + Secretish + "</CreateDate></member></AccessKeyMetadata></ListAccessKeysResult></ListAccessKeysResponse>", "<CreateDate> is not a date" },
    };

    [Theory]
    [MemberData(nameof(UnreadableQueryBodies))]
    public async Task QueryCall_UnreadableSuccessBody_MalformedResponseNotRetried(string body, string detail)
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml(body));

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => Iam(server).ListAccessKeysAsync("alice", default));

        Assert.IsAssignableFrom<AwsServiceException>(error);
        Assert.Equal(AwsErrorKind.MalformedResponse, error.Kind);
        Assert.Equal("ListAccessKeys", error.Operation);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secretish, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls("ListAccessKeys"));
    }

    public static TheoryData<string, string> UnreadableJsonBodies => new()
    {
        { "{\"ARN\":\"" + Secretish, "not the expected JSON" },
        { "<html>" + Secretish + "</html>", "not the expected JSON" },
        { """{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:s","Tags":"not-a-list"}""", "not the expected JSON at $.Tags" },
        { "null", "the body is JSON null" },
        { """{"Name":"s"}""", "no ARN" },
    };

    [Theory]
    [MemberData(nameof(UnreadableJsonBodies))]
    public async Task JsonCall_UnreadableSuccessBody_MalformedResponse(string body, string detail)
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json(body));

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => Secrets(server).DescribeSecretAsync("s", default));

        Assert.Equal("secretsmanager", error.Service);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secretish, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAccounts_AccountWithoutId_MalformedResponse()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("""{"Accounts":[{"Name":"a","State":"ACTIVE"}]}"""));
        var organizations = new OrganizationsClient(UnitClients.Signed(AwsService.Organizations, server, _time), null);

        var error = await Assert.ThrowsAsync<AwsMalformedResponseException>(async () => await organizations.ListAccountsAsync(default).ToListAsync());

        Assert.Contains("an account without Id", error.Message, StringComparison.Ordinal);
    }

    // The key may exist now although its secret half was not read: the engine must reconcile, not retry.
    [Fact]
    public async Task CreateAccessKey_UnreadableSuccessBody_AmbiguousWithoutTheBody()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Xml("<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><AccessKeyId>AKIANEW</AccessKeyId><SecretAccessKey>" + Secretish));

        var error = await Assert.ThrowsAsync<AmbiguousOutcomeException>(() => Iam(server).CreateAccessKeyAsync("alice", default));

        Assert.IsType<AwsMalformedResponseException>(error.InnerException);
        Assert.DoesNotContain(Secretish, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secretish, error.InnerException.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls("CreateAccessKey"));
    }

    [Fact]
    public async Task CreateSecret_ValueWithoutTokenAndNoArnInAnswer_Ambiguous()
    {
        var server = new StubAwsHandler((_, _, _) => StubAwsHandler.Json("{}"));

        var error = await Assert.ThrowsAsync<AmbiguousOutcomeException>(() => Secrets(server).CreateSecretAsync(new CreateSecretRequest("s", null, null, new Dictionary<string, string>(), null, new SensitiveString("v")), default));

        Assert.Equal("CreateSecret", error.Operation);
    }

    private IamClient Iam(HttpMessageHandler handler) => new(UnitClients.Signed(AwsService.Iam, handler, _time), null);

    private SecretsManagerClient Secrets(HttpMessageHandler handler) => new(UnitClients.Signed(AwsService.SecretsManager, handler, _time), null);
}
