using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The host's own credentials: explicit, a named profile, or the SDK default chain. Resolved on first use (so
/// building the clients never blocks on instance metadata) and refreshed by the SDK's credential object itself.
/// </summary>
internal sealed class HostCredentials
{
    private readonly Lazy<AWSCredentials> _source;

    public HostCredentials(AWSCredentials? explicitCredentials, string? profile)
    {
        _source = new Lazy<AWSCredentials>(() => explicitCredentials ?? Resolve(profile), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public AWSCredentials Signing => new DeferredCredentials(GetAsync);

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await _source.Value.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return credentials ?? throw new AwsCredentialsException("the credential source returned nothing");
        }
        catch (AmazonClientException e)
        {
            throw new AwsCredentialsException(e.Message, e);
        }
    }

    private static AWSCredentials Resolve(string? profile)
    {
        try
        {
            if (profile is not null)
            {
                return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                    ? fromProfile
                    : throw new AwsCredentialsException($"profile '{profile}' was not found or holds no credentials");
            }

            return DefaultAWSCredentialsIdentityResolver.GetCredentials()
                ?? throw new AwsCredentialsException("the default chain found nothing");
        }
        catch (AmazonClientException e)
        {
            throw new AwsCredentialsException(e.Message, e);
        }
    }
}
