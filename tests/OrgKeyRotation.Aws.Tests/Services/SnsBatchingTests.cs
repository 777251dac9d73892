using System.Text;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>The PublishBatch limits (10 entries, 256 KB per request and per message) as pure splitting rules.</summary>
public class SnsBatchingTests
{
    private static readonly Dictionary<string, string> NoAttributes = [];

    [Fact]
    public void Batches_ElevenSmallMessages_TenThenOne()
    {
        var batches = SnsClient.Batches(Enumerable.Range(0, 11).Select(i => Message(i, 10)));

        Assert.Equal([10, 1], batches.Select(b => b.Count));
    }

    [Fact]
    public void Batches_SizesAcrossTheLimit_SplitBeforeTheMessageThatWouldExceedIt()
    {
        var batches = SnsClient.Batches([Message(0, 100_000), Message(1, 100_000), Message(2, 100_000), Message(3, 10)]);

        Assert.Equal([["m0", "m1"], ["m2", "m3"]], batches.Select(b => b.Select(m => m.Id)));
        Assert.All(batches, b => Assert.True(b.Sum(SnsClient.SizeOf) <= SnsClient.MaxPayloadBytes));
    }

    [Fact]
    public void SizeOf_Message_CountsUtf8BodySubjectAndAttributes()
    {
        var message = new SnsMessage("m", "subj", "é", new Dictionary<string, string> { ["k"] = "vv" });

        Assert.Equal(2 + 4 + 1 + "String".Length + 2, SnsClient.SizeOf(message));
    }

    [Fact]
    public void Fit_MessageWithinLimit_Unchanged()
    {
        var message = Message(0, 1000);

        Assert.Same(message, SnsClient.Fit(message));
    }

    [Fact]
    public void Fit_MultiByteBodyOverLimit_CutOnACharacterBoundaryToExactlyFit()
    {
        var message = new SnsMessage("m", "s", new string('€', 100_000), new Dictionary<string, string> { ["event"] = "failed" });

        var fitted = SnsClient.Fit(message);

        Assert.InRange(SnsClient.SizeOf(fitted), SnsClient.MaxPayloadBytes - 3, SnsClient.MaxPayloadBytes);
        Assert.EndsWith(SnsClient.CutMarker, fitted.Body, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', fitted.Body);
        Assert.Equal(fitted.Body, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(fitted.Body)));
    }

    [Fact]
    public void SizeOf_WithEmailRendering_CountsTheStructuredMessageAsSent()
    {
        var message = new SnsMessage("m", "s", "{\"a\":1}", NoAttributes, EmailBody: "line\n");

        Assert.Equal("{\"default\":\"{\\u0022a\\u0022:1}\",\"email\":\"line\\n\"}", SnsClient.MessageParameter(message));
        Assert.Equal(Encoding.UTF8.GetByteCount(SnsClient.MessageParameter(message)) + 1, SnsClient.SizeOf(message));
    }

    [Fact]
    public void Fit_StructuredMessageOverLimit_CutsTheEmailTextAndKeepsTheJsonDefault()
    {
        var body = "{\"text\":\"" + new string('j', 100_000) + "\"}";
        var message = new SnsMessage("m", "s", body, NoAttributes, EmailBody: new string('e', 200_000));

        var fitted = SnsClient.Fit(message);

        Assert.Equal(body, fitted.Body);
        Assert.EndsWith(SnsClient.CutMarker, fitted.EmailBody, StringComparison.Ordinal);
        Assert.InRange(SnsClient.SizeOf(fitted), 1, SnsClient.MaxPayloadBytes);
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-west-1:111122223333:alerts", "eu-west-1")]
    [InlineData("arn:aws-cn:sns:cn-north-1:111122223333:alerts", "cn-north-1")]
    public void RegionOf_TopicArn_ItsRegion(string arn, string region) =>
        Assert.Equal(region, SnsClient.RegionOf(arn));

    [Theory]
    [InlineData("alerts")]
    [InlineData("arn:aws:sqs:eu-west-1:111122223333:alerts")]
    [InlineData("arn:aws:sns::111122223333:alerts")]
    public void RegionOf_NotATopicArn_ThrowsNamingIt(string arn) =>
        Assert.Contains(arn, Assert.Throws<ArgumentException>(() => SnsClient.RegionOf(arn)).Message, StringComparison.Ordinal);

    private static SnsMessage Message(int i, int bytes) => new($"m{i}", "s", new string('x', bytes), NoAttributes);
}
