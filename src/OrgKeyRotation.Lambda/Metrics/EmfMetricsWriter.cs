using System.Buffers;
using System.Text;
using System.Text.Json;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Lambda.Metrics;

/// <summary>
/// CloudWatch Embedded Metric Format: one JSON line on stdout per invocation that swept something, or per failed
/// Secrets Manager rotation step; CloudWatch Logs turns it into metrics in namespace <see cref="Namespace"/> with one
/// dimension, Trigger (Manual, Scheduled, Sqs, RotationStep). The alarms of deploy/terraform read these names.
/// </summary>
internal sealed class EmfMetricsWriter(TextWriter output, TimeProvider timeProvider)
{
    public const string Namespace = "OrgKeyRotation";

    public const string RotationStepFailures = "RotationStepFailures";

    public void Write(string trigger, SweepCounts counts) => WriteLine(trigger,
    [
        ("KeysRotated", counts.Rotated),
        ("KeysDeactivated", counts.Deactivated),
        ("KeysDeleted", counts.Deleted),
        ("RotationFailures", counts.FailedNotBlocked),
        ("BlockedUsers", counts.Blocked),
        ("Warnings", counts.Warnings),
    ]);

    /// <summary>A Secrets Manager rotation step failed: Secrets Manager only retries it, so an alarm has to tell someone.</summary>
    public void WriteRotationStepFailure(string trigger) => WriteLine(trigger, [(RotationStepFailures, 1)]);

    private void WriteLine(string trigger, (string Name, int Value)[] metrics)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("_aws");
            writer.WriteNumber("Timestamp", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            writer.WriteStartArray("CloudWatchMetrics");
            writer.WriteStartObject();
            writer.WriteString("Namespace", Namespace);
            writer.WriteStartArray("Dimensions");
            writer.WriteStartArray();
            writer.WriteStringValue("Trigger");
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteStartArray("Metrics");
            foreach (var (name, _) in metrics)
            {
                writer.WriteStartObject();
                writer.WriteString("Name", name);
                writer.WriteString("Unit", "Count");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteString("Trigger", trigger);
            foreach (var (name, value) in metrics)
            {
                writer.WriteNumber(name, value);
            }

            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Flush();
    }
}
