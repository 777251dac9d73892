using System.Text.Json;
using OrgKeyRotation.Aws.Tests.Support;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Aws.Tests.Services;

/// <summary>
/// The fan-out's SQS calls against moto: a delayed send (the digest item), receive with a visibility timeout, release
/// (visibility 0), batch delete, and the queue's depth. SQS API reference: DelaySeconds 0-900; a message received is
/// hidden for its visibility timeout and ChangeMessageVisibility 0 makes it visible at once; the Approximate* counts
/// are of visible, in-flight (received, not deleted) and delayed messages.
/// </summary>
[Trait("Category", "Integration")]
public class WorkQueueClientTests(MotoFixture moto) : IClassFixture<MotoFixture>
{
    private readonly MotoAdmin _admin = MotoAdmin.ForDefaultAccount(moto.Endpoint);

    private async Task<string> QueueAsync() =>
        (await _admin.SqsAsync("CreateQueue", JsonSerializer.Serialize(new { QueueName = "q" + Guid.NewGuid().ToString("N") }))).GetProperty("QueueUrl").GetString()!;

    [Fact]
    public async Task SendAsync_Delayed_CountedAsDelayedAndInvisibleUntilTheDelayPassed()
    {
        var queue = await QueueAsync();
        var sqs = MotoAdmin.Clients(moto.Endpoint).WorkQueue;

        await sqs.SendAsync(queue, "later", TimeSpan.FromSeconds(2), default);
        var depth = await sqs.GetDepthAsync(queue, default);
        var early = await sqs.ReceiveAsync(queue, TimeSpan.FromSeconds(30), TimeSpan.Zero, default);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var late = await sqs.ReceiveAsync(queue, TimeSpan.FromSeconds(30), TimeSpan.Zero, default);

        Assert.Equal(new Core.Ports.QueueDepth(0, 0, 1), depth);
        Assert.Empty(early);
        Assert.Equal("later", Assert.Single(late).Body);
    }

    [Fact]
    public async Task ReceiveAsync_HiddenUntilReleasedThenDeleted()
    {
        var queue = await QueueAsync();
        var sqs = MotoAdmin.Clients(moto.Endpoint).WorkQueue;
        await sqs.SendBatchAsync(queue, Enumerable.Range(0, 12).Select(i => ($"m{i}", $"body {i}")).ToList(), default);

        var first = await sqs.ReceiveAsync(queue, TimeSpan.FromMinutes(5), TimeSpan.Zero, default);
        var second = await sqs.ReceiveAsync(queue, TimeSpan.FromMinutes(5), TimeSpan.Zero, default);
        var inFlight = await sqs.GetDepthAsync(queue, default);
        var releaseFailed = await sqs.ChangeVisibilityBatchAsync(queue, first.Select(m => m.ReceiptHandle).ToList(), TimeSpan.Zero, default);
        var again = await sqs.ReceiveAsync(queue, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), default);
        var deleteFailed = await sqs.DeleteBatchAsync(queue, second.Concat(again).Select(m => m.ReceiptHandle).ToList(), default);
        var after = await sqs.GetDepthAsync(queue, default);

        Assert.Equal(10, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Equal(new Core.Ports.QueueDepth(0, 12, 0), inFlight);
        Assert.Empty(releaseFailed);
        Assert.Equal(first.Select(m => m.MessageId).Order(StringComparer.Ordinal), again.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.Empty(deleteFailed);
        Assert.Equal(0, after.Total);
    }

    [Fact]
    public async Task SendAsync_DelayOverFifteenMinutes_RefusedBeforeAnyCall()
    {
        var counter = new CallCountingHandler();
        var sqs = MotoAdmin.Clients(moto.Endpoint, () => counter).WorkQueue;
        var queue = await QueueAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sqs.SendAsync(queue, "x", TimeSpan.FromMinutes(16), default));

        Assert.Equal(0, counter.Count("SendMessage"));
    }
}
