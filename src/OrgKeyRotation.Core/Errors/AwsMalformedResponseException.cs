using System.Net;

namespace OrgKeyRotation.Core.Errors;

/// <summary>
/// AWS (or something answering in its place) returned a success response that could not be read: not XML/JSON, or
/// without a field the call needs. <paramref name="detail"/> names what was wrong (a position, a field name), never
/// response content, which may hold credentials. It is an <see cref="AwsServiceException"/> (kind
/// <see cref="AwsErrorKind.MalformedResponse"/>) so that every caller that handles a failed AWS call handles it too.
/// A non-idempotent call whose response cannot be read surfaces as <see cref="AmbiguousOutcomeException"/> instead.
/// </summary>
public sealed class AwsMalformedResponseException(string service, string operation, string detail, string? requestId = null)
    : AwsServiceException(
        service,
        operation,
        "MalformedResponse",
        AwsErrorKind.MalformedResponse,
        HttpStatusCode.OK,
        requestId,
        null,
        $"{service}:{operation} returned a response that could not be read ({detail}). The call counts as failed; if it persists, check that the endpoint is AWS (AWS_ENDPOINT_URL*, proxies).");
