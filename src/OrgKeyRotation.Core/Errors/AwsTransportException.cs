namespace OrgKeyRotation.Core.Errors;

/// <summary>The endpoint could not be reached at all (DNS, connection refused, TLS) after the allowed retries.</summary>
public sealed class AwsTransportException(string service, string operation, Uri endpoint, Exception inner)
    : AwsException(service, operation, $"{service}:{operation} could not reach {endpoint.GetLeftPart(UriPartial.Authority)} ({inner.Message}). Check the endpoint (AWS_ENDPOINT_URL*, --endpoint-url), network and region.", inner);
