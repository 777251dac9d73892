using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The host's own credentials: explicit, a named profile, or the default chain. Resolved on first use (so building the
/// clients never blocks on instance metadata) and refreshed by the credential object itself.
/// </summary>
/// <remarks>
/// Without a named profile the order is the AWS CLI's: keys in the environment (AWS_ACCESS_KEY_ID), then the profile
/// AWS_PROFILE names (or "default") when the shared files give it credentials, then the SDK's chain for the rest (web
/// identity, container, instance metadata). Profiles go through <see cref="ProfileCredentials"/> either way, so a
/// profile behaves the same whether it is named by --profile or by AWS_PROFILE.
/// </remarks>
internal sealed class HostCredentials
{
    private readonly Lazy<AWSCredentials> _source;

    public HostCredentials(AWSCredentials? explicitCredentials, string? profile, ProfileCredentials profiles, Func<string, string?> environment)
    {
        _source = new Lazy<AWSCredentials>(() => explicitCredentials ?? Resolve(profile, profiles, environment), LazyThreadSafetyMode.ExecutionAndPublication);
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

    private static AWSCredentials Resolve(string? profile, ProfileCredentials profiles, Func<string, string?> environment)
    {
        if (profile is not null)
        {
            return profiles.Resolve(profile);
        }

        if (string.IsNullOrEmpty(environment("AWS_ACCESS_KEY_ID")))
        {
            // A profile AWS_PROFILE names must exist; one that holds only settings (a region) leaves the rest of the chain in charge.
            var selected = SharedProfiles.SelectedName(environment);
            var found = SharedProfiles.Find(selected);
            if (found is { CanCreateAWSCredentials: true } || (found is null && !string.IsNullOrWhiteSpace(environment("AWS_PROFILE"))))
            {
                return profiles.Resolve(selected);
            }
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials()
                ?? throw new AwsCredentialsException("the default chain found nothing");
        }
        catch (AmazonClientException e)
        {
            throw new AwsCredentialsException(e.Message, e);
        }
    }
}
