using Amazon.Runtime;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// An IAM Identity Center profile (<c>sso_session</c>, or the legacy <c>sso_start_url</c>), resolved by the SDK from the
/// token that <c>aws sso login</c> cached in ~/.aws/sso/cache: the portal's GetRoleCredentials
/// (https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html) turns the token
/// into role credentials. A missing, expired or revoked sign-in becomes a message that says how to sign in again.
/// </summary>
internal sealed class SsoProfileCredentials(string profileName, AWSCredentials sdkCredentials) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        try
        {
            return await sdkCredentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonServiceException e) when (e.ErrorCode == "UnauthorizedException")
        {
            // GetRoleCredentials answers 401 UnauthorizedException to a token it does not (or no longer) accept.
            throw SignInAgain($"the IAM Identity Center portal refused the cached sign-in: {e.Message}", e);
        }
        catch (AmazonServiceException e)
        {
            throw AwsCredentialsException.InProfile(profileName, $"the IAM Identity Center portal refused GetRoleCredentials ({e.ErrorCode}: {e.Message}). Check sso_account_id and sso_role_name, and that your user is assigned that permission set", e);
        }
        catch (AmazonClientException e)
        {
            // The SDK's own token checks: no cached token for the session, or one that expired and cannot be refreshed.
            throw SignInAgain(e.Message, e);
        }
        catch (HttpRequestException e)
        {
            throw AwsCredentialsException.InProfile(profileName, $"the IAM Identity Center portal could not be reached ({e.Message})", e);
        }
    }

    private AwsCredentialsException SignInAgain(string detail, Exception inner) =>
        AwsCredentialsException.InProfile(profileName, $"it uses IAM Identity Center and has no valid sign-in ({detail.TrimEnd('.')}). Sign in again with: aws sso login --profile {profileName}", inner);
}
