using System.Text.Json;
using Amazon.Runtime;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Cli.CredentialProcess;

/// <summary>
/// GetSecretValue of AWSCURRENT through the AWS layer, signed with a cached key, the bootstrap profile, or the
/// bootstrap key from the environment. The user may read its own secret: the rotator's resource policy allows it
/// exactly GetSecretValue and DescribeSecret. <paramref name="connection"/> names the region and endpoint (its
/// credentials and profile are replaced by the signing key's).
/// </summary>
internal sealed class AwsSecretReader(string secretId, AwsOptions connection, BootstrapSource? bootstrap, AWSCredentials? bootstrapKey, TimeProvider time) : ISecretReader
{
    public async Task<CurrentKey> ReadCurrentAsync(ConsumerKey? key, CancellationToken cancellationToken)
    {
        var signer = key is null ? "the bootstrap credentials" : $"key {key.AccessKeyId}";
        var options = connection with
        {
            Credentials = key is null ? bootstrapKey : new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey.Reveal()),
            Profile = key is null ? bootstrap?.Profile : null,
        };

        SecretValue? value;
        try
        {
            value = await AwsClients.Create(options, time).Secrets.GetSecretValueAsync(secretId, null, SecretStages.Current, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.InvalidCredentials)
        {
            throw new KeyRefusedException($"{signer}: {e.ErrorCode}", e);
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.AccessDenied)
        {
            throw new ConsumerCredentialsException($"{signer} may not read secret '{secretId}' ({e.Message}). Its resource policy lets only the IAM user it belongs to (and the rotator) read it: check --secret-id, and that the key is that user's.", ExitCodes.Failures, e);
        }
        catch (AwsServiceException e)
        {
            throw new ConsumerCredentialsException($"secret '{secretId}' could not be read with {signer}: {e.Message}", ExitCodes.Failures, e);
        }
        catch (Exception e) when (e is AwsCredentialsException or AwsTransportException)
        {
            throw new ConsumerCredentialsException(e.Message, ExitCodes.CouldNotStart, e);
        }

        if (value is null)
        {
            throw new ConsumerCredentialsException($"secret '{secretId}' has no AWSCURRENT value in {connection.Region}: check --secret-id and --region (a secret ARN names its region).", ExitCodes.Failures);
        }

        var current = ManagedSecret.Parse(value.SecretString)
            ?? throw new ConsumerCredentialsException($"secret '{secretId}' does not hold an access key pair (AccessKeyId and SecretAccessKey): is it a secret the rotator manages?", ExitCodes.Failures);
        return new CurrentKey(new ConsumerKey(current.AccessKeyId, current.SecretAccessKey), AccountIdOf(value.SecretString), current.UserName.Length > 0 ? current.UserName : null);
    }

    /// <summary>The value's AccountId (ManagedSecret.Serialize writes it), for the restore hint when every key is refused.</summary>
    private static string? AccountIdOf(SensitiveString secretString)
    {
        using var document = JsonDocument.Parse(secretString.Reveal());
        return document.RootElement.TryGetProperty("AccountId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }
}
