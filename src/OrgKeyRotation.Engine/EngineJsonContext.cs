using System.Text.Json.Serialization;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine;

/// <summary>Source-generated JSON for every contract type: the Lambda is Native AOT, so no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SweepResult))]
[JsonSerializable(typeof(SweepRequest))]
[JsonSerializable(typeof(AccountWorkItem))]
[JsonSerializable(typeof(DigestWorkItem))]
[JsonSerializable(typeof(ResultsMessage))]
[JsonSerializable(typeof(DigestResult))]
[JsonSerializable(typeof(EnqueueResult))]
[JsonSerializable(typeof(RotationStepRequest))]
[JsonSerializable(typeof(RotationStepResult))]
[JsonSerializable(typeof(ActionResult))]
[JsonSerializable(typeof(InventoryReport))]
[JsonSerializable(typeof(ReleaseResult))]
public sealed partial class EngineJsonContext : JsonSerializerContext;
