using System.Globalization;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using OrgKeyRotation.Core.Errors;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// A named profile of the shared files turned into credentials, for each kind the AWS CLI documents
/// (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html): static keys (with or without a session
/// token), <c>credential_process</c>, <c>web_identity_token_file</c> and IAM Identity Center (<c>sso_session</c>) through
/// the SDK; <c>role_arn</c> with <c>source_profile</c> or <c>credential_source</c> through this layer's STS client
/// (<see cref="ProfileRoleCredentials"/>). Every failure is an <see cref="AwsCredentialsException"/> that names the profile.
/// </summary>
internal sealed class ProfileCredentials(AssumeRoleWith assumeRole, TimeProvider time, Func<string, string?> environment)
{
    public AWSCredentials Resolve(string name) => Resolve(name, []);

    private AWSCredentials Resolve(string name, List<string> chain)
    {
        if (chain.Contains(name, StringComparer.Ordinal))
        {
            throw AwsCredentialsException.InProfile(chain[0], $"its source_profile chain loops ({string.Join(" -> ", chain.Append(name))}). Point source_profile at a profile with credentials of its own");
        }

        chain.Add(name);
        var profile = SharedProfiles.Find(name)
            ?? throw AwsCredentialsException.InProfile(name, $"it is in neither shared file ({SharedProfiles.Locations(environment)}). Check the name, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE");
        var options = profile.Options;
        if (!profile.CanCreateAWSCredentials)
        {
            throw AwsCredentialsException.InProfile(name, "it holds no credentials: it needs aws_access_key_id and aws_secret_access_key, role_arn with source_profile or credential_source, credential_process, or sso_session (IAM Identity Center)");
        }

        if (!string.IsNullOrEmpty(options.RoleArn) && string.IsNullOrEmpty(options.WebIdentityTokenFile))
        {
            return Role(name, options, chain);
        }

        if (!string.IsNullOrEmpty(options.SsoSession) || !string.IsNullOrEmpty(options.SsoStartUrl))
        {
            SdkCredentialClients.EnsureRegistered();
            return new SsoProfileCredentials(name, FromSdk(profile));
        }

        return FromSdk(profile);
    }

    private AWSCredentials Role(string name, CredentialProfileOptions options, List<string> chain)
    {
        if (!string.IsNullOrEmpty(options.MfaSerial))
        {
            throw AwsCredentialsException.InProfile(name, "it assumes its role with MFA (mfa_serial), and keyrot cannot ask for a code. Use a profile without mfa_serial, or IAM Identity Center (aws sso login)");
        }

        var source = options.SourceProfile is { Length: > 0 } sourceProfile
            ? sourceProfile == name ? OwnKeys(name, options) : Resolve(sourceProfile, chain)
            : CredentialSource(name, options.CredentialSource);
        var sessionName = RoleSessionName.From(options.RoleSessionName is { Length: > 0 } given
            ? given
            : "keyrot-" + time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return new ProfileRoleCredentials(source, new ProfileRole(name, options.RoleArn, sessionName, NullIfEmpty(options.ExternalID)), assumeRole, time);
    }

    /// <summary>A role profile whose source_profile is itself: its own static keys sign the AssumeRole.</summary>
    private static AWSCredentials OwnKeys(string name, CredentialProfileOptions options) =>
        string.IsNullOrEmpty(options.AccessKey) || string.IsNullOrEmpty(options.SecretKey)
            ? throw AwsCredentialsException.InProfile(name, "it is its own source_profile but has no aws_access_key_id and aws_secret_access_key")
            : string.IsNullOrEmpty(options.Token) ? new BasicAWSCredentials(options.AccessKey, options.SecretKey) : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.Token);

    private static AWSCredentials CredentialSource(string name, string? source) => source switch
    {
        "Environment" => new EnvironmentVariablesAWSCredentials(),
        "Ec2InstanceMetadata" => new InstanceProfileAWSCredentials(),
        "EcsContainer" => new GenericContainerCredentials(),
        _ => throw AwsCredentialsException.InProfile(name, $"credential_source '{source}' is not one keyrot knows: use Environment, Ec2InstanceMetadata or EcsContainer"),
    };

    private static AWSCredentials FromSdk(CredentialProfile profile)
    {
        try
        {
            return AWSCredentialsFactory.GetAWSCredentials(profile, new CredentialProfileStoreChain());
        }
        catch (Exception e) when (e is AmazonClientException or InvalidDataException or InvalidOperationException)
        {
            throw AwsCredentialsException.InProfile(profile.Name, e.Message.TrimEnd('.'), e);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
