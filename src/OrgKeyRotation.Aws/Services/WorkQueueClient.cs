using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Aws.Services;

/// <summary>SQS SendMessageBatch through the official SDK client, in groups of 10.</summary>
internal sealed class WorkQueueClient(SdkClientSettings settings, AWSCredentials hostCredentials) : IWorkQueueClient, IDisposable
{
    private const int MaxBatch = 10;
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
            var response = await settings.Retry.ExecuteAsync("sqs", "SendMessageBatch", settings.Endpoint.Url, idempotent: true, (_, token) =>
                SdkCall.RunAsync("sqs", "SendMessageBatch", () => _client.SendMessageBatchAsync(request, token)), cancellationToken).ConfigureAwait(false);
            failed.AddRange((response.Failed ?? []).Select(f => f.Id));
        }

        return failed;
    }

    public void Dispose() => _client.Dispose();
}
