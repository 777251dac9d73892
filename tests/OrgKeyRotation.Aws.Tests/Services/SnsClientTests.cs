using System.Text;
using System.Text.Json;
using OrgKeyRotation.Aws.Services;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

[Trait("Category", "Integration")]
public class SnsClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private static readonly Dictionary<string, string> NoAttributes = [];
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);

    [Fact]
    public async Task PublishBatchAsync_RawSqsSubscription_BodyAndStringAttributesArrive()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);

        var failed = await MotoAdmin.Clients(moto.Endpoint).Sns.PublishBatchAsync(topic, [new SnsMessage("m1", "Key rotated", "alice rotated", new Dictionary<string, string> { ["severity"] = "info", ["account"] = "123456789012" })], default);
        var message = Assert.Single(await ReceiveAsync(queue, 1));

        Assert.Empty(failed);
        Assert.Equal("alice rotated", message.GetProperty("Body").GetString());
        var attributes = message.GetProperty("MessageAttributes");
        Assert.Equal("info", attributes.GetProperty("severity").GetProperty("StringValue").GetString());
        Assert.Equal("String", attributes.GetProperty("severity").GetProperty("DataType").GetString());
        Assert.Equal("123456789012", attributes.GetProperty("account").GetProperty("StringValue").GetString());
    }

    [Fact]
    public async Task PublishBatchAsync_EnvelopedSubscription_CarriesSanitizedSubject()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: false);

        await MotoAdmin.Clients(moto.Endpoint).Sns.PublishBatchAsync(topic, [new SnsMessage("m1", "Rotation failed\nin 1 account", "details", NoAttributes)], default);
        var message = Assert.Single(await ReceiveAsync(queue, 1));

        using var envelope = JsonDocument.Parse(message.GetProperty("Body").GetString()!);
        Assert.Equal("Rotation failed in 1 account", envelope.RootElement.GetProperty("Subject").GetString());
        Assert.Equal("details", envelope.RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task PublishBatchAsync_TwentyFiveMessages_SentInThreeBatchesAndAllArrive()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);
        var counter = new CallCountingHandler();
        var clients = MotoAdmin.Clients(moto.Endpoint, () => counter);
        var messages = Enumerable.Range(1, 25).Select(i => new SnsMessage($"m{i}", "s", $"body {i}", new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList();

        var failed = await clients.Sns.PublishBatchAsync(topic, messages, default);
        var received = await ReceiveAsync(queue, 25);

        Assert.Empty(failed);
        Assert.Equal(3, counter.Count("PublishBatch", "sns"));
        Assert.Equal(messages.Select(m => m.Body).Order(), received.Select(r => r.GetProperty("Body").GetString()!).Order());
        Assert.All(received, r => Assert.True(r.GetProperty("MessageAttributes").TryGetProperty("n", out _)));
    }

    [Fact]
    public async Task PublishBatchAsync_MissingTopic_EveryMessageReportedFailedWithTheReason()
    {
        var topic = $"arn:aws:sns:us-east-1:{MotoAdmin.DefaultAccount}:{Name()}";
        var messages = Enumerable.Range(1, 12).Select(i => new SnsMessage($"m{i}", "s", "b", NoAttributes)).ToList();

        var failed = await MotoAdmin.Clients(moto.Endpoint).Sns.PublishBatchAsync(topic, messages, default);

        Assert.Equal(messages.Select(m => m.Id), failed.Select(f => f.Id));
        Assert.All(failed, f => Assert.Contains("NotFound", f.Reason, StringComparison.Ordinal));
    }

    // A topic lives in one region (its ARN names it); the host's home region here is us-east-1. moto keeps topics per
    // region, like AWS, so a request signed for the wrong region does not find the topic.
    [Fact]
    public async Task PublishBatchAsync_TopicInAnotherRegion_SignedForTheTopicsRegion()
    {
        var topic = await MotoAdmin.ForDefaultAccount(moto.Endpoint, "eu-west-1").CreateTopicAsync(Name());
        var capture = new CapturingHandler();

        var failed = await MotoAdmin.Clients(moto.Endpoint, () => capture).Sns.PublishBatchAsync(topic, [new SnsMessage("m1", "s", "b", NoAttributes)], default);

        Assert.Empty(failed);
        Assert.Contains("/eu-west-1/sns/aws4_request", Assert.Single(capture.Requests).Headers["Authorization"], StringComparison.Ordinal);
    }

    // PublishBatch API reference: "the maximum total payload size (the sum of the individual lengths of all of the
    // batched messages) [is] 256 KB (262,144 bytes)". moto checks only each message's length, so the split is
    // checked on the requests themselves.
    [Fact]
    public async Task PublishBatchAsync_TenMessagesOf30KB_SplitSoNoRequestExceeds256KB()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);
        var capture = new CapturingHandler();
        var messages = Enumerable.Range(0, 10).Select(i => new SnsMessage($"m{i}", "s", new string((char)('a' + i), 30 * 1024), new Dictionary<string, string> { ["event"] = "failed" })).ToList();

        var failed = await MotoAdmin.Clients(moto.Endpoint, () => capture).Sns.PublishBatchAsync(topic, messages, default);
        var received = await ReceiveAsync(queue, 10);

        Assert.Empty(failed);
        var batches = capture.Requests.Select(r => MessageBytes(r.Body)).ToList();
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.InRange(b.Sum(), 1, SnsClient.MaxPayloadBytes));
        Assert.Equal(10, received.Count);
    }

    [Fact]
    public async Task PublishBatchAsync_OneMessageOver256KB_CutToFitAndDelivered()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);
        var body = "ü" + new string('x', 300 * 1024);

        var failed = await MotoAdmin.Clients(moto.Endpoint).Sns.PublishBatchAsync(topic, [new SnsMessage("m1", "s", body, new Dictionary<string, string> { ["event"] = "summary" })], default);
        var delivered = Assert.Single(await ReceiveAsync(queue, 1)).GetProperty("Body").GetString()!;

        Assert.Empty(failed);
        Assert.StartsWith("üxxx", delivered, StringComparison.Ordinal);
        Assert.EndsWith(SnsClient.CutMarker, delivered, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(delivered), 200 * 1024, SnsClient.MaxPayloadBytes);
    }

    // Publish API reference: with MessageStructure=json the Message is a JSON object with a "default" string and one per
    // protocol; each subscriber gets its protocol's value, or the default. moto models it the same way for SQS.
    [Fact]
    public async Task PublishBatchAsync_WithEmailRendering_SqsSubscriberGetsTheDefaultAndTheRequestIsStructured()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);
        var capture = new CapturingHandler(new SocketsHttpHandler());
        var message = new SnsMessage("m1", "s", """{"schema":"orgkeyrotation.alert","text":"é"}""", new Dictionary<string, string> { ["severity"] = "info" }, EmailBody: "For people:\n\"é\"");

        var failed = await MotoAdmin.Clients(moto.Endpoint, () => capture).Sns.PublishBatchAsync(topic, [message], default);
        var delivered = Assert.Single(await ReceiveAsync(queue, 1));

        Assert.Empty(failed);
        Assert.Equal(message.Body, delivered.GetProperty("Body").GetString());
        var form = Encoding.UTF8.GetString(Assert.Single(capture.Requests).Body).Split('&').Select(p => p.Split('=', 2)).ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => Uri.UnescapeDataString(kv[1].Replace('+', ' ')));
        Assert.Equal("json", form["PublishBatchRequestEntries.member.1.MessageStructure"]);
        using var structured = JsonDocument.Parse(form["PublishBatchRequestEntries.member.1.Message"]);
        Assert.Equal(message.Body, structured.RootElement.GetProperty("default").GetString());
        Assert.Equal(message.EmailBody, structured.RootElement.GetProperty("email").GetString());
    }

    private static List<int> MessageBytes(byte[] form) =>
        Encoding.UTF8.GetString(form).Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(kv => kv[0].StartsWith("PublishBatchRequestEntries.member.", StringComparison.Ordinal) && kv[0].EndsWith(".Message", StringComparison.Ordinal))
            .Select(kv => Encoding.UTF8.GetByteCount(Uri.UnescapeDataString(kv[1])))
            .ToList();

    private static string Name() => "t" + Guid.NewGuid().ToString("N");

    private async Task<string> SubscribeQueueAsync(string topicArn, bool raw)
    {
        var queueUrl = (await _admin.SqsAsync("CreateQueue", JsonSerializer.Serialize(new { QueueName = Name() }))).GetProperty("QueueUrl").GetString()!;
        var attributes = await _admin.SqsAsync("GetQueueAttributes", JsonSerializer.Serialize(new { QueueUrl = queueUrl, AttributeNames = new[] { "QueueArn" } }));
        var queueArn = attributes.GetProperty("Attributes").GetProperty("QueueArn").GetString()!;
        await _admin.SnsAsync("Subscribe", ("TopicArn", topicArn), ("Protocol", "sqs"), ("Endpoint", queueArn), ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", raw ? "true" : "false"));
        return queueUrl;
    }

    private async Task<List<JsonElement>> ReceiveAsync(string queueUrl, int expected)
    {
        var messages = new List<JsonElement>();
        for (var i = 0; i < 10 && messages.Count < expected; i++)
        {
            var result = await _admin.SqsAsync("ReceiveMessage", JsonSerializer.Serialize(new { QueueUrl = queueUrl, MaxNumberOfMessages = 10, MessageAttributeNames = new[] { "All" } }));
            if (result.TryGetProperty("Messages", out var batch))
            {
                messages.AddRange(batch.EnumerateArray());
            }
        }

        return messages;
    }
}
