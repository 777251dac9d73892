using Amazon.Runtime;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// A <c>role_arn</c> profile: the role's session, assumed with the source credentials through this layer's STS client
/// and renewed <see cref="RoleCredentialCache.RefreshMargin"/> before it expires. Not the SDK's own
/// AssumeRoleAWSCredentials: under Native AOT that one needs an STS client from the SDK's runtime registry, and a
/// registered client cannot carry the source profile's credentials (docs/decisions/0006).
/// </summary>
internal sealed class ProfileRoleCredentials(AWSCredentials source, ProfileRole role, AssumeRoleWith assumeRole, TimeProvider time) : AWSCredentials
{
    private readonly RoleCredentialCache _cache = new((_, _, cancellationToken) => AssumeAsync(source, role, assumeRole, cancellationToken), time);

    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync() =>
        (await _cache.GetAsync(role.ProfileName, role.SessionName, CancellationToken.None).ConfigureAwait(false)).Credentials;

    private static async Task<RoleCredentials> AssumeAsync(AWSCredentials source, ProfileRole role, AssumeRoleWith assumeRole, CancellationToken cancellationToken)
    {
        try
        {
            return await assumeRole(source, role, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            throw AwsCredentialsException.InProfile(role.ProfileName, $"it could not assume its role {role.RoleArn} ({e.Message}). Check the role's trust policy and the source profile's permission for sts:AssumeRole", e);
        }
    }
}
