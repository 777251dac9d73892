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
