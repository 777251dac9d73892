using System.Text.Json;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Lambda.Tests.EndToEnd.LambdaScenario;

namespace OrgKeyRotation.Lambda.Tests.EndToEnd;

/// <summary>
/// The published Native AOT bootstrap, configured through the same environment variables Terraform sets, serving
/// every kind of event against moto. Each test checks the response, the resulting keys and secrets in moto, and
/// that the function's output is JSON lines without any secret.
/// </summary>
[Trait("Category", "Integration")]
public class BootstrapAgainstMotoTests
{
    private const string Token = "0b6c1f3e-5d2a-4c8e-9f71-2a4b6d8e0c13";

    private static string ScheduledEvent(string id) => $$"""
        {"version": "0", "id": "{{id}}", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
         "time": "2026-11-25T21:00:00Z", "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/orgkeyrotation"], "detail": {} }
        """;

    private static string SqsEvent(params (string MessageId, string Body)[] records) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Records"] = records.Select(r => new Dictionary<string, object>
            {
                ["messageId"] = r.MessageId,
                ["receiptHandle"] = "handle-" + r.MessageId,
                ["body"] = r.Body,
                ["attributes"] = new Dictionary<string, string> { ["ApproximateReceiveCount"] = "1" },
                ["messageAttributes"] = new Dictionary<string, string>(),
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:rotation-work",
                ["awsRegion"] = "us-east-1",
            }).ToArray(),
        });

    private static string StepEvent(string step, string secretArn, string token = Token) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["Step"] = step, ["SecretId"] = secretArn, ["ClientRequestToken"] = token });

    private static JsonElement Counts(JsonElement result) => result.GetProperty("counts");

    private static IEnumerable<JsonElement> ActionsOf(JsonElement result) =>
        result.GetProperty("accounts").EnumerateArray().SelectMany(a => a.GetProperty("users").EnumerateArray()).SelectMany(u => u.GetProperty("actions").EnumerateArray());

    private static string[] BatchItemFailures(JsonElement response) =>
        response.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToArray();

    private static JsonElement SingleMetricsLine(IReadOnlyList<JsonElement> output, string trigger)
    {
        var line = Assert.Single(MetricsLines(output), l => l.GetProperty("Trigger").GetString() == trigger);
        Assert.Equal("OrgKeyRotation", line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
        return line;
    }

    [Fact]
    public async Task Bootstrap_ManualDryRun_PlansEveryRotationAndChangesNothing()
    {
        await using var lambda = await LambdaScenario.StartAsync();

        var result = await lambda.InvokeAsync("""{"dryRun": true}""");

        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, Counts(result).GetProperty("accounts").GetInt32());
        Assert.Equal(3, Counts(result).GetProperty("users").GetInt32());
        Assert.Equal(0, Counts(result).GetProperty("rotated").GetInt32());
        Assert.Equal(3, ActionsOf(result).Count(a => a.GetProperty("action").GetString() == "Rotate" && a.GetProperty("outcome").GetString() == "Planned"));
        foreach (var (account, user) in Users)
        {
            await lambda.AssertUntouchedAsync(account, user);
        }

        Assert.Empty(await lambda.AlertsAsync());
        var output = await lambda.StopAndCheckOutputAsync();
        Assert.Equal(0, SingleMetricsLine(output, "Manual").GetProperty("KeysRotated").GetInt32());
    }

    [Fact]
    public async Task Bootstrap_ManualInvoke_RotatesEveryConfiguredUserAndAlerts()
    {
        await using var lambda = await LambdaScenario.StartAsync();

        var result = await lambda.InvokeAsync("{}");

        Assert.False(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(3, Counts(result).GetProperty("rotated").GetInt32());
        Assert.Equal(0, Counts(result).GetProperty("failed").GetInt32());
        Assert.Empty(result.GetProperty("notStartedAccounts").EnumerateArray());
        var sweepId = result.GetProperty("sweepId").GetString();
        foreach (var (account, user) in Users)
        {
            var newKey = await lambda.AssertRotatedAsync(account, user);
            Assert.Contains(ActionsOf(result), a => a.GetProperty("action").GetString() == "Rotate" && a.GetProperty("outcome").GetString() == "Succeeded" && a.GetProperty("newAccessKeyId").GetString() == newKey);
        }

        var alerts = await lambda.AlertsAsync();
        Assert.Equal(3, alerts.Count(a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == sweepId));
        Assert.Single(alerts, a => a.Attributes["event"] == "digest");
        var output = await lambda.StopAndCheckOutputAsync();
        var metrics = SingleMetricsLine(output, "Manual");
        Assert.Equal(3, metrics.GetProperty("KeysRotated").GetInt32());
        Assert.Equal(0, metrics.GetProperty("RotationFailures").GetInt32());
        Assert.Contains(output, l => l.TryGetProperty("message", out var m) && m.GetString()!.Contains($"Sweep {sweepId} done: 3 rotated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_ManualInvokeForOneAccount_RotatesOnlyThatAccountAndRefusesOneOutOfScope()
    {
        await using var lambda = await LambdaScenario.StartAsync();

        var result = await lambda.InvokeAsync($$"""{"accounts": ["{{AccountB}}"]}""");
        var outside = await lambda.InvokeExpectingErrorAsync("""{"accounts": ["999999999999"]}""");

        Assert.Equal(AccountB, Assert.Single(result.GetProperty("accounts").EnumerateArray()).GetProperty("accountId").GetString());
        Assert.Equal(1, Counts(result).GetProperty("rotated").GetInt32());
        await lambda.AssertRotatedAsync(AccountB, "carol");
        await lambda.AssertUntouchedAsync(AccountA, "alice");
        await lambda.AssertUntouchedAsync(AccountA, "bob");
        Assert.Equal("BadRequestException", outside.ErrorType);
        Assert.Contains("999999999999", outside.Body, StringComparison.Ordinal);
        await lambda.StopAndCheckOutputAsync();
    }

    [Fact]
    public async Task Bootstrap_ScheduledEvent_SweepsUnderTheEventIdAndRotates()
    {
        await using var lambda = await LambdaScenario.StartAsync();
        const string eventId = "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa";

        var result = await lambda.InvokeAsync(ScheduledEvent(eventId));

        Assert.Equal(eventId, result.GetProperty("sweepId").GetString());
        Assert.Equal(3, Counts(result).GetProperty("rotated").GetInt32());
        foreach (var (account, user) in Users)
        {
            await lambda.AssertRotatedAsync(account, user);
        }

        Assert.Equal(3, (await lambda.AlertsAsync()).Count(a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == eventId));
        var output = await lambda.StopAndCheckOutputAsync();
        Assert.Equal(3, SingleMetricsLine(output, "Scheduled").GetProperty("KeysRotated").GetInt32());
    }

    [Fact]
    public async Task Bootstrap_SqsBatchWithOneMalformedRecord_RotatesTheValidItemAndReportsOnlyTheMalformed()
    {
        await using var lambda = await LambdaScenario.StartAsync();

        var response = await lambda.InvokeAsync(SqsEvent(
            ("msg-valid", $$"""{"sweepId": "sweep-sqs-1", "accountId": "{{AccountA}}", "dryRun": false}"""),
            ("msg-malformed", """{"sweepId": "sweep-sqs-1", "accountId": 42}""")));

        Assert.Equal(["msg-malformed"], BatchItemFailures(response));
        await lambda.AssertRotatedAsync(AccountA, "alice");
        await lambda.AssertRotatedAsync(AccountA, "bob");
        await lambda.AssertUntouchedAsync(AccountB, "carol");
        Assert.Equal(2, (await lambda.AlertsAsync()).Count(a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == "sweep-sqs-1"));
        var output = await lambda.StopAndCheckOutputAsync();
        Assert.Equal(2, SingleMetricsLine(output, "Sqs").GetProperty("KeysRotated").GetInt32());
        Assert.Contains(output, l => l.TryGetProperty("messageId", out var id) && id.GetString() == "msg-malformed" && l.GetProperty("level").GetString() == "WARN");
    }

    [Fact]
    public async Task Bootstrap_FourRotationSteps_RotateTheManagedSecretThroughAwsPending()
    {
        await using var lambda = await LambdaScenario.StartAsync();
        await lambda.InvokeAsync($$"""{"accounts": ["{{AccountA}}"]}""");
        var before = await lambda.AssertRotatedAsync(AccountA, "alice");
        // The original key, deactivated as the lifecycle would days earlier and past its restore window, is what
        // createSecret deletes to free the slot.
        var original = lambda.OriginalKey(AccountA, "alice");
        await lambda.Seed.SetAccessKeyStatusAsync(AccountA, "alice", original, active: false);
        var arn = await lambda.SecretArnAsync(AccountA, "alice");
        await lambda.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(original, DateTimeOffset.UtcNow.AddDays(-8)) });

        var unknownToken = await lambda.InvokeExpectingErrorAsync(StepEvent("finishSecret", arn, "ffffffff-0000-4000-8000-000000000000"));
        var created = await lambda.InvokeAsync(StepEvent("createSecret", arn));
        var newKey = created.GetProperty("accessKeyId").GetString();
        var pending = await lambda.KeyInSecretAsync(AccountA, "alice", "AWSPENDING");
        var currentWhilePending = await lambda.KeyInSecretAsync(AccountA, "alice");
        var rest = new List<JsonElement>();
        foreach (var step in new[] { "setSecret", "testSecret", "finishSecret" })
        {
            rest.Add(await lambda.InvokeAsync(StepEvent(step, arn)));
        }

        Assert.Equal("RotationStepFailed", unknownToken.ErrorType);
        Assert.Contains("AWSPENDING", unknownToken.Body, StringComparison.Ordinal);
        Assert.Equal("Succeeded", created.GetProperty("outcome").GetString());
        Assert.NotNull(newKey);
        Assert.Equal(newKey, pending);
        Assert.Equal(before, currentWhilePending);
        Assert.All(rest, r => Assert.Equal("Succeeded", r.GetProperty("outcome").GetString()));
        Assert.All(rest, r => Assert.Equal(Token, r.GetProperty("clientRequestToken").GetString()));
        Assert.Equal(newKey, await lambda.KeyInSecretAsync(AccountA, "alice"));
        Assert.Equal(before, await lambda.KeyInSecretAsync(AccountA, "alice", "AWSPREVIOUS"));
        Assert.Equal([(before, "Active"), (newKey, "Active")], (await lambda.KeysAsync(AccountA, "alice")).OrderBy(k => k.AccessKeyId == newKey));
        Assert.Contains(await lambda.AlertsAsync(), a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == "rotation-" + Token);
        await lambda.StopAndCheckOutputAsync();
    }

    private static bool IsDigestItem(QueueMessage message) =>
        JsonDocument.Parse(message.Body).RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == "digest";

    private static JsonElement DigestOf(IReadOnlyList<QueueMessage> alerts) =>
        JsonDocument.Parse(Assert.Single(alerts, a => a.Attributes["event"] == "digest").Body).RootElement.GetProperty("digest");

    [Fact]
    public async Task Bootstrap_FanOutScheduleThenOneBatchOfEveryItem_AccountsSweptTogetherThenOneDigest()
    {
        await using var lambda = await LambdaScenario.StartAsync(fanOut: true);
        const string eventId = "7a1e2b3c-4d5e-4f60-8172-93a4b5c6d7e8";

        var enqueued = await lambda.InvokeAsync(ScheduledEvent(eventId));
        var messages = await lambda.Seed.ReceiveAllAsync(lambda.WorkQueueUrl!);
        var untouchedAfterEnqueue = new List<IReadOnlyList<(string AccessKeyId, string Status)>>();
        foreach (var (account, user) in Users)
        {
            untouchedAfterEnqueue.Add(await lambda.KeysAsync(account, user));
        }

        var alertsAfterEnqueue = await lambda.AlertsAsync();
        var workItems = messages.Where(m => !IsDigestItem(m)).ToList();
        // One batch of both accounts' items with the digest item first, as the event source may deliver them: the accounts
        // are swept together and the digest runs after them, so it finds both reports at once.
        var batch = await lambda.InvokeAsync(SqsEvent([("digest-0", Assert.Single(messages, IsDigestItem).Body), .. workItems.Select((m, i) => ($"work-{i}", m.Body))]));

        Assert.Equal(eventId, enqueued.GetProperty("sweepId").GetString());
        Assert.Equal(2, enqueued.GetProperty("enqueued").GetInt32());
        Assert.Empty(enqueued.GetProperty("failedToEnqueue").EnumerateArray());
        var items = workItems.Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        Assert.Equal([AccountA, AccountB], items.Select(i => i.GetProperty("accountId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(items, i => Assert.Equal(eventId, i.GetProperty("sweepId").GetString()));
        Assert.All(items, i => Assert.False(i.GetProperty("dryRun").GetBoolean()));
        Assert.All(untouchedAfterEnqueue, keys => Assert.Single(keys));
        Assert.Empty(alertsAfterEnqueue);
        Assert.Empty(BatchItemFailures(batch));
        foreach (var (account, user) in Users)
        {
            await lambda.AssertRotatedAsync(account, user);
        }

        var alerts = await lambda.AlertsAsync();
        Assert.Equal(3, alerts.Count(a => a.Attributes["event"] == "rotated" && a.Attributes["sweepId"] == eventId));
        Assert.Equal(4, alerts.Count);
        var digest = DigestOf(alerts);
        Assert.Equal("fan-out", digest.GetProperty("mode").GetString());
        Assert.Equal(3, digest.GetProperty("totals").GetProperty("rotated").GetInt32());
        Assert.Equal(2, digest.GetProperty("accounts").GetProperty("reported").GetInt32());
        var output = await lambda.StopAndCheckOutputAsync();
        Assert.Equal(3, SingleMetricsLine(output, "Sqs").GetProperty("KeysRotated").GetInt32());
        Assert.DoesNotContain(MetricsLines(output), l => l.GetProperty("Trigger").GetString() == "Scheduled");
        Assert.Contains(output, l => l.TryGetProperty("message", out var m) && m.GetString()!.Contains($"Digest of sweep {eventId}: Published", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_FanOutWorkerNeverReports_DigestAfterAnotherLookNamesTheAccount()
    {
        await using var lambda = await LambdaScenario.StartAsync(fanOut: true);

        var enqueued = await lambda.InvokeAsync("""{"sweepId": "sweep-e2e-lost"}""");
        var messages = await lambda.Seed.ReceiveAllAsync(lambda.WorkQueueUrl!);
        // Account B's work item is lost (its worker timed out on every delivery and SQS dead-lettered it).
        var itemA = Assert.Single(messages, m => !IsDigestItem(m) && m.Body.Contains(AccountA, StringComparison.Ordinal));
        await lambda.InvokeAsync(SqsEvent(("work-a", itemA.Body)));
        var first = await lambda.InvokeAsync(SqsEvent(("digest-0", Assert.Single(messages, IsDigestItem).Body)));
        var again = Assert.Single(await lambda.Seed.ReceiveAllAsync(lambda.WorkQueueUrl!));
        var second = await lambda.InvokeAsync(SqsEvent(("digest-1", again.Body)));
        var alerts = await lambda.AlertsAsync();

        Assert.Equal(2, enqueued.GetProperty("enqueued").GetInt32());
        Assert.Empty(BatchItemFailures(first));
        Assert.True(IsDigestItem(again));
        Assert.Equal(1, JsonDocument.Parse(again.Body).RootElement.GetProperty("round").GetInt32());
        Assert.Empty(BatchItemFailures(second));
        var digest = DigestOf(alerts);
        Assert.Equal([AccountB], digest.GetProperty("accounts").GetProperty("notReported").GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, digest.GetProperty("totals").GetProperty("rotated").GetInt32());
        await lambda.AssertUntouchedAsync(AccountB, "carol");
        await lambda.StopAndCheckOutputAsync();
    }

    [Fact]
    public async Task Bootstrap_FanOutBlockedUserUnderTheEventSource_WorkItemIsNotRedeliveredAndTheDigestNamesTheUserOnce()
    {
        await using var lambda = await LambdaScenario.StartAsync(fanOut: true);
        // carol gets a second active key that is in use, and has no secret: which key her consumers use is a person's
        // call, so the sweep blocks her (a decision, not a failure).
        var second = (await lambda.Seed.CreateAccessKeyAsync(AccountB, "carol")).AccessKeyId;
        await lambda.Seed.UseKeyAsync(second);
        SecretScan.RegisterSecrets(lambda.Seed.SecretsSeen);
        var source = lambda.WorkEventSource();

        await lambda.InvokeAsync("""{"sweepId": "sweep-e2e-blocked"}""");
        await source.DrainAsync();

        // Every work item and the digest item were delivered once: nothing came back after a visibility timeout.
        Assert.Equal(3, source.Deliveries.Count);
        Assert.All(source.Deliveries, d => Assert.Equal(1, d.Value));
        Assert.Empty(await lambda.Seed.ReceiveAllAsync(lambda.WorkDeadLetterQueueUrl!));
        await lambda.AssertRotatedAsync(AccountA, "alice");
        await lambda.AssertRotatedAsync(AccountA, "bob");
        Assert.Equal([(lambda.OriginalKey(AccountB, "carol"), "Active"), (second, "Active")], (await lambda.KeysAsync(AccountB, "carol")).OrderBy(k => k.AccessKeyId != lambda.OriginalKey(AccountB, "carol")));
        var alerts = await lambda.AlertsAsync();
        Assert.Single(alerts, a => a.Attributes["event"] == "blocked" && a.Attributes["userName"] == "carol");
        var digest = DigestOf(alerts);
        Assert.Single(digest.GetProperty("attention").EnumerateArray(), i => i.GetProperty("userName").GetString() == "carol");
        Assert.Equal(1, digest.GetProperty("totals").GetProperty("blocked").GetInt32());
        Assert.Equal(0, digest.GetProperty("accounts").GetProperty("failed").GetProperty("count").GetInt32());
        await lambda.StopAndCheckOutputAsync();
    }
}
