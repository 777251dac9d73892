using System.Text.Json;

namespace OrgKeyRotation.Testing.Modelling;

/// <summary>
/// Lambda's SQS event source mapping with ReportBatchItemFailures, over a moto queue, as AWS documents it: the mapping
/// receives a batch (each receive counts towards the queue's maxReceiveCount), invokes the function with it, deletes
/// the records the response does not list in <c>batchItemFailures</c>, and leaves the listed ones hidden until the
/// queue's visibility timeout runs out, when they are delivered again
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, "Implementing partial batch
/// responses"). A message received maxReceiveCount times goes to the dead-letter queue instead
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html; moto moves
/// it on the next receive). The model lets the visibility timeout pass at once (ChangeMessageVisibility 0), so a
/// test sees every redelivery without waiting. A response that is no partial batch response fails the whole batch,
/// as an invocation error does.
/// </summary>
public sealed class SqsEventSource(MotoSeeder seed, string queueUrl, Func<string, Task<string>> invoke, int batchSize = 10)
{
    private readonly Dictionary<string, int> _deliveries = new(StringComparer.Ordinal);

    /// <summary>How often each message (by body) was delivered to the function.</summary>
    public IReadOnlyDictionary<string, int> Deliveries => _deliveries;

    /// <summary>Invocations made so far.</summary>
    public int Invocations { get; private set; }

    /// <summary>
    /// Polls, invokes and settles until the queue has nothing visible (or <paramref name="maxInvocations"/> is reached,
    /// which fails: a queue that never drains is what the caller wants to see).
    /// </summary>
    public async Task DrainAsync(int maxInvocations = 50)
    {
        while (true)
        {
            var batch = await seed.ReceiveAsync(queueUrl, batchSize, TimeSpan.FromMinutes(15));
            if (batch.Count == 0)
            {
                return;
            }

            if (Invocations == maxInvocations)
            {
                throw new InvalidOperationException($"the queue did not drain in {maxInvocations} invocations");
            }

            Invocations++;
            foreach (var message in batch)
            {
                _deliveries[message.Body] = _deliveries.GetValueOrDefault(message.Body) + 1;
            }

            var failed = FailedItems(await invoke(Event(batch)), batch);
            foreach (var message in batch)
            {
                if (failed.Contains(message.MessageId))
                {
                    // The visibility timeout runs out: the message is delivered again (or dead-lettered).
                    await seed.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, TimeSpan.Zero);
                }
                else
                {
                    await seed.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
                }
            }
        }
    }

    private static HashSet<string> FailedItems(string response, IReadOnlyList<ReceivedQueueMessage> batch)
    {
        try
        {
            using var document = JsonDocument.Parse(response);
            if (document.RootElement.TryGetProperty("batchItemFailures", out var failures) && failures.ValueKind == JsonValueKind.Array)
            {
                return failures.EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToHashSet(StringComparer.Ordinal);
            }
        }
        catch (JsonException)
        {
            // Not a partial batch response: the whole batch failed.
        }

        return batch.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The SQS event Lambda hands the function (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).</summary>
    private string Event(IReadOnlyList<ReceivedQueueMessage> batch) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Records"] = batch.Select(m => new Dictionary<string, object>
        {
            ["messageId"] = m.MessageId,
            ["receiptHandle"] = m.ReceiptHandle,
            ["body"] = m.Body,
            ["attributes"] = new Dictionary<string, string> { ["ApproximateReceiveCount"] = m.ReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["messageAttributes"] = new Dictionary<string, string>(),
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = $"arn:aws:sqs:us-east-1:{MotoSeeder.DefaultAccount}:{queueUrl[(queueUrl.LastIndexOf('/') + 1)..]}",
            ["awsRegion"] = "us-east-1",
        }).ToArray(),
    });
}
