using System.Net;

namespace OrgKeyRotation.Core.Errors;

/// <summary>
/// An AWS API call failed with an error response. The message names the service, operation and
/// AWS error code, and the service's own message (which never carries a secret); it never holds a request or response
/// body. Error code, HTTP status and request id are also properties: failures log them as structured fields.
/// </summary>
public class AwsServiceException : AwsException
{
    public AwsServiceException(string service, string operation, string errorCode, AwsErrorKind kind, HttpStatusCode statusCode, string? requestId, string? awsMessage)
        : this(service, operation, errorCode, kind, statusCode, requestId, awsMessage, FormatMessage(service, operation, errorCode, statusCode, requestId, awsMessage))
    {
    }

    /// <summary>For subtypes that word their own message.</summary>
    protected AwsServiceException(string service, string operation, string errorCode, AwsErrorKind kind, HttpStatusCode statusCode, string? requestId, string? awsMessage, string message)
        : base(service, operation, message)
    {
        ErrorCode = errorCode;
        Kind = kind;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    public string ErrorCode { get; }

    public AwsErrorKind Kind { get; }

    public HttpStatusCode StatusCode { get; }

    public string? RequestId { get; }

    private static string FormatMessage(string service, string operation, string errorCode, HttpStatusCode statusCode, string? requestId, string? awsMessage)
    {
        var text = $"{service}:{operation} failed with {errorCode} (HTTP {(int)statusCode}";
        text += requestId is null ? ")" : $", request id {requestId})";
        if (!string.IsNullOrWhiteSpace(awsMessage))
        {
            text += ": " + (awsMessage.Length > 300 ? awsMessage[..300] + "…" : awsMessage);
        }

        return text;
    }
}
