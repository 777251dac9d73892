using Amazon;
using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// The SDK creates the SSO portal and SSO OIDC clients of an IAM Identity Center profile by loading their types by
/// name, which a Native AOT binary cannot do. It asks its GlobalRuntimeDependencyRegistry first; this registers
/// factories there, once per process, so IAM Identity Center profiles resolve in the AOT binaries too. The clients
/// sign nothing (the bearer token is the credential) and take their endpoint from the SDK's own configuration, which
/// honours AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC.
/// </summary>
internal static class SdkCredentialClients
{
    private static readonly Lazy<bool> Registered = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureRegistered() => _ = Registered.Value;

    private static bool Register()
    {
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        registry.RegisterSSOClient(context =>
            new AmazonSSOClient(new AnonymousAWSCredentials(), Configure(new AmazonSSOConfig(), context.SSOClientContextData.Region, context.SSOClientContextData.ProxySettings)));
        registry.RegisterSSOOIDCClient(context =>
            new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), Configure(new AmazonSSOOIDCConfig(), context.SSOOIDCClientContextData.Region, context.SSOOIDCClientContextData.ProxySettings)));
        return true;
    }

    private static T Configure<T>(T config, RegionEndpoint region, System.Net.IWebProxy? proxy)
        where T : ClientConfig
    {
        config.RegionEndpoint = region;
        if (proxy is not null)
        {
            config.SetWebProxy(proxy);
        }

        return config;
    }
}
