using Amazon.Runtime;
using OrgKeyRotation.Aws.Credentials;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Core.Configuration;
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
        Create(options, timeProvider, Environment.GetEnvironmentVariable, DefaultRegion, Random.Shared.NextDouble);

    internal static ICentralClients Create(AwsOptions options, TimeProvider timeProvider, Func<string, string?> environment, Func<string?> fallbackRegion, Func<double> jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        var region = ResolveRegion(options.Region, fallbackRegion);
        var layer = new Layer(options, timeProvider, region, environment, jitter);
        return new CentralClients(layer);
    }

    internal static string ResolveRegion(string? configured, Func<string?> fallback)
    {
        var region = string.IsNullOrWhiteSpace(configured) ? fallback() : configured.Trim();
        return string.IsNullOrWhiteSpace(region)
            ? throw new AwsConfigurationException("No AWS region is configured. Set AWS_REGION (or AWS_DEFAULT_REGION), a region in the profile, or --region.")
            : region;
    }

    private static string? DefaultRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

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
            InnerHandler = options.InnerHandlerFactory?.Invoke() ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            Retry = new AwsRetry(options.Retry, time, jitter);
            Host = new HostCredentials(options.Credentials, options.Profile);
        }

        public AwsOptions Options { get; }

        public TimeProvider Time { get; }

        public string Region { get; }

        public string Partition { get; }

        public Func<string, string?> Environment { get; }

        public HttpMessageHandler InnerHandler { get; }

        public AwsRetry Retry { get; }

        public HostCredentials Host { get; }

        public ServiceEndpoint Endpoint(AwsService service) => AwsEndpoints.Resolve(service, Region, Options.EndpointUrl, Environment);

        public SignedServiceClient Signed(AwsService service, AWSCredentials credentials, string? accountId) =>
            new(Endpoint(service), credentials, InnerHandler, Retry, accountId);

        public SdkClientSettings Sdk(AwsService service) => new(Endpoint(service), InnerHandler, Retry, Time);
    }

    private sealed class CentralClients : ICentralClients
    {
        public CentralClients(Layer layer)
        {
            var host = layer.Host.Signing;
            var sts = new StsClient(layer.Sdk(AwsService.Sts), host);
            Sts = sts;
            Sns = new SnsClient(layer.Signed(AwsService.Sns, host, null));
            Organizations = new OrganizationsClient(layer.Signed(AwsService.Organizations, host, null), layer.Options.PageSize);
            WorkQueue = new WorkQueueClient(layer.Sdk(AwsService.Sqs), host);
            Secrets = new SecretsManagerClient(layer.Signed(AwsService.SecretsManager, host, null), layer.Options.PageSize);
            Accounts = new AccountSessionFactory(layer, sts, Secrets);
            Partition = layer.Partition;
            Region = layer.Region;
        }

        public IStsClient Sts { get; }

        public ISnsClient Sns { get; }

        public IOrganizationsClient Organizations { get; }

        public IWorkQueueClient WorkQueue { get; }

        public IAccountSessionFactory Accounts { get; }

        public ISecretsManagerClient Secrets { get; }

        public string Partition { get; }

        public string Region { get; }
    }

    private sealed class AccountSessionFactory : IAccountSessionFactory
    {
        private readonly Layer _layer;
        private readonly RoleCredentialCache _cache;
        private readonly ISecretsManagerClient? _centralSecrets;

        public AccountSessionFactory(Layer layer, StsClient sts, ISecretsManagerClient centralSecrets)
        {
            _layer = layer;
            var options = layer.Options;
            _cache = new RoleCredentialCache((account, token) => sts.AssumeRoleAsync(RoleArn(account), options.RoleSessionName, options.ExternalId, token), layer.Time);
            _centralSecrets = options.SecretLocation == SecretLocation.Central ? centralSecrets : null;
        }

        public async Task<IAccountSession> OpenAsync(string accountId, CancellationToken cancellationToken)
        {
            if (!AwsIdentifiers.IsAccountId(accountId))
            {
                throw new ArgumentException($"'{accountId}' is not a 12-digit AWS account id.", nameof(accountId));
            }

            // Assume now so a refused role surfaces here, not on the first IAM call.
            await _cache.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
            var credentials = new DeferredCredentials(async token => (await _cache.GetAsync(accountId, token).ConfigureAwait(false)).Credentials);
            var secrets = _centralSecrets ?? new SecretsManagerClient(_layer.Signed(AwsService.SecretsManager, credentials, accountId), _layer.Options.PageSize);
            return new AccountSession(accountId, new IamClient(_layer.Signed(AwsService.Iam, credentials, accountId), _layer.Options.PageSize), secrets, RoleArn(accountId));
        }

        private string RoleArn(string accountId) => $"arn:{_layer.Partition}:iam::{accountId}:role/{_layer.Options.RoleName}";
    }

    private sealed record AccountSession(string AccountId, IIamClient Iam, ISecretsManagerClient Secrets, string PrincipalArn) : IAccountSession;
}

/// <summary>The AWS layer's configuration is incomplete or contradictory (e.g. no region anywhere).</summary>
public sealed class AwsConfigurationException(string message) : Exception(message);
