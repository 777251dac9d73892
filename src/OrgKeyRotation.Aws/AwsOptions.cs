using Amazon.Runtime;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Aws;

/// <summary>Options of the AWS layer. Every member has a documented default; <see cref="Validate"/> checks ranges.</summary>
public sealed record AwsOptions
{
    /// <summary>Home region. Default: the SDK chain (AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>One endpoint for every service (e.g. an emulator). Wins over AWS_ENDPOINT_URL* variables. Default none.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>Named profile for the host credentials. Default none: the SDK's default chain.</summary>
    public string? Profile { get; init; }

    /// <summary>Role assumed in every member account. Default <see cref="RotationConfig.DefaultRoleName"/>.</summary>
    public string RoleName { get; init; } = RotationConfig.DefaultRoleName;

    /// <summary>sts:ExternalId passed to AssumeRole. Default none.</summary>
    public string? ExternalId { get; init; }

    /// <summary>RoleSessionName of AssumeRole (visible in CloudTrail). Default <c>OrgKeyRotation</c>.</summary>
    public string RoleSessionName { get; init; } = "OrgKeyRotation";

    /// <summary>Where <see cref="Core.Ports.IAccountSession.Secrets"/> acts: the member account (assumed role) or central (host credentials). Default Member.</summary>
    public SecretLocation SecretLocation { get; init; }

    /// <summary>Host credentials to use instead of <see cref="Profile"/> or the default chain. Default none.</summary>
    public AWSCredentials? Credentials { get; init; }

    public RetryOptions Retry { get; init; } = new();

    /// <summary>
    /// Test seam: creates the innermost handler under every HTTP client of the layer (signed calls, STS and SQS).
    /// Called once per <see cref="AwsClients.Create(AwsOptions, TimeProvider)"/>. Default none: a pooled SocketsHttpHandler.
    /// </summary>
    public Func<HttpMessageHandler>? InnerHandlerFactory { get; init; }

    /// <summary>Test seam: MaxItems/MaxResults sent on list calls, to exercise pagination. Default null: the service default.</summary>
    internal int? PageSize { get; init; }

    // Records print every member; Credentials must never reach a log, so list the safe ones only.
    public override string ToString() =>
        $"AwsOptions {{ Region = {Region}, EndpointUrl = {EndpointUrl}, Profile = {Profile}, RoleName = {RoleName}, ExternalId = {(ExternalId is null ? "" : "set")}, RoleSessionName = {RoleSessionName}, SecretLocation = {SecretLocation}, Credentials = {(Credentials is null ? "default chain" : "explicit")}, Retry = {Retry} }}";

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(RoleName, nameof(RoleName));
        ArgumentException.ThrowIfNullOrWhiteSpace(RoleSessionName, nameof(RoleSessionName));
        if (RoleSessionName.Length is < 2 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(RoleSessionName), RoleSessionName, "RoleSessionName must be 2 to 64 characters.");
        }

        if (EndpointUrl is { IsAbsoluteUri: false })
        {
            throw new ArgumentException($"EndpointUrl must be an absolute URL such as http://127.0.0.1:5000, not '{EndpointUrl}'.", nameof(EndpointUrl));
        }

        Retry.Validate();
    }
}

/// <summary>Retry policy for throttling, 5xx and transient network failures: exponential backoff with full jitter.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts per call including the first. Default 5. Range 1-20.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Backoff base: the cap of the n-th retry's delay is BaseDelay * 2^(n-1). Default 200 ms. Range 1 ms-10 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest single delay. Default 5 s. Range BaseDelay-60 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No retry starts after this much time since the first attempt. Default 30 s. Range 1 s-15 min.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt's limit; hitting it is a transient (ambiguous) failure. Default 20 s. Range 1 s-5 min.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    internal void Validate()
    {
        Check(MaxAttempts is >= 1 and <= 20, nameof(MaxAttempts), MaxAttempts, "1 to 20");
        Check(BaseDelay >= TimeSpan.FromMilliseconds(1) && BaseDelay <= TimeSpan.FromSeconds(10), nameof(BaseDelay), BaseDelay, "1 ms to 10 s");
        Check(MaxDelay >= BaseDelay && MaxDelay <= TimeSpan.FromSeconds(60), nameof(MaxDelay), MaxDelay, "BaseDelay to 60 s");
        Check(TotalBudget >= TimeSpan.FromSeconds(1) && TotalBudget <= TimeSpan.FromMinutes(15), nameof(TotalBudget), TotalBudget, "1 s to 15 min");
        Check(AttemptTimeout >= TimeSpan.FromSeconds(1) && AttemptTimeout <= TimeSpan.FromMinutes(5), nameof(AttemptTimeout), AttemptTimeout, "1 s to 5 min");
    }

    private static void Check(bool ok, string name, object value, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Retry.{name} must be {range}.");
        }
    }
}
