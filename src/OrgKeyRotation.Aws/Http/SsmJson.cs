using System.Text.Json.Serialization;

namespace OrgKeyRotation.Aws.Http;

// Wire shapes of Systems Manager (JSON 1.1, X-Amz-Target AmazonSSM.*), PascalCase as in the API. The rotator only
// writes parameters: it never reads one back.

internal sealed record PutParameterBody(string Name, string Value, string Type, string? KeyId, bool Overwrite);

internal sealed record PutParameterResult(long? Version, string? Tier);

internal sealed record AddTagsToResourceBody(string ResourceType, string ResourceId, IReadOnlyList<TagEntry> Tags);

/// <summary>Source-generated (Native AOT), like <see cref="AwsJsonContext"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutParameterBody))]
[JsonSerializable(typeof(PutParameterResult))]
[JsonSerializable(typeof(AddTagsToResourceBody))]
[JsonSerializable(typeof(EmptyResult))]
internal sealed partial class SsmJsonContext : JsonSerializerContext;
