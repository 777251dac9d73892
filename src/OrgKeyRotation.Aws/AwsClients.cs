using Amazon.Runtime;
using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws;

/// <summary>Entry point of the AWS layer.</summary>
public static class AwsClients
{
    /// <summary>
    /// Builds the central clients. Resolves the region now (throws <see cref="AwsConfigurationException"/> when none is
    /// configured) and the host credentials on first use (throws <see cref="Core.Errors.AwsCredentialsException"/> then).
    /// </summary>
    public static ICentralClients Create(AwsOptions options, TimeProvider timeProvider) =>
        Create(options, timeProvider, Environment.GetEnvironmentVariable, () => DefaultRegion(options?.Profile), Random.Shared.NextDouble);

    internal static ICentralClients Create(AwsOptions options, TimeProvider timeProvider, Func<string, string?> environment, Func<string?> fallbackRegion, Func<double> jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        var region = ResolveRegion(options.Region, fallbackRegion);
        var layer = new Layer(options, timeProvider, region, environment, jitter);
        return new CentralClients(layer);
    }

    /// <summary>
    /// The home region <see cref="Create(AwsOptions, TimeProvider)"/> takes when <see cref="AwsOptions.Region"/> is not
    /// set, for <paramref name="profile"/> (null: AWS_PROFILE or "default"); null when nothing configures one.
    /// </summary>
    public static string? DefaultRegion(string? profile) =>
        DefaultRegion(profile, Environment.GetEnvironmentVariable, SharedProfiles.RegionOf, InstanceRegion);

    internal static string ResolveRegion(string? configured, Func<string?> fallback)
    {
        var region = string.IsNullOrWhiteSpace(configured) ? fallback() : configured.Trim();
        return string.IsNullOrWhiteSpace(region)
            ? throw new AwsConfigurationException("No AWS region is configured. Set AWS_REGION (or AWS_DEFAULT_REGION), a region in the profile, or --region.")
            : region;
    }

    /// <summary>
    /// The handler under every client of one layer (signed calls and the SDK's STS and SQS). Redirects are never
    /// followed: AWS APIs do not redirect, and a signed request must not be replayed to wherever a 3xx points.
    /// </summary>
    internal static SocketsHttpHandler DefaultHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };

    /// <summary>
    /// The home region without --region, in the AWS CLI's order: AWS_REGION, AWS_DEFAULT_REGION, the region of the
    /// profile in use (<paramref name="profile"/>, else AWS_PROFILE, else "default"), then instance metadata.
    /// </summary>
    internal static string? DefaultRegion(string? profile, Func<string, string?> environment, Func<string, string?> profileRegion, Func<string?> instanceRegion) =>
        NonBlank(environment("AWS_REGION"))
        ?? NonBlank(environment("AWS_DEFAULT_REGION"))
        ?? NonBlank(profileRegion(profile ?? SharedProfiles.SelectedName(environment)))
        ?? instanceRegion();

    private static string? InstanceRegion()
    {
        try
        {
            return new InstanceProfileAWSRegion().Region?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>What every client of one <see cref="Create(AwsOptions, TimeProvider)"/> shares.</summary>
    internal sealed class Layer
    {
        public Layer(AwsOptions options, TimeProvider time, string region, Func<string, string?> environment, Func<double> jitter)
        {
            Options = options;
            Time = time;
            Region = region;
            Partition = AwsEndpoints.PartitionOf(region);
            Environment = environment;
            InnerHandler = options.InnerHandlerFactory?.Invoke() ?? DefaultHandler();
            Retry = new AwsRetry(options.Retry, time, jitter);
            var profiles = new ProfileCredentials((source, role, token) => StsClient.AssumeProfileRoleAsync(Sdk(AwsService.Sts), source, role, token), time, environment);
            Host = new HostCredentials(options.Credentials, options.Profile, profiles, environment);
        }

        public AwsOptions Options { get; }

        public TimeProvider Time { get; }

        public string Region { get; }

        public string Partition { get; }

        public Func<string, string?> Environment { get; }

        public HttpMessageHandler InnerHandler { get; }

        public AwsRetry Retry { get; }

        public HostCredentials Host { get; }

        /// <summary>The service's endpoint for <paramref name="region"/> (default: the home region); overrides still win.</summary>
        public ServiceEndpoint Endpoint(AwsService service, string? region = null) => AwsEndpoints.Resolve(service, region ?? Region, Options.EndpointUrl, Environment);

        public SignedServiceClient Signed(AwsService service, AWSCredentials credentials, string? accountId, string? region = null) =>
            new(Endpoint(service, region), credentials, InnerHandler, Retry, accountId);

        public SdkClientSettings Sdk(AwsService service, string? region = null) => new(Endpoint(service, region), InnerHandler, Retry, Time);
    }

    private sealed class CentralClients : ICentralClients
    {
        public CentralClients(Layer layer)
        {
            var host = layer.Host.Signing;
            var sts = new StsClient(layer.Sdk(AwsService.Sts), region => layer.Sdk(AwsService.Sts, region), host);
            Sts = sts;

            // A topic lives in one region, which its ARN names: SNS is signed for that region, not the home one.
            Sns = new SnsClient(region => layer.Signed(AwsService.Sns, host, null, region));
            Organizations = new OrganizationsClient(layer.Signed(AwsService.Organizations, host, null), layer.Options.PageSize);
            WorkQueue = new WorkQueueClient(layer.Sdk(AwsService.Sqs), host);
            Secrets = new SecretsManagerClient(layer.Signed(AwsService.SecretsManager, host, null), layer.Options.PageSize);
            Accounts = new AccountSessionFactory(layer, sts, Secrets);
        }

        public IStsClient Sts { get; }

        public ISnsClient Sns { get; }

        public IOrganizationsClient Organizations { get; }

        public IWorkQueueClient WorkQueue { get; }

        public IAccountSessionFactory Accounts { get; }

        public ISecretsManagerClient Secrets { get; }
    }
}
