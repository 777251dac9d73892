using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.GitHub.Tests.Support;

/// <summary>
/// The central Secrets Manager as the GitHub adapter sees it: only GetSecretValue (AWSCURRENT) is read. In-memory for
/// the contract tests; the end-to-end test reads the credential from moto's Secrets Manager instead.
/// </summary>
internal sealed class TestCentralSecrets : ISecretsManagerClient
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public void Put(string secretId, string value)
    {
        Testing.SecretScan.RegisterSecret(value);
        _values[secretId] = value;
    }

    public Task<SecretValue?> GetSecretValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(_values.TryGetValue(secretId, out var value) && versionStage == SecretStages.Current
            ? new SecretValue("arn:aws:secretsmanager:us-east-1:111122223333:secret:" + secretId, secretId, "v1", [SecretStages.Current], new SensitiveString(value), null)
            : null);
    }

    public Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken) => throw Unused();

    public Task<SecretDescription?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken) => throw Unused();

    public Task PutSecretValueAsync(string secretId, string clientRequestToken, SensitiveString secretString, IReadOnlyList<string> versionStages, CancellationToken cancellationToken) => throw Unused();

    public Task UpdateSecretVersionStageAsync(string secretId, string stage, string? moveToVersionId, string? removeFromVersionId, CancellationToken cancellationToken) => throw Unused();

    public Task PutResourcePolicyAsync(string secretId, string policyJson, CancellationToken cancellationToken) => throw Unused();

    public Task<string?> GetResourcePolicyAsync(string secretId, CancellationToken cancellationToken) => throw Unused();

    public Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) => throw Unused();

    public IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, CancellationToken cancellationToken) => throw Unused();

    public Task RotateSecretAsync(string secretId, string rotationLambdaArn, int automaticallyAfterDays, bool rotateImmediately, CancellationToken cancellationToken) => throw Unused();

    private static InvalidOperationException Unused() => new("The GitHub adapter reads only GetSecretValue from the central secrets.");
}
