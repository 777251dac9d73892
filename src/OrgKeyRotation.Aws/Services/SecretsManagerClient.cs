using System.Runtime.CompilerServices;
using OrgKeyRotation.Aws.Http;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>Secrets Manager over JSON 1.1 (X-Amz-Target secretsmanager.*).</summary>
internal sealed class SecretsManagerClient(SignedServiceClient client, int? pageSize) : ISecretsManagerClient
{
    private const string Target = "secretsmanager";
    private static readonly AwsJsonContext Json = AwsJsonContext.Default;

    public Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken)
    {
        // The token is the id of the initial version; without a value there is none, and AWS ignores it.
        var token = request.SecretString is null ? null : request.ClientRequestToken;
        var body = new CreateSecretBody(request.Name, request.Description, request.KmsKeyId, request.SecretString?.Reveal(), token, ToTags(request.Tags));

        // With a value and no token, a retry after a lost response would fail with ResourceExists although the first
        // attempt stored the value: that case is never retried blindly. Without a value a retry is harmless.
        var idempotent = token is not null || request.SecretString is null;
        return client.JsonAsync(Target, "CreateSecret", body, Json.CreateSecretBody, Json.CreateSecretResult, idempotent, result => Required(result.ARN, "ARN"), cancellationToken);
    }

    public async Task<SecretDescription?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.JsonAsync(Target, "DescribeSecret", new SecretIdBody(secretId), Json.SecretIdBody, Json.DescribeSecretResult, idempotent: true, result => new SecretDescription(
                Required(result.ARN, "ARN"),
                result.Name ?? secretId,
                result.KmsKeyId,
                Tags(result.Tags),
                Stages(result.VersionIdsToStages),
                FromEpoch(result.DeletedDate)), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.ResourceNotFound)
        {
            return null;
        }
    }

    public async Task<SecretValue?> GetSecretValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken cancellationToken)
    {
        if ((versionId is null) == (versionStage is null))
        {
            throw new ArgumentException("Pass exactly one of versionId and versionStage.", nameof(versionId));
        }

        try
        {
            return await client.JsonAsync(Target, "GetSecretValue", new GetSecretValueBody(secretId, versionId, versionStage), Json.GetSecretValueBody, Json.GetSecretValueResult, idempotent: true, result => string.IsNullOrEmpty(result.SecretString)
                ? null
                : new SecretValue(result.ARN ?? string.Empty, result.Name ?? secretId, Required(result.VersionId, "VersionId"), result.VersionStages ?? [], new SensitiveString(result.SecretString), FromEpoch(result.CreatedDate)), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.Kind == AwsErrorKind.ResourceNotFound)
        {
            return null;
        }
    }

    public Task PutSecretValueAsync(string secretId, string clientRequestToken, SensitiveString secretString, IReadOnlyList<string> versionStages, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "PutSecretValue", new PutSecretValueBody(secretId, clientRequestToken, secretString.Reveal(), versionStages), Json.PutSecretValueBody, Json.EmptyResult, idempotent: true, cancellationToken);

    public Task UpdateSecretVersionStageAsync(string secretId, string stage, string? moveToVersionId, string? removeFromVersionId, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "UpdateSecretVersionStage", new UpdateSecretVersionStageBody(secretId, stage, moveToVersionId, removeFromVersionId), Json.UpdateSecretVersionStageBody, Json.EmptyResult, idempotent: true, cancellationToken);

    public Task PutResourcePolicyAsync(string secretId, string policyJson, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "PutResourcePolicy", new PutResourcePolicyBody(secretId, policyJson, BlockPublicPolicy: true), Json.PutResourcePolicyBody, Json.EmptyResult, idempotent: true, cancellationToken);

    // AWS omits ResourcePolicy when the secret has none (GetResourcePolicy API reference: the field is optional).
    public Task<string?> GetResourcePolicyAsync(string secretId, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "GetResourcePolicy", new SecretIdBody(secretId), Json.SecretIdBody, Json.GetResourcePolicyResult, idempotent: true, result => string.IsNullOrWhiteSpace(result.ResourcePolicy) ? null : result.ResourcePolicy, cancellationToken);

    public Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "TagResource", new TagResourceBody(secretId, ToTags(tags) ?? []), Json.TagResourceBody, Json.EmptyResult, idempotent: true, cancellationToken);

    public Task RotateSecretAsync(string secretId, string rotationLambdaArn, int automaticallyAfterDays, bool rotateImmediately, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rotationLambdaArn);

        // RotateSecret API reference: RotationRules.AutomaticallyAfterDays is 1 to 1000.
        ArgumentOutOfRangeException.ThrowIfLessThan(automaticallyAfterDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(automaticallyAfterDays, 1000);

        // One token for every attempt of this call, so a retry after a lost response is the same request.
        var body = new RotateSecretBody(secretId, Guid.NewGuid().ToString(), rotationLambdaArn, new RotationRulesEntry(automaticallyAfterDays), rotateImmediately);
        return client.JsonAsync(Target, "RotateSecret", body, Json.RotateSecretBody, Json.EmptyResult, idempotent: true, cancellationToken);
    }

    public async IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            // IncludePlannedDeletion: without it a secret scheduled for deletion is invisible, yet its name stays
            // taken (ListSecrets API reference), so CreateSecret would fail after a key was made for it.
            var page = await client.JsonAsync(Target, "ListSecrets", new ListSecretsBody([new SecretsFilter("name", [namePrefix])], pageSize ?? 100, token, IncludePlannedDeletion: true), Json.ListSecretsBody, Json.ListSecretsResult, idempotent: true, ReadSecrets, cancellationToken).ConfigureAwait(false);
            foreach (var secret in page.Secrets)
            {
                // The name filter matches prefixes of words; keep only true prefix matches.
                if (secret.Name.StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    yield return secret;
                }
            }

            token = page.Next;
        }
        while (token is not null);
    }

    private static (List<SecretDescription> Secrets, string? Next) ReadSecrets(ListSecretsResult page) =>
        ((page.SecretList ?? []).Select(entry => new SecretDescription(
            Required(entry.ARN, "ARN"),
            Required(entry.Name, "Name"),
            entry.KmsKeyId,
            Tags(entry.Tags),
            Stages(entry.SecretVersionsToStages),
            FromEpoch(entry.DeletedDate))).ToList(), string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken);

    private static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw new ResponseShapeException($"no {field}") : value;

    private static Dictionary<string, string> Tags(IReadOnlyList<TagEntry>? tags) =>
        (tags ?? []).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    private static Dictionary<string, IReadOnlyList<string>> Stages(Dictionary<string, List<string>>? stages) =>
        (stages ?? []).ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal);

    private static List<TagEntry>? ToTags(IReadOnlyDictionary<string, string> tags) =>
        tags.Count == 0 ? null : tags.Select(t => new TagEntry(t.Key, t.Value)).ToList();

    private static DateTimeOffset? FromEpoch(double? seconds) =>
        seconds is { } s ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000)) : null;
}
