namespace OrgKeyRotation.Core.Errors;

/// <summary>
/// A non-idempotent call (CreateAccessKey) was sent but its outcome is unknown: the connection broke or timed out
/// after the request left, or the answer could not be read. It is never retried blindly; the engine reconciles on the
/// next look at the user.
/// </summary>
public sealed class AmbiguousOutcomeException(string service, string operation, Exception inner)
    : AwsException(service, operation, $"{service}:{operation} may or may not have been applied: the response was lost or unreadable ({inner.GetType().Name}). The next sweep reconciles; no blind retry was made.", inner);
