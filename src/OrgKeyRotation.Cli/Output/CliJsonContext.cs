using System.Text.Json.Serialization;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Output;

/// <summary>A configuration check, as <c>validate-config --output json</c> prints it.</summary>
internal sealed record ValidationDocument(bool Valid, IReadOnlyList<ConfigProblem> Problems);

/// <summary>A configuration setting, as <c>settings --output json</c> prints it (Minimum and Maximum for integers only).</summary>
/// <summary>One IAM action of <c>keyrot permissions</c>: the API operations it authorizes, and whether it must be granted.</summary>
internal sealed record PermissionDocument(string IamAction, IReadOnlyList<string> Operations, bool GrantNeeded);

internal sealed record SettingDocument(string Name, string JsonPath, string Variable, string Type, string Default, string Allowed, int? Minimum, int? Maximum, string? Pattern, string Description);

/// <summary>Source-generated JSON for every document the CLI prints (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PlanDocument))]
[JsonSerializable(typeof(ComplianceReport))]
[JsonSerializable(typeof(ActionResult))]
[JsonSerializable(typeof(RotationStepResult))]
[JsonSerializable(typeof(ReleaseResult))]
[JsonSerializable(typeof(ValidationDocument))]
[JsonSerializable(typeof(List<SettingDocument>))]
[JsonSerializable(typeof(List<PermissionDocument>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
