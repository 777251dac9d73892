using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

[Trait("Category", "Integration")]
public class SnsClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);

    [Fact]
    public async Task PublishAsync_RawSqsSubscription_BodyAndStringAttributesArrive()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: true);
        var clients = MotoAdmin.Clients(moto.Endpoint);

        var id = await clients.Sns.PublishAsync(topic, new SnsMessage("m1", "Key rotated", "alice rotated", new Dictionary<string, string> { ["severity"] = "info", ["account"] = "123456789012" }), default);
        var message = Assert.Single(await ReceiveAsync(queue, 1));

        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("alice rotated", message.GetProperty("Body").GetString());
        var attributes = message.GetProperty("MessageAttributes");
        Assert.Equal("info", attributes.GetProperty("severity").GetProperty("StringValue").GetString());
        Assert.Equal("String", attributes.GetProperty("severity").GetProperty("DataType").GetString());
        Assert.Equal("123456789012", attributes.GetProperty("account").GetProperty("StringValue").GetString());
    }

    [Fact]
    public async Task PublishAsync_EnvelopedSubscription_CarriesSubject()
    {
        var topic = await _admin.CreateTopicAsync(Name());
        var queue = await SubscribeQueueAsync(topic, raw: false);

        await MotoAdmin.Clients(moto.Endpoint).Sns.PublishAsync(topic, new SnsMessage("m1", "Rotation failed\nin 1 account", "details", new Dictionary<string, string>()), default);
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_MissingTopic_ThrowsResourceNotFound(bool batch)
    {
        var sns = MotoAdmin.Clients(moto.Endpoint).Sns;
        var topic = $"arn:aws:sns:us-east-1:{MotoAdmin.DefaultAccount}:{Name()}";
        var message = new SnsMessage("m1", "s", "b", new Dictionary<string, string>());

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => batch ? sns.PublishBatchAsync(topic, [message], default) : sns.PublishAsync(topic, message, default));

        Assert.Equal(AwsErrorKind.ResourceNotFound, error.Kind);
    }

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
