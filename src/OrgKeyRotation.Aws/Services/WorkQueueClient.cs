using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>
/// The fan-out's SQS queues through the official SDK client. Batch calls go in groups of 10 (SQS's limit per batch
/// request). Every call may be retried: a message sent twice is harmless here (a work item is idempotent, a report
/// carries an id the digest deduplicates by), and a receive, delete or visibility change repeated does no harm.
/// </summary>
internal sealed class WorkQueueClient(SdkClientSettings settings, AWSCredentials hostCredentials) : IWorkQueueClient, IDisposable
{
    private const int MaxBatch = 10;

    /// <summary>SendMessage DelaySeconds: 0 to 900 (15 minutes).</summary>
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>ReceiveMessage WaitTimeSeconds: 0 to 20.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>ReceiveMessage / ChangeMessageVisibility VisibilityTimeout: 0 to 12 hours.</summary>
    internal static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    private const string Visible = "ApproximateNumberOfMessages";
    private const string InFlight = "ApproximateNumberOfMessagesNotVisible";
    private const string Delayed = "ApproximateNumberOfMessagesDelayed";

    private readonly AmazonSQSClient _client = new(hostCredentials, settings.Apply(new AmazonSQSConfig()));

    public async Task<IReadOnlyList<string>> SendBatchAsync(string queueUrl, IReadOnlyList<(string Id, string Body)> messages, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var chunk in messages.Chunk(MaxBatch))
        {
            var request = new SendMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = chunk.Select(m => new SendMessageBatchRequestEntry { Id = m.Id, MessageBody = m.Body }).ToList(),
            };
            var response = await CallAsync("SendMessageBatch", token => _client.SendMessageBatchAsync(request, token), cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => f.Id));
        }

        return failed;
    }

    public async Task SendAsync(string queueUrl, string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body, DelaySeconds = WholeSeconds(delay, MaxDelay, nameof(delay)) };
        await CallAsync("SendMessage", token => _client.SendMessageAsync(request, token), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string queueUrl, TimeSpan visibilityTimeout, TimeSpan wait, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = MaxBatch,
            VisibilityTimeout = WholeSeconds(visibilityTimeout, MaxVisibility, nameof(visibilityTimeout)),
            WaitTimeSeconds = WholeSeconds(wait, MaxWait, nameof(wait)),
        };
        var response = await CallAsync("ReceiveMessage", token => _client.ReceiveMessageAsync(request, token), cancellationToken).ConfigureAwait(false);
        return (response.Messages ?? []).Select(m => new ReceivedMessage(m.MessageId, m.ReceiptHandle, m.Body ?? "")).ToList();
    }

    public async Task<IReadOnlyList<string>> DeleteBatchAsync(string queueUrl, IReadOnlyList<string> receiptHandles, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var chunk in receiptHandles.Chunk(MaxBatch))
        {
            var request = new DeleteMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = chunk.Select((handle, i) => new DeleteMessageBatchRequestEntry { Id = EntryId(i), ReceiptHandle = handle }).ToList(),
            };
            var response = await CallAsync("DeleteMessageBatch", token => _client.DeleteMessageBatchAsync(request, token), cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => chunk[int.Parse(f.Id.AsSpan(1), CultureInfo.InvariantCulture)]));
        }

        return failed;
    }

    public async Task<IReadOnlyList<string>> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<string> receiptHandles, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var seconds = WholeSeconds(visibilityTimeout, MaxVisibility, nameof(visibilityTimeout));
        var failed = new List<string>();
        foreach (var chunk in receiptHandles.Chunk(MaxBatch))
        {
            var request = new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = chunk.Select((handle, i) => new ChangeMessageVisibilityBatchRequestEntry { Id = EntryId(i), ReceiptHandle = handle, VisibilityTimeout = seconds }).ToList(),
            };
            var response = await CallAsync("ChangeMessageVisibilityBatch", token => _client.ChangeMessageVisibilityBatchAsync(request, token), cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => chunk[int.Parse(f.Id.AsSpan(1), CultureInfo.InvariantCulture)]));
        }

        return failed;
    }

    public async Task<QueueDepth> GetDepthAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var request = new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [Visible, InFlight, Delayed] };
        var response = await CallAsync("GetQueueAttributes", token => _client.GetQueueAttributesAsync(request, token), cancellationToken).ConfigureAwait(false);
        int Count(string name) => response.Attributes is { } attributes && attributes.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new QueueDepth(Count(Visible), Count(InFlight), Count(Delayed));
    }

    public void Dispose() => _client.Dispose();

    private Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        settings.Retry.ExecuteAsync("sqs", operation, settings.Endpoint.Url, idempotent: true, (_, token) => SdkCall.RunAsync("sqs", operation, () => call(token)), cancellationToken);

    /// <summary>Batch entry ids only need to be unique within one request: the index in the chunk.</summary>
    private static string EntryId(int index) => "e" + index.ToString(CultureInfo.InvariantCulture);

    private static int WholeSeconds(TimeSpan value, TimeSpan max, string name) =>
        value >= TimeSpan.Zero && value <= max
            ? (int)Math.Ceiling(value.TotalSeconds)
            : throw new ArgumentOutOfRangeException(name, value, $"SQS takes 0 to {max.TotalSeconds:0} seconds");
}
