namespace OrgKeyRotation.Core.Errors;

/// <summary>What kind of GitHub failure occurred; each has one message that says what to do.</summary>
public enum GitHubErrorKind
{
    /// <summary>401: the installation token, the app's JWT or the personal access token was refused.</summary>
    BadCredentials,
    /// <summary>403 that is not a rate limit: the app or token lacks the permission the call needs.</summary>
    Forbidden,
    /// <summary>404: the repository, environment or organization does not exist, or the app or token cannot see it.</summary>
    NotFound,
    /// <summary>422: GitHub refused the request's content (a secret name, the visibility, a repository id).</summary>
    Validation,
    /// <summary>403 or 429 for a rate limit whose wait is longer than the retry budget allows.</summary>
    RateLimited,
    /// <summary>5xx after the allowed retries.</summary>
    ServiceFailure,
    /// <summary>GitHub could not be reached after the allowed retries.</summary>
    Transport,
    /// <summary>A success response that could not be read.</summary>
    MalformedResponse,
    /// <summary>The central secret holding the GitHub credential is missing, unreadable or incomplete.</summary>
    CredentialSecret,
    /// <summary>The sealed box could not be made: the native libsodium library did not load.</summary>
    SealingUnavailable,
}

/// <summary>
/// A GitHub call (or its preparation) failed. The message says what failed and what to do; it never holds a token, a
/// JWT, a private key, a secret value or a response body. <see cref="RetryAt"/> is set for rate limits.
/// </summary>
public sealed class GitHubApiException(GitHubErrorKind kind, string message, int? statusCode = null, string? requestId = null, DateTimeOffset? retryAt = null, Exception? inner = null)
    : Exception(message, inner)
{
    public GitHubErrorKind Kind { get; } = kind;

    /// <summary>The HTTP status GitHub answered, when it answered.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>GitHub's x-github-request-id, for GitHub support.</summary>
    public string? RequestId { get; } = requestId;

    /// <summary>When GitHub allows the next request (rate limits only).</summary>
    public DateTimeOffset? RetryAt { get; } = retryAt;
}
