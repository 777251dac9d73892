using Amazon.Runtime;

namespace OrgKeyRotation.Aws.Credentials;

/// <summary>
/// Credentials fetched on every signature from a source that caches and refreshes them (host chain, assumed role):
/// a long-lived client never signs with expired credentials.
/// </summary>
internal sealed class DeferredCredentials(Func<CancellationToken, Task<ImmutableCredentials>> source) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => source(CancellationToken.None).GetAwaiter().GetResult();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => source(CancellationToken.None);
}
