using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>
/// STS through the official SDK client (its own retries off: <see cref="AwsRetry"/> retries). <paramref name="regional"/>
/// gives the settings of a region's STS endpoint (sts.&lt;region&gt;.amazonaws.com, signed for that region).
/// </summary>
internal sealed class StsClient(SdkClientSettings settings, Func<string, SdkClientSettings> regional, AWSCredentials hostCredentials) : IStsClient, IDisposable
{
    private readonly AmazonSecurityTokenServiceClient _host = new(hostCredentials, settings.Apply(new AmazonSecurityTokenServiceConfig()));

    /// <summary>The host credentials' own identity (central secret location: the principal that writes the secrets).</summary>
    public Task<CallerIdentity> GetHostIdentityAsync(CancellationToken cancellationToken) => CallerIdentityAsync(_host, settings, cancellationToken);

    // The engine polls a new key that IAM refuses (InvalidClientTokenId) for its first seconds. That answer is never
    // retried here (AwsRetry retries throttling, 5xx and lost requests only; the SDK's own retries are off), so one
    // poll is one request, on the engine's schedule.
    public async Task<CallerIdentity> GetCallerIdentityAsync(string accessKeyId, SensitiveString secretAccessKey, string? region, CancellationToken cancellationToken)
    {
        var at = region is null ? settings : regional(region);
        using var client = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(accessKeyId, secretAccessKey.Reveal()), at.Apply(new AmazonSecurityTokenServiceConfig()));
        return await CallerIdentityAsync(client, at, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>AssumeRole with the host credentials; the session lasts one hour.</summary>
    public Task<RoleCredentials> AssumeRoleAsync(string roleArn, string sessionName, string? externalId, CancellationToken cancellationToken) =>
        AssumeRoleAsync(_host, settings, roleArn, sessionName, externalId, cancellationToken);

    /// <summary>AssumeRole of a profile's role_arn, signed with the credentials of its source.</summary>
    public static async Task<RoleCredentials> AssumeProfileRoleAsync(SdkClientSettings settings, AWSCredentials source, ProfileRole role, CancellationToken cancellationToken)
    {
        using var client = new AmazonSecurityTokenServiceClient(source, settings.Apply(new AmazonSecurityTokenServiceConfig()));
        return await AssumeRoleAsync(client, settings, role.RoleArn, role.SessionName, role.ExternalId, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _host.Dispose();

    private static Task<RoleCredentials> AssumeRoleAsync(AmazonSecurityTokenServiceClient client, SdkClientSettings settings, string roleArn, string sessionName, string? externalId, CancellationToken cancellationToken) =>
        settings.Retry.ExecuteAsync("sts", "AssumeRole", settings.Endpoint.Url, idempotent: true, async (_, token) =>
        {
            var request = new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = sessionName, ExternalId = externalId, DurationSeconds = 3600 };
            var response = await SdkCall.RunAsync("sts", "AssumeRole", () => client.AssumeRoleAsync(request, token)).ConfigureAwait(false);
            var c = response.Credentials ?? throw new AwsMalformedResponseException("sts", "AssumeRole", "no Credentials", response.ResponseMetadata?.RequestId);
            var expiration = c.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : settings.Time.GetUtcNow().AddHours(1);
            return new RoleCredentials(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expiration);
        }, cancellationToken);

    private static Task<CallerIdentity> CallerIdentityAsync(AmazonSecurityTokenServiceClient client, SdkClientSettings settings, CancellationToken cancellationToken) =>
        settings.Retry.ExecuteAsync("sts", "GetCallerIdentity", settings.Endpoint.Url, idempotent: true, async (_, token) =>
        {
            var response = await SdkCall.RunAsync("sts", "GetCallerIdentity", () => client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), token)).ConfigureAwait(false);
            return response is { Account.Length: > 0, Arn.Length: > 0 }
                ? new CallerIdentity(response.Account, response.Arn, response.UserId ?? string.Empty)
                : throw new AwsMalformedResponseException("sts", "GetCallerIdentity", "no Account or Arn", response.ResponseMetadata?.RequestId);
        }, cancellationToken);
}
