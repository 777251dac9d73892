using OrgKeyRotation.Engine.Alerts;

namespace OrgKeyRotation.Engine.Tests.Alerts;

public class AlertPublisherTests
{
    [Fact]
    public void ToMessage_LongTitle_SubjectFitsSnsLimit()
    {
        var alert = new Alert(AlertEvent.Rotated, "sweep-1", "111111111111", new string('u', 64), "AKIAEXAMPLEEXAMPLE12", null, new string('t', 300), "detail");

        var message = AlertPublisher.ToMessage(alert, 0);

        Assert.True(message.Subject.Length <= AlertPublisher.MaxSubjectLength, $"subject is {message.Subject.Length} characters");
        Assert.StartsWith("[OrgKeyRotation] rotated: ", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMessage_UserAlert_CarriesFilterableAttributesAndAReadableBody()
    {
        var alert = new Alert(AlertEvent.Failed, "sweep-2", "111111111111", "alice", "AKIAEXAMPLEEXAMPLE12", "team-a", "title", "what failed and what to do");

        var message = AlertPublisher.ToMessage(alert, 3);

        Assert.Equal("m3", message.Id);
        Assert.Equal(new Dictionary<string, string>
        {
            ["event"] = "failed",
            ["sweepId"] = "sweep-2",
            ["accountId"] = "111111111111",
            ["userName"] = "alice",
            ["accessKeyId"] = "AKIAEXAMPLEEXAMPLE12",
            ["owner"] = "team-a",
        }, message.Attributes);
        Assert.Contains("what failed and what to do", message.Body, StringComparison.Ordinal);
        Assert.Contains("Owner:      team-a", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMessage_SweepSummary_LeavesOutEmptyAttributes()
    {
        var message = AlertPublisher.ToMessage(new Alert(AlertEvent.Summary, "sweep-3", null, null, null, null, "1 rotated", "detail"), 0);

        Assert.Equal(["event", "sweepId"], message.Attributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("summary", message.Attributes["event"]);
    }
}
