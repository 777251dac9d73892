using System.Text.Json.Serialization;

namespace OrgKeyRotation.Aws.Http;

// Wire shapes of Systems Manager (JSON 1.1, X-Amz-Target AmazonSSM.*), PascalCase as in the API; dates are epoch
// seconds. GetParameter's Value is deliberately absent: the parameter's content is never read back.

internal sealed record PutParameterBody(string Name, string Value, string Type, string? KeyId, bool Overwrite);

internal sealed record PutParameterResult(long? Version, string? Tier);

internal sealed record AddTagsToResourceBody(string ResourceType, string ResourceId, IReadOnlyList<TagEntry> Tags);

internal sealed record GetParameterBody(string Name, bool WithDecryption);

internal sealed record ParameterEntry(string? Name, long? Version, double? LastModifiedDate);

internal sealed record GetParameterResult(ParameterEntry? Parameter);

/// <summary>Source-generated (Native AOT), like <see cref="AwsJsonContext"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutParameterBody))]
[JsonSerializable(typeof(PutParameterResult))]
[JsonSerializable(typeof(AddTagsToResourceBody))]
[JsonSerializable(typeof(GetParameterBody))]
[JsonSerializable(typeof(GetParameterResult))]
[JsonSerializable(typeof(EmptyResult))]
internal sealed partial class SsmJsonContext : JsonSerializerContext;
