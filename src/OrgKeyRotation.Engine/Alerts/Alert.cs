using System.Text.Json.Serialization;

namespace OrgKeyRotation.Engine.Alerts;

[JsonConverter(typeof(JsonStringEnumConverter<AlertEvent>))]
public enum AlertEvent
{
    Rotated,
    Deactivated,
    Deleted,
    Restored,
    Failed,
    Warning,
    Summary,
}

/// <summary>One alert. Key ids only: a secret access key never reaches an alert.</summary>
public sealed record Alert(AlertEvent Event, string SweepId, string? AccountId, string? UserName, string? AccessKeyId, string? Owner, string Title, string Detail);
