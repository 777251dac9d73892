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

    public async Task<string> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken)
    {
        var body = new CreateSecretBody(request.Name, request.Description, request.KmsKeyId, request.SecretString?.Reveal(), request.ClientRequestToken, ToTags(request.Tags));

        // Without a client token a retried CreateSecret could fail with ResourceExists although the first attempt created it.
        var idempotent = request.ClientRequestToken is not null || request.SecretString is null;
        var result = await client.JsonAsync(Target, "CreateSecret", body, Json.CreateSecretBody, Json.CreateSecretResult, idempotent, cancellationToken).ConfigureAwait(false);
        return result.ARN ?? throw new InvalidDataException("Secrets Manager CreateSecret returned no ARN.");
    }

    public async Task<SecretDescription?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.JsonAsync(Target, "DescribeSecret", new SecretIdBody(secretId), Json.SecretIdBody, Json.DescribeSecretResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            return new SecretDescription(
                result.ARN ?? string.Empty,
                result.Name ?? secretId,
                result.KmsKeyId,
                (result.Tags ?? []).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                (result.VersionIdsToStages ?? []).ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal),
                FromEpoch(result.DeletedDate));
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
            var result = await client.JsonAsync(Target, "GetSecretValue", new GetSecretValueBody(secretId, versionId, versionStage), Json.GetSecretValueBody, Json.GetSecretValueResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(result.SecretString))
            {
                return null;
            }

            return new SecretValue(result.ARN ?? string.Empty, result.Name ?? secretId, result.VersionId ?? string.Empty, result.VersionStages ?? [], new SensitiveString(result.SecretString), FromEpoch(result.CreatedDate));
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

    public Task TagResourceAsync(string secretId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.JsonAsync(Target, "TagResource", new TagResourceBody(secretId, ToTags(tags) ?? []), Json.TagResourceBody, Json.EmptyResult, idempotent: true, cancellationToken);

    public async Task<IReadOnlyList<SecretVersion>> ListSecretVersionIdsAsync(string secretId, CancellationToken cancellationToken)
    {
        var versions = new List<SecretVersion>();
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListSecretVersionIds", new ListSecretVersionIdsBody(secretId, pageSize, token, IncludeDeprecated: true), Json.ListSecretVersionIdsBody, Json.ListSecretVersionIdsResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            versions.AddRange((page.Versions ?? []).Where(v => v.VersionId is not null).Select(v => new SecretVersion(v.VersionId!, v.VersionStages ?? [], FromEpoch(v.CreatedDate))));
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (token is not null);

        return versions;
    }

    public async IAsyncEnumerable<SecretDescription> ListSecretsAsync(string namePrefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await client.JsonAsync(Target, "ListSecrets", new ListSecretsBody([new SecretsFilter("name", [namePrefix])], pageSize ?? 100, token), Json.ListSecretsBody, Json.ListSecretsResult, idempotent: true, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.SecretList ?? [])
            {
                // The name filter matches prefixes of words; keep only true prefix matches.
                if (entry.Name is { } name && name.StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    yield return new SecretDescription(
                        entry.ARN ?? string.Empty,
                        name,
                        entry.KmsKeyId,
                        (entry.Tags ?? []).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
                        (entry.SecretVersionsToStages ?? []).ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal),
                        FromEpoch(entry.DeletedDate));
                }
            }

            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (token is not null);
    }

    private static List<TagEntry>? ToTags(IReadOnlyDictionary<string, string> tags) =>
        tags.Count == 0 ? null : tags.Select(t => new TagEntry(t.Key, t.Value)).ToList();

    private static DateTimeOffset? FromEpoch(double? seconds) =>
        seconds is { } s ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000)) : null;
}
