using System.Net;

namespace OrgKeyRotation.Core.Errors;

/// <summary>What kind of AWS error occurred, independent of the service's exact code.</summary>
public enum AwsErrorKind
{
    Other,
    /// <summary>IAM NoSuchEntity.</summary>
    NoSuchEntity,
    /// <summary>IAM LimitExceeded, e.g. a third access key.</summary>
    LimitExceeded,
    /// <summary>IAM EntityAlreadyExists.</summary>
    EntityAlreadyExists,
    /// <summary>AccessDenied / AccessDeniedException / UnauthorizedOperation / AuthorizationError.</summary>
    AccessDenied,
    /// <summary>Secrets Manager / SNS / Organizations ResourceNotFoundException, NotFound, AccountNotFoundException.</summary>
    ResourceNotFound,
    /// <summary>Secrets Manager ResourceExistsException.</summary>
    ResourceExists,
    /// <summary>InvalidRequestException, InvalidParameter*, ValidationError, MalformedPolicyDocument.</summary>
    InvalidRequest,
    /// <summary>Throttling, ThrottlingException, TooManyRequestsException, RequestLimitExceeded, HTTP 429.</summary>
    Throttling,
    /// <summary>5xx or InternalFailure/ServiceUnavailable.</summary>
    ServiceFailure,
    /// <summary>InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken: the credentials themselves were refused.</summary>
    InvalidCredentials,
}

/// <summary>
/// An AWS API call failed with an error response. The message names the service, operation and
/// AWS error code; it never holds a request or response body.
/// </summary>
public class AwsServiceException : Exception
{
    public AwsServiceException(string service, string operation, string errorCode, AwsErrorKind kind, HttpStatusCode statusCode, string? requestId, string? awsMessage)
        : base(FormatMessage(service, operation, errorCode, statusCode, requestId, awsMessage))
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        Kind = kind;
        StatusCode = statusCode;
        RequestId = requestId;
        AwsMessage = awsMessage;
    }

    public string Service { get; }

    public string Operation { get; }

    public string ErrorCode { get; }

    public AwsErrorKind Kind { get; }

    public HttpStatusCode StatusCode { get; }

    public string? RequestId { get; }

    /// <summary>The service's own error message (it never carries a secret; request bodies never reach here).</summary>
    public string? AwsMessage { get; }

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

/// <summary>
/// A non-idempotent call (CreateAccessKey) was sent but its outcome is unknown: the connection broke or timed out
/// after the request left. It is never retried blindly; the engine reconciles on the next look at the user.
/// </summary>
public sealed class AmbiguousOutcomeException : Exception
{
    public AmbiguousOutcomeException(string service, string operation, Exception inner)
        : base($"{service}:{operation} may or may not have been applied: the response was lost ({inner.GetType().Name}). The next sweep reconciles; no blind retry was made.", inner)
    {
        Service = service;
        Operation = operation;
    }

    public string Service { get; }

    public string Operation { get; }
}

/// <summary>The endpoint could not be reached at all (DNS, connection refused, TLS) after the allowed retries.</summary>
public sealed class AwsTransportException : Exception
{
    public AwsTransportException(string service, string operation, Uri endpoint, Exception inner)
        : base($"{service}:{operation} could not reach {endpoint.GetLeftPart(UriPartial.Authority)} ({inner.Message}). Check the endpoint (AWS_ENDPOINT_URL*, --endpoint-url), network and region.", inner)
    {
        Service = service;
        Operation = operation;
        Endpoint = endpoint;
    }

    public string Service { get; }

    public string Operation { get; }

    public Uri Endpoint { get; }
}

/// <summary>No AWS credentials could be resolved from the default chain or the configuration.</summary>
public sealed class AwsCredentialsException : Exception
{
    public AwsCredentialsException(string detail, Exception? inner = null)
        : base($"No AWS credentials could be resolved: {detail}. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE (--profile), or run where a role is attached.", inner)
    {
    }
}
