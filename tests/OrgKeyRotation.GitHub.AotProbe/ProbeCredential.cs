using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.GitHub.AotProbe;

/// <summary>The central secret as the adapter reads it (GetSecretValue only), holding the probe's credential.</summary>
internal sealed class ProbeCredential(string json) : ISecretsManagerClient
{
    public const string SecretId = "orgkeyrotation/github-probe";

    public Task<SecretValue?> GetSecretValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken) =>
        Task.FromResult<SecretValue?>(new SecretValue(SecretId, SecretId, "v1", [SecretStages.Current], new SensitiveString(json), null));

    public Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<SecretDescription?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken) => throw Unused();

    public Task PutSecretValueAsync(string secretId, string clientRequestToken, SensitiveString secretString, IReadOnlyList<string> versionStages, CancellationToken cancellationToken) => throw Unused();

    public Task UpdateSecretVersionStageAsync(string secretId, string stage, string? moveToVersionId, string? removeFromVersionId, CancellationToken cancellationToken) => throw Unused();

    public Task PutResourcePolicyAsync(string secretId, string policyJson, CancellationToken cancellationToken) => throw Unused();

    public Task<string?> GetResourcePolicyAsync(string secretId, CancellationToken cancellationToken) => throw Unused();

    public Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => throw Unused();

    public IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken) => throw Unused();

    public Task RotateSecretAsync(string secretId, string rotationLambdaArn, int automaticallyAfterDays, bool rotateImmediately, CancellationToken cancellationToken) => throw Unused();

    private static InvalidOperationException Unused() => new("The GitHub adapter reads only GetSecretValue.");
}
