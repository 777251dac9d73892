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

    /// <summary>Where <see cref="Core.Ports.IAccountSession.Secrets"/> acts: the member account (assumed role) or central (host credentials). Default Member.</summary>
    public SecretLocation SecretLocation { get; init; }

    /// <summary>
    /// With <see cref="SecretLocation"/> central: the role (ARN with its path) that writes the secrets and that their
    /// resource policies name (<see cref="SecretsConfig.RotatorArn"/>). Required there; unused with member secrets.
    /// </summary>
    public string? SecretsRotatorArn { get; init; }

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
        $"AwsOptions {{ Region = {Region}, EndpointUrl = {EndpointUrl}, Profile = {Profile}, RoleName = {RoleName}, ExternalId = {(ExternalId is null ? "" : "set")}, SecretLocation = {SecretLocation}, SecretsRotatorArn = {SecretsRotatorArn}, Credentials = {(Credentials is null ? "default chain" : "explicit")}, Retry = {Retry} }}";

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(RoleName, nameof(RoleName));
        if (SecretLocation == SecretLocation.Central && !AwsIdentifiers.IsRoleArn(SecretsRotatorArn))
        {
            throw new ArgumentException($"SecretsRotatorArn must be the IAM role ARN (path included) that writes the central secrets, not '{SecretsRotatorArn}'.", nameof(SecretsRotatorArn));
        }

        if (EndpointUrl is { IsAbsoluteUri: false })
        {
            throw new ArgumentException($"EndpointUrl must be an absolute URL such as http://127.0.0.1:5000, not '{EndpointUrl}'.", nameof(EndpointUrl));
        }

        Retry.Validate();
    }
}
