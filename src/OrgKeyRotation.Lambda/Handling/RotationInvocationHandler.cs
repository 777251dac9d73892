using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Lambda.Bootstrap;
using OrgKeyRotation.Lambda.Metrics;
using OrgKeyRotation.Lambda.Serialization;

namespace OrgKeyRotation.Lambda.Handling;

/// <summary>
/// Routes each event to the engine and serializes its structured result. Deadline-aware: the engine is told to stop
/// starting new work (accounts, users, new keys) at the deadline minus <see cref="HostOptions.DeadlineMargin"/>, which
/// covers the worst case of one user's work started just before, so it returns a partial result instead of being
/// killed mid-rotation.
/// </summary>
internal sealed partial class RotationInvocationHandler(
    IRotationService service,
    bool fanOut,
    int accountConcurrency,
    HostOptions options,
    TimeProvider timeProvider,
    ILogger logger,
    EmfMetricsWriter metrics) : IInvocationHandler
{
    /// <summary>The Runtime API's limit for a synchronous response.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    public async Task<byte[]> HandleAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var lambdaEvent = EventParser.Parse(context.Payload);
        var stopStartingWorkAt = context.Deadline - options.DeadlineMargin;
        LogEventReceived(logger, lambdaEvent.Trigger, stopStartingWorkAt);
        var now = timeProvider.GetUtcNow();
        if (stopStartingWorkAt <= now && lambdaEvent is not RotationStepEvent)
        {
            LogNoTimeForWork(logger, (context.Deadline - now).TotalSeconds, options.DeadlineMargin.TotalSeconds, EnvironmentVariables.DeadlineMarginSeconds);
        }

        return lambdaEvent switch
        {
            SweepEvent sweep => await SweepAsync(sweep, stopStartingWorkAt, cancellationToken),
            SqsBatchEvent batch => await ProcessBatchAsync(batch, stopStartingWorkAt, cancellationToken),
            RotationStepEvent step => await RunRotationStepAsync(step, cancellationToken),
            _ => throw new InvocationException(InvocationException.InvalidEvent, Errors.ExpectedEvents),
        };
    }

    private async Task<byte[]> SweepAsync(SweepEvent sweep, DateTimeOffset stopStartingWorkAt, CancellationToken cancellationToken)
    {
        var request = new SweepRequest
        {
            Accounts = sweep.Accounts,
            DryRun = sweep.DryRun,
            StopStartingWorkAt = stopStartingWorkAt,
            SweepId = sweep.SweepId,
        };

        if (sweep.Mode == SweepMode.Enqueue && !fanOut)
        {
            throw new InvocationException(InvocationException.InvalidEvent, Errors.EnqueueWithoutQueue(EnvironmentVariables.WorkQueueUrl));
        }

        if (sweep.Mode == SweepMode.Enqueue || (sweep.Mode == SweepMode.Auto && fanOut))
        {
            var enqueued = await service.EnqueueSweepAsync(request, cancellationToken);
            LogEnqueued(logger, enqueued.SweepId, enqueued.Enqueued, enqueued.FailedToEnqueue.Count);
            return JsonSerializer.SerializeToUtf8Bytes(enqueued, LambdaJsonContext.Default.EnqueueResult);
        }

        var result = await service.SweepAsync(request, cancellationToken);
        LogSwept(logger, result.SweepId, result.Counts.Rotated, result.Counts.Failed, result.NotStartedAccounts.Count);
        metrics.Write(sweep.Trigger.ToString(), result.Counts);
        return SerializeWithinLimit(result);
    }

    /// <summary>
    /// Lambda refuses a response over 6 MB, and an invocation error would make Lambda retry a sweep that already ran.
    /// A result too large (a big organisation swept inline) keeps its counts and not-started accounts and drops the
    /// per-account details, which the log lines already carry.
    /// </summary>
    internal static byte[] SerializeWithinLimit(SweepResult result)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, LambdaJsonContext.Default.SweepResult);
        return bytes.Length <= MaxResponseBytes
            ? bytes
            : JsonSerializer.SerializeToUtf8Bytes(result with { Accounts = [] }, LambdaJsonContext.Default.SweepResult);
    }

    /// <summary>
    /// The batch's work items run together, at most <c>accountConcurrency</c> (concurrency.accounts) at once, so that
    /// their accounts' propagation waits overlap as in one process's sweep; each still goes through
    /// <see cref="IRotationService.ProcessWorkItemAsync"/> and reports its own account. A digest item runs after the
    /// work items: it gathers the accounts' reports, so those of its own batch are then in. A record that failed, is not
    /// a work item, or was not started before the deadline is reported in batchItemFailures so SQS redelivers it (and,
    /// after maxReceiveCount, dead-letters it).
    /// </summary>
    private async Task<byte[]> ProcessBatchAsync(SqsBatchEvent batch, DateTimeOffset stopStartingWorkAt, CancellationToken cancellationToken)
    {
        var records = batch.Records;
        var failed = new bool[records.Count];
        var running = new List<Task<SweepCounts>>();
        using var slots = new SemaphoreSlim(accountConcurrency);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Digest is not null)
            {
                continue;
            }

            if (record.WorkItem is not { } item)
            {
                LogInvalidRecord(logger, record.MessageId, record.Problem);
                failed[i] = true;
                continue;
            }

            // Not cancellable: a cancelled invocation still waits for the items it started, and reports the rest below.
            await slots.WaitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested || timeProvider.GetUtcNow() >= stopStartingWorkAt)
            {
                slots.Release();
                LogRecordNotStarted(logger, record.MessageId, item.AccountId);
                failed[i] = true;
                continue;
            }

            var index = i;
            running.Add(RunWorkItemAsync(record.MessageId, item, stopStartingWorkAt, slots, () => failed[index] = true, cancellationToken));
        }

        // Each task catches its own exceptions, and the sum is taken once all are done: nothing shared is summed concurrently.
        var total = (await Task.WhenAll(running)).Aggregate(SweepCounts.Zero, (sum, counts) => sum + counts);

        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Digest is { } digest && !await ProcessDigestAsync(records[i].MessageId, digest, stopStartingWorkAt, cancellationToken))
            {
                failed[i] = true;
            }
        }

        // A digest item rotates nothing: a batch of digest items only writes no metrics line.
        if (records.Any(r => r.Digest is null))
        {
            metrics.Write(Trigger.Sqs.ToString(), total);
        }

        var failures = records.Where((_, i) => failed[i]).Select(r => new BatchItemFailure(r.MessageId)).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new SqsBatchResponse(failures), LambdaJsonContext.Default.SqsBatchResponse);
    }

    /// <summary>One work item, holding one of the batch's slots until it is done; its counts (zero when it threw).</summary>
    private async Task<SweepCounts> RunWorkItemAsync(string messageId, AccountWorkItem item, DateTimeOffset stopStartingWorkAt, SemaphoreSlim slots, Action markFailed, CancellationToken cancellationToken)
    {
        try
        {
            var result = await service.ProcessWorkItemAsync(item, stopStartingWorkAt, cancellationToken);
            if (NeedsRetry(result))
            {
                LogRecordIncomplete(logger, messageId, item.AccountId, result.Counts.FailedNotBlocked, result.NotStartedAccounts.Count);
                markFailed();
            }

            return result.Counts;
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, messageId, item.AccountId, ex);
            markFailed();
            return SweepCounts.Zero;
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The sweep's digest item; false when it must be delivered again (not started before the deadline, or failed).</summary>
    private async Task<bool> ProcessDigestAsync(string messageId, DigestWorkItem digest, DateTimeOffset stopStartingWorkAt, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || timeProvider.GetUtcNow() >= stopStartingWorkAt)
        {
            LogDigestNotStarted(logger, messageId, digest.SweepId);
            return false;
        }

        try
        {
            var result = await service.ProcessDigestAsync(digest, cancellationToken);
            LogDigest(logger, result.SweepId, result.Outcome, result.Round, result.AccountsReported, result.NotReported.Count);
            return true;
        }
        catch (Exception ex)
        {
            LogDigestFailed(logger, messageId, digest.SweepId, ex);
            return false;
        }
    }

    private async Task<byte[]> RunRotationStepAsync(RotationStepEvent step, CancellationToken cancellationToken)
    {
        RotationStepResult result;
        try
        {
            result = await service.RunRotationStepAsync(step.Request, cancellationToken);
        }
        catch (Exception)
        {
            metrics.WriteRotationStepFailure(step.Trigger.ToString());
            throw;
        }

        if (result.Outcome == Outcome.Failed)
        {
            // Secrets Manager only sees a failed step when the invocation itself fails, and tells nobody: the metric does.
            metrics.WriteRotationStepFailure(step.Trigger.ToString());
            throw new InvocationException(InvocationException.RotationStepFailed, Errors.RotationStepFailed(result.Step, result.Message));
        }

        LogRotationStep(logger, result.Step, result.Outcome, result.AccessKeyId);
        return JsonSerializer.SerializeToUtf8Bytes(result, LambdaJsonContext.Default.RotationStepResult);
    }

    /// <summary>
    /// Only what failed or is unfinished fails a work item: an AWS failure, a timeout, an account or step the deadline
    /// left. A blocked user or a warning is the sweep's decision: SQS delivering the item again would sweep the account
    /// again to the same decision, alert again, and at last dead-letter it.
    /// </summary>
    internal static bool NeedsRetry(SweepResult result) =>
        result.Counts.FailedNotBlocked > 0
        || result.Counts.NotStarted > 0
        || result.NotStartedAccounts.Count > 0
        || result.Accounts.Any(a => a.Outcome is Outcome.Failed or Outcome.NotStarted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Trigger} received; no new work starts after {StopStartingWorkAt}")]
    private static partial void LogEventReceived(ILogger logger, Trigger trigger, DateTimeOffset stopStartingWorkAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The invocation has {RemainingSeconds:0} s left, less than the deadline margin of {MarginSeconds:0} s, so no work is started: raise the function's timeout above the margin, or lower {MarginVariable}")]
    private static partial void LogNoTimeForWork(ILogger logger, double remainingSeconds, double marginSeconds, string marginVariable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} enqueued {Enqueued} accounts, {FailedToEnqueue} failed to enqueue")]
    private static partial void LogEnqueued(ILogger logger, string sweepId, int enqueued, int failedToEnqueue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} done: {Rotated} rotated, {Failed} failed, {NotStartedAccounts} accounts not started")]
    private static partial void LogSwept(ILogger logger, string sweepId, int rotated, int failed, int notStartedAccounts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS message {MessageId} is not a work item and will be redelivered: {Problem}")]
    private static partial void LogInvalidRecord(ILogger logger, string messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS message {MessageId} for account {AccountId} not started before the deadline; it will be redelivered")]
    private static partial void LogRecordNotStarted(ILogger logger, string messageId, string accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS message {MessageId} for account {AccountId} incomplete ({Failed} failed, {NotStartedAccounts} accounts not started); it will be redelivered")]
    private static partial void LogRecordIncomplete(ILogger logger, string messageId, string accountId, int failed, int notStartedAccounts);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQS message {MessageId} for account {AccountId} failed; it will be redelivered")]
    private static partial void LogRecordFailed(ILogger logger, string messageId, string accountId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest item {MessageId} of sweep {SweepId} not started before the deadline; it will be redelivered")]
    private static partial void LogDigestNotStarted(ILogger logger, string messageId, string sweepId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of sweep {SweepId}: {Outcome} (round {Round}, {Reported} accounts reported, {NotReported} not reported)")]
    private static partial void LogDigest(ILogger logger, string sweepId, DigestOutcome outcome, int round, int reported, int notReported);

    [LoggerMessage(Level = LogLevel.Error, Message = "Digest item {MessageId} of sweep {SweepId} failed; it will be redelivered")]
    private static partial void LogDigestFailed(ILogger logger, string messageId, string sweepId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotation step {Step} {Outcome} for key {AccessKeyId}")]
    private static partial void LogRotationStep(ILogger logger, string step, Outcome outcome, string? accessKeyId);
}
