using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrgKeyRotation.Bench;

/// <summary>One message taken from the work queue.</summary>
internal sealed record WorkMessage(string MessageId, string ReceiptHandle, string Body, string ReceiveCount);

/// <summary>
/// What Lambda's SQS event source mapping does for the fan-out, played by the benchmark: receive up to a batch of work
/// items (batch size: --fanout-batch-size, by default deploy/terraform's fanout_batch_size), hand them to one function
/// instance as one SQS event, and delete them once handled.
/// It talks to the proxy's direct port: the mapping's polling is the Lambda service's traffic, not the rotator's, so it
/// is neither delayed nor counted.
/// </summary>
internal sealed class SqsEventSource(Uri direct, string queueUrl) : IDisposable
{
    /// <summary>Six times the Lambda timeout of 900 s, as the Terraform module sets it.</summary>
    private const int VisibilityTimeoutSeconds = 5400;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string QueueArn { get; } = $"arn:aws:sqs:us-east-1:{new Uri(queueUrl).Segments[1].TrimEnd('/')}:{new Uri(queueUrl).Segments[^1]}";

    /// <summary>Up to <paramref name="batchSize"/> visible messages (SQS allows 1 to 10), none when the queue shows none.</summary>
    public async Task<IReadOnlyList<WorkMessage>> ReceiveAsync(int batchSize)
    {
        var response = await CallAsync("ReceiveMessage", new JsonObject
        {
            ["QueueUrl"] = queueUrl,
            ["MaxNumberOfMessages"] = batchSize,
            ["VisibilityTimeout"] = VisibilityTimeoutSeconds,
            ["WaitTimeSeconds"] = 0,
            ["MessageSystemAttributeNames"] = new JsonArray("All"),
        });
        return (response?["Messages"] as JsonArray ?? [])
            .Select(message => new WorkMessage(message!["MessageId"]!.GetValue<string>(), message["ReceiptHandle"]!.GetValue<string>(), message["Body"]!.GetValue<string>(), message["Attributes"]?["ApproximateReceiveCount"]?.GetValue<string>() ?? "1"))
            .ToList();
    }

    public Task DeleteAsync(WorkMessage message) =>
        CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = queueUrl, ["ReceiptHandle"] = message.ReceiptHandle });

    /// <summary>The event Lambda delivers for a batch of messages (the shape of the SQS event source's records).</summary>
    public string EventFor(IReadOnlyList<WorkMessage> messages) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Records"] = messages.Select(message =>
            new Dictionary<string, object>
            {
                ["messageId"] = message.MessageId,
                ["receiptHandle"] = message.ReceiptHandle,
                ["body"] = message.Body,
                ["attributes"] = new Dictionary<string, string> { ["ApproximateReceiveCount"] = message.ReceiveCount },
                ["messageAttributes"] = new Dictionary<string, string>(),
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = QueueArn,
                ["awsRegion"] = "us-east-1",
            }).ToList(),
    });

    public void Dispose() => _http.Dispose();

    /// <summary>Calls answered 5xx and tried again (moto under load answers some with its own 500 page).</summary>
    public int Retries => _retries;

    private int _retries;

    // Lambda's event source mapping retries a failed poll; so does this one, a few times, before giving up the run.
    private async Task<JsonNode?> CallAsync(string operation, JsonObject body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            using var request = new HttpRequestMessage(HttpMethod.Post, direct) { Content = content };
            request.Headers.Add("X-Amz-Target", "AmazonSQS." + operation);
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500 && attempt < 5)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"sqs:{operation} failed ({(int)response.StatusCode}) after {attempt} attempts: {text}");
            }

            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }
}
