using System.Text;
using OrgKeyRotation.Lambda.Handling;

namespace OrgKeyRotation.Lambda.Tests.Handling;

public class EventParserTests
{
    [Fact]
    public void Parse_EmptyObject_ManualSweepAsConfigured()
    {
        var sweep = Assert.IsType<SweepEvent>(Parse("{}"));

        Assert.Equal(new SweepEvent(Trigger.Manual, SweepMode.Auto, null, null, null), sweep);
    }

    [Fact]
    public void Parse_ManualWithOverrides_CarriesThem()
    {
        var sweep = Assert.IsType<SweepEvent>(Parse("""{"dryRun": true, "accounts": ["111111111111", "222222222222"], "mode": "inline", "sweepId": "manual-1"}"""));

        Assert.Equal(Trigger.Manual, sweep.Trigger);
        Assert.Equal(SweepMode.Inline, sweep.Mode);
        Assert.True(sweep.DryRun);
        Assert.Equal(["111111111111", "222222222222"], sweep.Accounts);
        Assert.Equal("manual-1", sweep.SweepId);
    }

    [Theory]
    [InlineData("""{"dryrun": true}""", "\"dryrun\"")]
    [InlineData("""{"accounts": ["111111111111"], "force": true}""", "\"force\"")]
    public void Parse_ManualWithUnknownField_RefusedNamingTheField(string payload, string field)
    {
        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Equal(InvocationException.InvalidEvent, error.ErrorType);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dryRun": "yes"}""", "dryRun")]
    [InlineData("""{"accounts": []}""", "accounts")]
    [InlineData("""{"accounts": ["1234"]}""", "accounts")]
    [InlineData("""{"accounts": "111111111111"}""", "accounts")]
    [InlineData("""{"mode": "later"}""", "mode")]
    [InlineData("""{"sweepId": ""}""", "sweepId")]
    public void Parse_ManualWithInvalidValue_RefusedNamingTheField(string payload, string field)
    {
        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Contains($"\"{field}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ScheduledEvent_ScheduledSweepWithTheEventIdAsSweepId()
    {
        var sweep = Assert.IsType<SweepEvent>(Parse("""
            {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",
             "account":"123456789012","time":"2026-11-25T10:00:00Z","region":"eu-west-1",
             "resources":["arn:aws:events:eu-west-1:123456789012:rule/rotation"],"detail":{}}
            """));

        Assert.Equal(new SweepEvent(Trigger.Scheduled, SweepMode.Auto, null, null, "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"), sweep);
    }

    [Fact]
    public void Parse_OtherEventBridgeEvent_RefusedNamingDetailType()
    {
        var error = Assert.Throws<InvocationException>(() => Parse("""{"source":"aws.events","detail-type":"AWS API Call via CloudTrail","detail":{}}"""));

        Assert.Contains("AWS API Call via CloudTrail", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SqsBatch_EachRecordWithItsWorkItemOrProblem()
    {
        var batch = Assert.IsType<SqsBatchEvent>(Parse("""
            {"Records":[
              {"messageId":"m1","eventSource":"aws:sqs","body":"{\"sweepId\":\"s1\",\"accountId\":\"111111111111\",\"dryRun\":true}"},
              {"messageId":"m2","eventSource":"aws:sqs","body":"{\"SweepId\":\"s1\",\"AccountId\":\"222222222222\",\"DryRun\":false}"},
              {"messageId":"m3","eventSource":"aws:sqs","body":"not json"},
              {"messageId":"m4","eventSource":"aws:sqs","body":"{\"sweepId\":\"s1\",\"accountId\":\"12\"}"}
            ]}
            """));

        Assert.Equal(["m1", "m2", "m3", "m4"], batch.Records.Select(r => r.MessageId));
        Assert.Equal(new("s1", "111111111111", true), batch.Records[0].WorkItem);
        Assert.Equal(new("s1", "222222222222", false), batch.Records[1].WorkItem);
        Assert.Null(batch.Records[2].WorkItem);
        Assert.Contains("AccountWorkItem", batch.Records[2].Problem, StringComparison.Ordinal);
        Assert.Null(batch.Records[3].WorkItem);
    }

    [Fact]
    public void Parse_SqsBatchWithADigestItem_TheDigestItemOrWhyItIsNotOne()
    {
        var batch = Assert.IsType<SqsBatchEvent>(Parse("""
            {"Records":[
              {"messageId":"d1","eventSource":"aws:sqs","body":"{\"kind\":\"digest\",\"sweepId\":\"s1\",\"startedAt\":\"2026-11-25T10:00:00Z\",\"accounts\":[\"111111111111\"],\"notEnqueued\":[\"222222222222\"],\"round\":2,\"seenIdle\":true}"},
              {"messageId":"d2","eventSource":"aws:sqs","body":"{\"kind\":\"digest\",\"sweepId\":\"s1\",\"accounts\":[\"12\"],\"notEnqueued\":[],\"round\":0}"},
              {"messageId":"d3","eventSource":"aws:sqs","body":"{\"kind\":\"digest\",\"sweepId\":\"s1\"}"}
            ]}
            """));

        var digest = batch.Records[0].Digest;
        Assert.NotNull(digest);
        Assert.Null(batch.Records[0].WorkItem);
        Assert.Equal(("s1", 2, true), (digest.SweepId, digest.Round, digest.SeenIdle));
        Assert.Equal(["111111111111"], digest.Accounts);
        Assert.Equal(["222222222222"], digest.NotEnqueued);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), digest.StartedAt);
        Assert.All(batch.Records.Skip(1), r => Assert.Null(r.Digest));
        Assert.All(batch.Records.Skip(1), r => Assert.Contains("DigestWorkItem", r.Problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","s3":{}}]}""", "aws:s3")]
    [InlineData("""{"Records":[]}""", "Records")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs","body":"{}"}]}""", "messageId")]
    public void Parse_RecordsThatAreNotAnSqsWorkBatch_Refused(string payload, string mentioned)
    {
        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RotationStep_Request()
    {
        var step = Assert.IsType<RotationStepEvent>(Parse("""{"Step":"createSecret","SecretId":"arn:aws:secretsmanager:eu-west-1:111111111111:secret:k","ClientRequestToken":"tok-1"}"""));

        Assert.Equal(new("createSecret", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:k", "tok-1"), step.Request);
    }

    [Theory]
    [InlineData("""{"Step":"deleteSecret","SecretId":"s","ClientRequestToken":"t"}""")]
    [InlineData("""{"Step":"setSecret","SecretId":"s"}""")]
    public void Parse_InvalidRotationStep_Refused(string payload)
    {
        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Contains("rotation", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("[1,2]", "array")]
    [InlineData("42", "number")]
    [InlineData("null", "null")]
    [InlineData("", "not valid JSON")]
    public void Parse_NotAnObject_RefusedSayingWhatWasExpected(string payload, string detail)
    {
        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverSizeLimit_RefusedBeforeParsing()
    {
        var payload = "{\"sweepId\":\"" + new string('x', EventParser.MaxEventBytes) + "\"}";

        var error = Assert.Throws<InvocationException>(() => Parse(payload));

        Assert.Contains("over the 262144-byte limit", error.Message, StringComparison.Ordinal);
    }

    private static LambdaEvent Parse(string payload) => EventParser.Parse(Encoding.UTF8.GetBytes(payload));
}
