using System.Text.Json.Serialization;

namespace OrgKeyRotation.Aws.Http;

// Wire shapes of the JSON 1.1 services. Names match the AWS API (PascalCase); dates are epoch seconds.

internal sealed record TagEntry(string Key, string Value);

internal sealed record CreateSecretBody(string Name, string? Description, string? KmsKeyId, string? SecretString, string? ClientRequestToken, IReadOnlyList<TagEntry>? Tags);

internal sealed record CreateSecretResult(string? ARN, string? Name, string? VersionId);

internal sealed record SecretIdBody(string SecretId);

internal sealed record DescribeSecretResult(
    string? ARN,
    string? Name,
    string? KmsKeyId,
    IReadOnlyList<TagEntry>? Tags,
    Dictionary<string, List<string>>? VersionIdsToStages,
    double? DeletedDate);

internal sealed record GetSecretValueBody(string SecretId, string? VersionId, string? VersionStage);

internal sealed record GetSecretValueResult(string? ARN, string? Name, string? VersionId, string? SecretString, IReadOnlyList<string>? VersionStages, double? CreatedDate);

internal sealed record PutSecretValueBody(string SecretId, string ClientRequestToken, string SecretString, IReadOnlyList<string> VersionStages);

internal sealed record UpdateSecretVersionStageBody(string SecretId, string VersionStage, string? MoveToVersionId, string? RemoveFromVersionId);

internal sealed record PutResourcePolicyBody(string SecretId, string ResourcePolicy, bool BlockPublicPolicy);

internal sealed record TagResourceBody(string SecretId, IReadOnlyList<TagEntry> Tags);

internal sealed record GetResourcePolicyResult(string? ARN, string? Name, string? ResourcePolicy);

internal sealed record RotationRulesEntry(int AutomaticallyAfterDays);

internal sealed record RotateSecretBody(string SecretId, string ClientRequestToken, string RotationLambdaARN, RotationRulesEntry RotationRules, bool RotateImmediately);

internal sealed record SecretsFilter(string Key, IReadOnlyList<string> Values);

internal sealed record ListSecretsBody(IReadOnlyList<SecretsFilter> Filters, int? MaxResults, string? NextToken, bool IncludePlannedDeletion);

internal sealed record SecretListEntry(
    string? ARN,
    string? Name,
    string? KmsKeyId,
    IReadOnlyList<TagEntry>? Tags,
    Dictionary<string, List<string>>? SecretVersionsToStages,
    double? DeletedDate);

internal sealed record ListSecretsResult(IReadOnlyList<SecretListEntry>? SecretList, string? NextToken);

internal sealed record EmptyResult;

internal sealed record ListAccountsBody(int? MaxResults, string? NextToken);

internal sealed record ListAccountsForParentBody(string ParentId, int? MaxResults, string? NextToken);

internal sealed record ListChildrenBody(string ParentId, string ChildType, int? MaxResults, string? NextToken);

/// <summary><see cref="State"/> replaced <see cref="Status"/> (retired 2026-09-09); both are read.</summary>
internal sealed record AccountEntry(string? Id, string? Arn, string? Name, string? Email, string? State, string? Status);

internal sealed record ListAccountsResult(IReadOnlyList<AccountEntry>? Accounts, string? NextToken);

internal sealed record ChildEntry(string? Id, string? Type);

internal sealed record ListChildrenResult(IReadOnlyList<ChildEntry>? Children, string? NextToken);

/// <summary>Source-generated (Native AOT): no reflection-based serialization anywhere in the layer.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateSecretBody))]
[JsonSerializable(typeof(CreateSecretResult))]
[JsonSerializable(typeof(SecretIdBody))]
[JsonSerializable(typeof(DescribeSecretResult))]
[JsonSerializable(typeof(GetSecretValueBody))]
[JsonSerializable(typeof(GetSecretValueResult))]
[JsonSerializable(typeof(PutSecretValueBody))]
[JsonSerializable(typeof(UpdateSecretVersionStageBody))]
[JsonSerializable(typeof(PutResourcePolicyBody))]
[JsonSerializable(typeof(TagResourceBody))]
[JsonSerializable(typeof(GetResourcePolicyResult))]
[JsonSerializable(typeof(RotateSecretBody))]
[JsonSerializable(typeof(ListSecretsBody))]
[JsonSerializable(typeof(ListSecretsResult))]
[JsonSerializable(typeof(EmptyResult))]
[JsonSerializable(typeof(ListAccountsBody))]
[JsonSerializable(typeof(ListAccountsForParentBody))]
[JsonSerializable(typeof(ListChildrenBody))]
[JsonSerializable(typeof(ListAccountsResult))]
[JsonSerializable(typeof(ListChildrenResult))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
