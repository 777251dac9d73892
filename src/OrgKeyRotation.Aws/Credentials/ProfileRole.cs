using Amazon.Runtime;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>The role a profile's <c>role_arn</c> names, with the session name and external id it asks for.</summary>
internal sealed record ProfileRole(string ProfileName, string RoleArn, string SessionName, string? ExternalId);

/// <summary>sts:AssumeRole of <paramref name="role"/>, signed with <paramref name="source"/>.</summary>
internal delegate Task<RoleCredentials> AssumeRoleWith(AWSCredentials source, ProfileRole role, CancellationToken cancellationToken);
