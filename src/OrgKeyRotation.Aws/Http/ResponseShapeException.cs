namespace OrgKeyRotation.Aws.Http;

/// <summary>
/// A response lacks what the call needs (a field, a known value). Thrown while reading a response; the signed client
/// turns it into <see cref="Core.Errors.AwsMalformedResponseException"/>. The message names elements, never values.
/// </summary>
internal sealed class ResponseShapeException(string detail) : Exception(detail);
