using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws;

/// <summary>Entry point of the AWS layer. (Being built: see issue 2.)</summary>
public static class AwsClients
{
    public static ICentralClients Create(AwsOptions options, TimeProvider timeProvider) => throw new NotImplementedException();
}

/// <summary>Options of the AWS layer. (Being built: see issue 2.)</summary>
public sealed record AwsOptions
{
    public string? Region { get; init; }

    public Uri? EndpointUrl { get; init; }

    public string? Profile { get; init; }

    public string RoleName { get; init; } = "IAMKeyRotationRole";

    public string? ExternalId { get; init; }

    public Core.Configuration.SecretLocation SecretLocation { get; init; }
}
