using Amazon.Runtime;
using OrgKeyRotation.Aws.Endpoints;
using OrgKeyRotation.Aws.Http;

namespace OrgKeyRotation.Aws.Services;

/// <summary>How the official SDK clients (STS, SQS) are configured: our endpoint, signing region, handler and retries.</summary>
internal sealed record SdkClientSettings(ServiceEndpoint Endpoint, HttpMessageHandler InnerHandler, AwsRetry Retry, TimeProvider Time)
{
    public T Apply<T>(T config)
        where T : ClientConfig
    {
        config.ServiceURL = Endpoint.Url.ToString();
        config.AuthenticationRegion = Endpoint.SigningRegion;
        config.MaxErrorRetry = 0;
        config.HttpClientFactory = new SharedHandlerHttpClientFactory(InnerHandler);
        return config;
    }

    /// <summary>Routes the SDK's HTTP through the layer's shared (and test-injectable) handler.</summary>
    private sealed class SharedHandlerHttpClientFactory(HttpMessageHandler inner) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(inner, disposeHandler: false);

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}

internal static class SdkCall
{
    /// <summary>Runs an SDK call and rethrows its exceptions as the layer's types (see <see cref="SdkErrors"/>).</summary>
    public static async Task<T> RunAsync<T>(string service, string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
        {
            throw SdkErrors.Convert(service, operation, e);
        }
    }
}
