using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Lambda.Bootstrap;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Lambda.Handling;
using OrgKeyRotation.Lambda.Metrics;
using OrgKeyRotation.Lambda.Tests.TestHelpers;
using OrgKeyRotation.Testing;

namespace OrgKeyRotation.Lambda.Tests.Handling;

public class RotationInvocationHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Deadline = Now.AddMinutes(15);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly FakeRotationService _service = new();
    private readonly StringWriter _metrics = new();

    [Fact]
    public async Task HandleAsync_ManualInvoke_SweepsWithOverridesAndStopTimeBeforeDeadline()
    {
        var response = await Handle("""{"dryRun": true, "accounts": ["111111111111"]}""");

        var request = Assert.Single(_service.SweepRequests);
        Assert.Equal([nameof(IRotationService.SweepAsync)], _service.Calls);
        Assert.True(request.DryRun);
        Assert.Equal(["111111111111"], request.Accounts);
        Assert.Equal(Deadline - HostOptions.DefaultDeadlineMargin, request.StopStartingWorkAt);
        using var json = JsonDocument.Parse(response);
        Assert.Equal("sweep-1", json.RootElement.GetProperty("sweepId").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("counts").GetProperty("rotated").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_CustomMargin_StopTimeUsesIt()
    {
        await Handle("{}", options: new HostOptions { DeadlineMargin = TimeSpan.FromSeconds(90) });

        Assert.Equal(Deadline - TimeSpan.FromSeconds(90), _service.SweepRequests[0].StopStartingWorkAt);
    }

    [Fact]
    public async Task HandleAsync_TimeoutShorterThanTheMargin_LogsThatNoWorkCanStart()
    {
        var logger = new CapturingLogger();

        await Handle("{}", deadline: Now.AddSeconds(100), logger: logger);

        var line = Assert.Single(logger.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains("less than the deadline margin of 262 s", line.ToString(), StringComparison.Ordinal);
        Assert.Contains(EnvironmentVariables.DeadlineMarginSeconds, line.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_TimeoutLongerThanTheMargin_LogsNoError()
    {
        var logger = new CapturingLogger();

        await Handle("{}", logger: logger);

        Assert.DoesNotContain(logger.Lines, l => l.Level == LogLevel.Error);
    }

    [Fact]
    public async Task HandleAsync_PartialSweep_ResponseListsNotStartedAccounts()
    {
        _service.Sweep = _ => Results.Sweep("s", Results.Counts(rotated: 1, notStarted: 1), notStarted: ["222222222222"]);

        var response = await Handle("{}");

        using var json = JsonDocument.Parse(response);
        Assert.Equal("222222222222", json.RootElement.GetProperty("notStartedAccounts")[0].GetString());
    }

    [Fact]
    public void SerializeWithinLimit_ResultOverResponseLimit_KeepsCountsAndNotStartedDropsDetails()
    {
        var users = Enumerable.Range(0, 60_000).Select(i => new UserResult("111111111111", $"user-{i:D6}-with-a-rather-long-name", [], [new ActionResult(ActionKind.Skip, Outcome.Skipped, "key is younger than the maximum age")])).ToList();
        var big = Results.Sweep("s", Results.Counts(rotated: 7), notStarted: ["222222222222"], accounts: [new AccountResult("111111111111", Outcome.Succeeded, null, users)]);

        var bytes = RotationInvocationHandler.SerializeWithinLimit(big);

        Assert.True(JsonSerializer.SerializeToUtf8Bytes(big).Length > RotationInvocationHandler.MaxResponseBytes);
        Assert.True(bytes.Length <= RotationInvocationHandler.MaxResponseBytes);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(7, json.RootElement.GetProperty("counts").GetProperty("rotated").GetInt32());
        Assert.Equal("222222222222", json.RootElement.GetProperty("notStartedAccounts")[0].GetString());
        Assert.Empty(json.RootElement.GetProperty("accounts").EnumerateArray());
    }

    [Fact]
    public void SerializeWithinLimit_SmallResult_KeepsDetails()
    {
        var result = Results.Sweep("s", accounts: [new AccountResult("111111111111", Outcome.Succeeded, null, [])]);

        using var json = JsonDocument.Parse(RotationInvocationHandler.SerializeWithinLimit(result));

        Assert.Single(json.RootElement.GetProperty("accounts").EnumerateArray());
    }

    [Fact]
    public async Task HandleAsync_ScheduledEventInFanOutMode_Enqueues()
    {
        var response = await Handle("""{"id":"evt-1","detail-type":"Scheduled Event","source":"aws.events","detail":{}}""", fanOut: true);

        Assert.Equal([nameof(IRotationService.EnqueueSweepAsync)], _service.Calls);
        Assert.Equal("evt-1", _service.SweepRequests[0].SweepId);
        using var json = JsonDocument.Parse(response);
        Assert.Equal(2, json.RootElement.GetProperty("enqueued").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_ScheduledEventWithoutQueue_SweepsInProcessAndWritesMetrics()
    {
        _service.Sweep = _ => Results.Sweep("s", Results.Counts(rotated: 3, failed: 1));

        await Handle("""{"detail-type":"Scheduled Event","source":"aws.events"}""");

        Assert.Equal([nameof(IRotationService.SweepAsync)], _service.Calls);
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal("Scheduled", emf.RootElement.GetProperty("Trigger").GetString());
        Assert.Equal(3, emf.RootElement.GetProperty("KeysRotated").GetInt32());
        Assert.Equal(1, emf.RootElement.GetProperty("RotationFailures").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_ManualInlineInFanOutMode_SweepsInProcess()
    {
        await Handle("""{"mode":"inline"}""", fanOut: true);

        Assert.Equal([nameof(IRotationService.SweepAsync)], _service.Calls);
    }

    [Fact]
    public async Task HandleAsync_ManualEnqueueWithoutQueue_RefusedNamingTheVariable()
    {
        var error = await Assert.ThrowsAsync<InvocationException>(() => Handle("""{"mode":"enqueue"}"""));

        Assert.Contains("WORK_QUEUE_URL", error.Message, StringComparison.Ordinal);
        Assert.Empty(_service.Calls);
    }

    [Fact]
    public async Task HandleAsync_SqsBatch_WorkItemsRunConcurrentlyUpToTheAccountBound()
    {
        var inFlight = 0;
        var peak = 0;
        var threeInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _service.DuringWorkItem = async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            if (now == 3)
            {
                threeInFlight.TrySetResult();
            }

            // The first three wait until all three are in flight together: a sequential handler never gets there.
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref inFlight);
        };
        _service.WorkItem = item => Results.Sweep(item.SweepId, Results.Counts(rotated: 2, deleted: 1));

        var handling = Handle(Sqs([.. Enumerable.Range(1, 7).Select(i => ($"m{i}", Item($"{i}0000000000{i}")))]), accountConcurrency: 3);
        await threeInFlight.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, Volatile.Read(ref inFlight));
        release.SetResult();
        var response = await handling;

        Assert.Equal(3, peak);
        Assert.Equal(7, _service.WorkItems.Count);
        Assert.Empty(FailedItems(response));
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal(14, emf.RootElement.GetProperty("KeysRotated").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_SqsBatchRunningConcurrently_FailuresInRecordOrderAndMetricsSumTheRest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        _service.DuringWorkItem = async item =>
        {
            if (Interlocked.Increment(ref started) == 4)
            {
                release.SetResult();
            }

            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (item.AccountId == "222222222222")
            {
                throw new InvalidOperationException("assume role denied");
            }
        };
        _service.WorkItem = item => item.AccountId switch
        {
            "333333333333" => Results.Sweep(item.SweepId, Results.Counts(rotated: 1, failed: 1)),
            _ => Results.Sweep(item.SweepId, Results.Counts(rotated: 2)),
        };

        var response = await Handle(Sqs(("m1", Item("111111111111")), ("m2", Item("222222222222")), ("m3", Item("333333333333")), ("m4", "{}"), ("m5", Item("555555555555"))), accountConcurrency: 4);

        Assert.Equal(["m2", "m3", "m4"], FailedItems(response));
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal(5, emf.RootElement.GetProperty("KeysRotated").GetInt32());
        Assert.Equal(1, emf.RootElement.GetProperty("RotationFailures").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_DigestInABatchOfWorkItems_RunsAfterTheWorkItems()
    {
        var order = new List<string>();
        _service.DuringWorkItem = async item =>
        {
            await Task.Delay(20);
            lock (order)
            {
                order.Add(item.AccountId);
            }
        };
        _service.Digest = item =>
        {
            lock (order)
            {
                order.Add("digest");
            }

            return new DigestResult(item.SweepId, DigestOutcome.Published, item.Round, item.Accounts.Count, [], Results.Counts());
        };

        var response = await Handle(Sqs(("d1", Digest("s1")), ("m1", Item("111111111111")), ("m2", Item("222222222222"))));

        Assert.Empty(FailedItems(response));
        Assert.Equal("digest", order[^1]);
        Assert.Equal(3, order.Count);
    }

    [Fact]
    public async Task HandleAsync_SqsBatch_ReportsFailedInvalidAndIncompleteItems()
    {
        _service.WorkItem = item => item.AccountId switch
        {
            "222222222222" => throw new InvalidOperationException("assume role denied"),
            "333333333333" => Results.Sweep(item.SweepId, Results.Counts(failed: 1)),
            "444444444444" => Results.Sweep(item.SweepId, accounts: [new AccountResult(item.AccountId, Outcome.NotStarted, null, [])]),
            _ => Results.Sweep(item.SweepId, Results.Counts(rotated: 1)),
        };

        var response = await Handle(Sqs(("m1", Item("111111111111")), ("m2", Item("222222222222")), ("m3", Item("333333333333")), ("m4", Item("444444444444")), ("m5", "{}")));

        Assert.Equal(["m2", "m3", "m4", "m5"], FailedItems(response));
        Assert.Equal(4, _service.WorkItems.Count);
        Assert.All(_service.WorkItems, w => Assert.Equal(Deadline - HostOptions.DefaultDeadlineMargin, w.StopStartingWorkAt));
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal("Sqs", emf.RootElement.GetProperty("Trigger").GetString());
        Assert.Equal(1, emf.RootElement.GetProperty("KeysRotated").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_SqsBatchWithBlockedUsersAndWarnings_OnlyAFailureBesideTheBlocksIsRedelivered()
    {
        // Failed counts blocked users too (the alert schema's meaning); only what failed beside them fails the item.
        _service.WorkItem = item => item.AccountId switch
        {
            "111111111111" => Results.Sweep(item.SweepId, Results.Counts(rotated: 1, warnings: 2, failed: 1, blocked: 1), accounts: [new AccountResult(item.AccountId, Outcome.Succeeded, null, [])]),
            _ => Results.Sweep(item.SweepId, Results.Counts(failed: 2, blocked: 1)),
        };

        var response = await Handle(Sqs(("m1", Item("111111111111")), ("m2", Item("222222222222"))));

        Assert.Equal(["m2"], FailedItems(response));
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal(1, emf.RootElement.GetProperty("RotationFailures").GetInt32());
        Assert.Equal(2, emf.RootElement.GetProperty("BlockedUsers").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_SqsBatchReachesStopTime_RemainingItemsNotStartedAndReported()
    {
        _service.BeforeWorkItem = _ => _time.SetUtcNow(Deadline - TimeSpan.FromSeconds(10));

        var response = await Handle(Sqs(("m1", Item("111111111111")), ("m2", Item("222222222222")), ("m3", Item("333333333333"))));

        Assert.Equal(["111111111111"], _service.WorkItems.Select(w => w.Item.AccountId));
        Assert.Equal(["m2", "m3"], FailedItems(response));
    }

    [Fact]
    public async Task HandleAsync_SqsBatchAllGood_EmptyFailureList()
    {
        var response = await Handle(Sqs(("m1", Item("111111111111"))));

        Assert.Empty(FailedItems(response));
    }

    [Fact]
    public async Task HandleAsync_DigestItem_GoesToTheEngineAndWritesNoMetricsLine()
    {
        var response = await Handle(Sqs(("d1", Digest("s1"))));

        Assert.Empty(FailedItems(response));
        Assert.Equal([nameof(IRotationService.ProcessDigestAsync)], _service.Calls);
        Assert.Equal("s1", Assert.Single(_service.Digests).SweepId);
        Assert.Empty(_metrics.ToString());
    }

    [Fact]
    public async Task HandleAsync_DigestItemFails_ReportedSoSqsDeliversItAgain()
    {
        _service.Digest = _ => throw new InvalidOperationException("SNS refused the digest");
        var logger = new CapturingLogger();

        var response = await Handle(Sqs(("m1", Item("111111111111")), ("d1", Digest("s1"))), logger: logger);

        Assert.Equal(["d1"], FailedItems(response));
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Error && l.ToString().Contains("Digest item d1 of sweep s1 failed", StringComparison.Ordinal));
        Assert.Contains("\"Trigger\":\"Sqs\"", _metrics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_DigestItemAfterTheStopTime_NotStartedAndReported()
    {
        var response = await Handle(Sqs(("d1", Digest("s1"))), deadline: Now.AddSeconds(100));

        Assert.Equal(["d1"], FailedItems(response));
        Assert.Empty(_service.Digests);
    }

    [Fact]
    public async Task HandleAsync_RotationStepSucceeded_ReturnsStepResult()
    {
        var response = await Handle("""{"Step":"finishSecret","SecretId":"arn:secret","ClientRequestToken":"tok"}""");

        Assert.Equal([nameof(IRotationService.RunRotationStepAsync)], _service.Calls);
        using var json = JsonDocument.Parse(response);
        Assert.Equal("Succeeded", json.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task HandleAsync_RotationStepFailed_InvocationFailsSoSecretsManagerSeesIt()
    {
        _service.RotationStep = r => new RotationStepResult(r.Step, r.SecretId, r.ClientRequestToken, Outcome.Failed, "new key did not authenticate", null);

        var error = await Assert.ThrowsAsync<InvocationException>(() => Handle("""{"Step":"testSecret","SecretId":"arn:secret","ClientRequestToken":"tok"}"""));

        Assert.Equal(InvocationException.RotationStepFailed, error.ErrorType);
        Assert.Contains("new key did not authenticate", error.Message, StringComparison.Ordinal);
        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal(1, emf.RootElement.GetProperty("RotationStepFailures").GetInt32());
        Assert.Equal("RotationStep", emf.RootElement.GetProperty("Trigger").GetString());
    }

    [Fact]
    public async Task HandleAsync_RotationStepThrows_CountsTheFailedStepAndRethrows()
    {
        _service.RotationStep = _ => throw new InvalidOperationException("secrets manager unreachable");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Handle("""{"Step":"createSecret","SecretId":"arn:secret","ClientRequestToken":"tok"}"""));

        using var emf = JsonDocument.Parse(_metrics.ToString());
        Assert.Equal(1, emf.RootElement.GetProperty("RotationStepFailures").GetInt32());
    }

    [Fact]
    public async Task HandleAsync_RotationStepSucceeded_WritesNoFailureMetric()
    {
        await Handle("""{"Step":"finishSecret","SecretId":"arn:secret","ClientRequestToken":"tok"}""");

        Assert.Empty(_metrics.ToString());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("""{"unexpected": 1}""")]
    [InlineData("""{"source":"aws.events","detail-type":"EC2 Instance State-change Notification"}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:sns"}]}""")]
    [InlineData("""{"Step":"setSecret"}""")]
    public async Task HandleAsync_UnusableEvent_ErrorAndNoServiceCall(string payload)
    {
        var error = await Assert.ThrowsAsync<InvocationException>(() => Handle(payload));

        Assert.Equal(InvocationException.InvalidEvent, error.ErrorType);
        Assert.Empty(_service.Calls);
        Assert.Empty(_metrics.ToString());
    }

    [Fact]
    public async Task HandleAsync_OversizedEvent_ErrorAndNoServiceCall()
    {
        var error = await Assert.ThrowsAsync<InvocationException>(() => Handle("{\"accounts\":[\"" + new string('1', 300_000) + "\"]}"));

        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        Assert.Empty(_service.Calls);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static string Digest(string sweepId) => $$"""{"kind":"digest","sweepId":"{{sweepId}}","startedAt":"2026-11-25T10:00:00Z","accounts":["111111111111"],"notEnqueued":[],"round":0,"seenIdle":false}""";

    private static string Item(string accountId) => $$"""{"sweepId":"s1","accountId":"{{accountId}}","dryRun":false}""";

    private static string Sqs(params (string MessageId, string Body)[] records) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Records"] = records.Select(r => new Dictionary<string, string> { ["messageId"] = r.MessageId, ["eventSource"] = "aws:sqs", ["body"] = r.Body }).ToList(),
        });

    private static List<string?> FailedItems(string response)
    {
        using var json = JsonDocument.Parse(response);
        return [.. json.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString())];
    }

    private async Task<string> Handle(string payload, bool fanOut = false, HostOptions? options = null, DateTimeOffset? deadline = null, ILogger? logger = null, int accountConcurrency = 16)
    {
        var handler = new RotationInvocationHandler(_service, fanOut, accountConcurrency, options ?? new HostOptions(), _time, logger ?? NullLogger.Instance, new EmfMetricsWriter(_metrics, _time));
        var invocation = new Invocation("req-1", deadline ?? Deadline, null, null, Encoding.UTF8.GetBytes(payload));
        return Encoding.UTF8.GetString(await handler.HandleAsync(new InvocationContext(invocation), CancellationToken.None));
    }
}
