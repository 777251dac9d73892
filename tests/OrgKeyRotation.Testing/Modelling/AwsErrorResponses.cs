using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using System.Text.Json;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Error answers in each protocol's own format, as AWS sends them (docs/emulator-limits.md cites the formats):
/// Query services answer <c>&lt;ErrorResponse xmlns=...&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>,
/// JSON services a body with <c>__type</c> and <c>message</c> plus the <c>x-amzn-ErrorType</c> header. Both carry
/// <c>x-amzn-RequestId</c>.
/// </summary>
public static class AwsErrorResponses
{
    public const string InvalidTokenMessage = "The security token included in the request is invalid.";

    /// <summary>The answer to a request signed by a key IAM does not (yet) know: 403 InvalidClientTokenId.</summary>
    public static HttpResponseMessage InvalidClientTokenId(AwsCall call) =>
        Create(call, HttpStatusCode.Forbidden, "InvalidClientTokenId", InvalidTokenMessage);

    /// <summary>
    /// The answer to a throttled request: 400 <c>Throttling</c> on Query services, <c>TooManyRequestsException</c> on
    /// Organizations, <c>ThrottlingException</c> on the other JSON services.
    /// </summary>
    public static HttpResponseMessage Throttling(AwsCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var code = call.Protocol == AwsProtocol.Query ? "Throttling" : call.Service == "organizations" ? "TooManyRequestsException" : "ThrottlingException";
        return Create(call, HttpStatusCode.BadRequest, code, "Rate exceeded");
    }

    /// <summary>An error answer with <paramref name="code"/> in the protocol of <paramref name="call"/>.</summary>
    public static HttpResponseMessage Create(AwsCall call, HttpStatusCode status, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(call);
        var requestId = Guid.NewGuid().ToString();
        HttpContent content;
        if (call.Protocol == AwsProtocol.Json)
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message });
            content = new StringContent(body, Encoding.UTF8, call.JsonContentType);
        }
        else
        {
            var xmlns = QueryNamespace(call.Service) is { } ns ? $" xmlns=\"{ns}\"" : string.Empty;
            var type = (int)status >= 500 ? "Receiver" : "Sender";
            var body = string.Create(CultureInfo.InvariantCulture, $"<ErrorResponse{xmlns}><Error><Type>{type}</Type><Code>{SecurityElement.Escape(code)}</Code><Message>{SecurityElement.Escape(message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>");
            content = new StringContent(body, Encoding.UTF8, "text/xml");
        }

        var response = new HttpResponseMessage(status) { RequestMessage = call.Request, Content = content };
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", requestId);
        if (call.Protocol == AwsProtocol.Json)
        {
            response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", code);
        }

        return response;
    }

    private static string? QueryNamespace(string service) => service switch
    {
        "iam" => "https://iam.amazonaws.com/doc/2010-05-08/",
        "sts" => "https://sts.amazonaws.com/doc/2011-06-15/",
        "sns" => "http://sns.amazonaws.com/doc/2010-03-31/",
        _ => null,
    };
}
