using System.Net;
using System.Text;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Tests.Http;

public class AwsErrorParserTests
{
    private static readonly Dictionary<string, string> NoHeaders = [];

    [Fact]
    public void Parse_IamQueryXml_CodeMessageAndBodyRequestId()
    {
        const string body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>";

        var error = Parse(HttpStatusCode.NotFound, body);

        Assert.Equal("NoSuchEntity", error.ErrorCode);
        Assert.Equal(AwsErrorKind.NoSuchEntity, error.Kind);
        Assert.Equal("req-1", error.RequestId);
        Assert.EndsWith(": The user with name bob cannot be found.", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public void Parse_HeaderRequestId_WinsOverBody()
    {
        var error = AwsErrorParser.Parse("sns", "Publish", HttpStatusCode.BadRequest, new Dictionary<string, string> { ["x-amzn-RequestId"] = "hdr" }, "<ErrorResponse><Error><Code>Throttling</Code></Error><RequestId>body</RequestId></ErrorResponse>"u8);

        Assert.Equal("hdr", error.RequestId);
        Assert.Equal(AwsErrorKind.Throttling, error.Kind);
    }

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","message":"not here"}""", "ResourceNotFoundException", "not here")]
    [InlineData("""{"__type":"ResourceExistsException","Message":"exists"}""", "ResourceExistsException", "exists")]
    [InlineData("""{"__type":"AccountNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/","Message":"m"}""", "AccountNotFoundException", "m")]
    public void Parse_JsonBody_NamespacedTypeNormalized(string body, string code, string message)
    {
        var error = Parse(HttpStatusCode.BadRequest, body);

        Assert.Equal(code, error.ErrorCode);
        Assert.EndsWith($"): {message}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonWithoutTypeButErrorTypeHeader_UsesHeader()
    {
        var headers = new Dictionary<string, string> { ["x-amzn-ErrorType"] = "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", ["x-amzn-RequestId"] = "r" };

        var error = AwsErrorParser.Parse("organizations", "ListAccounts", HttpStatusCode.BadRequest, headers, """{"message":"Rate exceeded"}"""u8);

        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(AwsErrorKind.Throttling, error.Kind);
        Assert.Equal("r", error.RequestId);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "", AwsErrorKind.Throttling)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", AwsErrorKind.ServiceFailure)]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>", AwsErrorKind.ServiceFailure)]
    [InlineData(HttpStatusCode.Forbidden, "not xml or json", AwsErrorKind.Other)]
    public void Parse_NoUsableCode_KindFromStatus(HttpStatusCode status, string body, AwsErrorKind kind) =>
        Assert.Equal(kind, Parse(status, body).Kind);

    [Fact]
    public void Parse_AnyBody_MessageNeverContainsTheBody()
    {
        const string body = """{"__type":"InvalidRequestException","message":"bad","SecretString":"AKIA-SECRET-VALUE"}""";

        var error = Parse(HttpStatusCode.BadRequest, body);

        Assert.DoesNotContain("AKIA-SECRET-VALUE", error.Message, StringComparison.Ordinal);
        Assert.Contains("secretsmanager:Op failed with InvalidRequestException", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NoSuchEntity", AwsErrorKind.NoSuchEntity)]
    [InlineData("LimitExceeded", AwsErrorKind.LimitExceeded)]
    [InlineData("EntityAlreadyExists", AwsErrorKind.EntityAlreadyExists)]
    [InlineData("AccessDenied", AwsErrorKind.AccessDenied)]
    [InlineData("AccessDeniedException", AwsErrorKind.AccessDenied)]
    [InlineData("AuthorizationError", AwsErrorKind.AccessDenied)]
    [InlineData("ResourceNotFoundException", AwsErrorKind.ResourceNotFound)]
    [InlineData("NotFound", AwsErrorKind.ResourceNotFound)]
    [InlineData("AccountNotFoundException", AwsErrorKind.ResourceNotFound)]
    [InlineData("AWS.SimpleQueueService.NonExistentQueue", AwsErrorKind.ResourceNotFound)]
    [InlineData("ResourceExistsException", AwsErrorKind.ResourceExists)]
    [InlineData("InvalidRequestException", AwsErrorKind.InvalidRequest)]
    [InlineData("InvalidParameterException", AwsErrorKind.InvalidRequest)]
    [InlineData("MalformedPolicyDocument", AwsErrorKind.InvalidRequest)]
    [InlineData("ValidationError", AwsErrorKind.InvalidRequest)]
    [InlineData("Throttling", AwsErrorKind.Throttling)]
    [InlineData("ThrottlingException", AwsErrorKind.Throttling)]
    [InlineData("TooManyRequestsException", AwsErrorKind.Throttling)]
    [InlineData("RequestLimitExceeded", AwsErrorKind.Throttling)]
    [InlineData("InternalFailure", AwsErrorKind.ServiceFailure)]
    [InlineData("ServiceUnavailable", AwsErrorKind.ServiceFailure)]
    [InlineData("InvalidClientTokenId", AwsErrorKind.InvalidCredentials)]
    [InlineData("SignatureDoesNotMatch", AwsErrorKind.InvalidCredentials)]
    [InlineData("ExpiredToken", AwsErrorKind.InvalidCredentials)]
    [InlineData("SomethingNew", AwsErrorKind.Other)]
    public void KindOf_Code_MapsToKind(string code, AwsErrorKind kind) =>
        Assert.Equal(kind, AwsErrorParser.KindOf(code, HttpStatusCode.BadRequest));

    private static AwsServiceException Parse(HttpStatusCode status, string body) =>
        AwsErrorParser.Parse("secretsmanager", "Op", status, NoHeaders, Encoding.UTF8.GetBytes(body));
}
