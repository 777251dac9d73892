using System.Text.Json.Serialization;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Lambda.Handling;

namespace OrgKeyRotation.Lambda.Serialization;

/// <summary>
/// Source-generated serializers for everything the host reads or writes (Native AOT has no reflection-based JSON).
/// Names are camelCase; reading is case-insensitive because Secrets Manager sends PascalCase fields.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorReport))]
[JsonSerializable(typeof(SweepResult))]
[JsonSerializable(typeof(EnqueueResult))]
[JsonSerializable(typeof(RotationStepResult))]
[JsonSerializable(typeof(AccountWorkItem))]
[JsonSerializable(typeof(DigestWorkItem))]
[JsonSerializable(typeof(SqsBatchResponse))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
