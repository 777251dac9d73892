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
    /// <summary>A success response that could not be read (<see cref="AwsMalformedResponseException"/>).</summary>
    MalformedResponse,
}
