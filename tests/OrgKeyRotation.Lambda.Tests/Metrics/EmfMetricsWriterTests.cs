using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Lambda.Metrics;

namespace OrgKeyRotation.Lambda.Tests.Metrics;

public class EmfMetricsWriterTests
{
    [Fact]
    public void Write_Counts_OneEmfLineWithNamespaceDimensionAndEveryMetric()
    {
        var output = new StringWriter();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

        new EmfMetricsWriter(output, time).Write("Scheduled", new SweepCounts(Accounts: 4, Users: 9, Rotated: 3, Deactivated: 2, Deleted: 1, Reactivated: 0, Warnings: 5, Failed: 6, NotStarted: 0, Blocked: 2));

        var text = output.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("OrgKeyRotation", directive.GetProperty("Namespace").GetString());
        Assert.Equal("Trigger", Assert.Single(Assert.Single(directive.GetProperty("Dimensions").EnumerateArray()).EnumerateArray()).GetString());
        var names = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.Equal(["KeysRotated", "KeysDeactivated", "KeysDeleted", "RotationFailures", "BlockedUsers", "Warnings"], names);
        Assert.All(directive.GetProperty("Metrics").EnumerateArray(), m => Assert.Equal("Count", m.GetProperty("Unit").GetString()));
        Assert.Equal("Scheduled", root.GetProperty("Trigger").GetString());
        Assert.Equal(3, root.GetProperty("KeysRotated").GetInt32());
        Assert.Equal(2, root.GetProperty("KeysDeactivated").GetInt32());
        Assert.Equal(1, root.GetProperty("KeysDeleted").GetInt32());
        Assert.Equal(4, root.GetProperty("RotationFailures").GetInt32()); // blocked users are decisions, not failures
        Assert.Equal(2, root.GetProperty("BlockedUsers").GetInt32());
        Assert.Equal(5, root.GetProperty("Warnings").GetInt32());
    }

    [Fact]
    public void WriteRotationStepFailure_OneEmfLineWithTheFailureMetricUnderTheTrigger()
    {
        var output = new StringWriter();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

        new EmfMetricsWriter(output, time).WriteRotationStepFailure("RotationStep");

        using var json = JsonDocument.Parse(output.ToString());
        var directive = Assert.Single(json.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("OrgKeyRotation", directive.GetProperty("Namespace").GetString());
        var metric = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal(EmfMetricsWriter.RotationStepFailures, metric.GetProperty("Name").GetString());
        Assert.Equal("RotationStep", json.RootElement.GetProperty("Trigger").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("RotationStepFailures").GetInt32());
    }
}
