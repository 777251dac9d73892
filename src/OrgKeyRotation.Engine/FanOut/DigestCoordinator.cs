using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.FanOut;

/// <summary>
/// The fan-out's one digest per sweep (docs/alerts.md, "The digest in fan-out mode"). Each worker sends an
/// <see cref="AccountReport"/> to the results queue; the sweep's <see cref="DigestWorkItem"/>, delayed on the work
/// queue, drains the results queue, keeps its sweep's reports and lets the others go again, and then either
/// publishes the digest (every account reported, or the work queue is idle on two looks, or the rounds are used up:
/// the accounts without a report are named) or sends itself again, delayed. After publishing it leaves a mark on the
/// results queue, so that a second delivery of the item does not publish twice, and deletes the reports.
/// </summary>
internal sealed partial class DigestCoordinator(string workQueueUrl, string resultsQueueUrl, IWorkQueueClient queues, TimeSpan digestDelay, EngineOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>How long a drained message stays hidden: longer than draining and publishing take.</summary>
    public static readonly TimeSpan DrainVisibility = TimeSpan.FromMinutes(5);

    /// <summary>Long polling asks every SQS server, so an empty answer means the queue has nothing visible left.</summary>
    public static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(1);

    /// <summary>Receives per drain (10 messages each): a bound, far above one sweep's reports.</summary>
    public const int MaxReceives = 10_000;

    /// <summary>Attention lines one report carries (each needs a person; the digest counts the rest).</summary>
    public const int MaxAttentionPerReport = 100;

    public async Task<DigestResult> ProcessAsync(DigestWorkItem item, Func<DigestInput, CancellationToken, Task<bool>> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var drained = await DrainAsync(item.SweepId, cancellationToken);
        var ours = drained.Ours.Select(m => m.Handle).ToList();
        var oursSettled = false;
        try
        {
            await DeleteAsync(drained.Discard, "stale or unreadable results message", cancellationToken);
            var reports = drained.Ours.Where(m => m.Message.Report is not null).ToList();
            if (drained.Ours.Any(m => m.Message.DigestPublished))
            {
                // A second delivery of the item: the mark stays for any later one, late reports go.
                LogAlreadyPublished(logger, item.SweepId, item.Round);
                await DeleteAsync(reports.Select(r => r.Handle).ToList(), "late account report", cancellationToken);
                return new DigestResult(item.SweepId, DigestOutcome.AlreadyPublished, item.Round, 0, [], SweepCounts.Zero);
            }

            var merged = Merge(reports.Select(r => r.Message.Report!));
            var missing = item.Accounts.Where(a => !merged.ContainsKey(a)).ToList();
            if (missing.Count > 0 && item.Round < options.DigestMaxRounds)
            {
                var depth = await queues.GetDepthAsync(workQueueUrl, cancellationToken);
                // The item itself is in flight on the work queue while a worker holds it.
                var idle = depth.Total <= 1;
                if (!idle || !item.SeenIdle)
                {
                    var next = item with { Round = item.Round + 1, SeenIdle = idle };
                    var delay = DelayAfter(digestDelay, item.Round, idle);
                    await queues.SendAsync(workQueueUrl, JsonSerializer.Serialize(next, EngineJsonContext.Default.DigestWorkItem), delay, cancellationToken);
                    LogRedelayed(logger, item.SweepId, missing.Count, item.Accounts.Count, idle ? "idle" : $"busy ({depth.Visible} waiting, {depth.InFlight} in flight, {depth.Delayed} delayed)", delay.TotalSeconds, next.Round, options.DigestMaxRounds);
                    return new DigestResult(item.SweepId, DigestOutcome.Redelayed, item.Round, merged.Count, missing, Totals(merged.Values));
                }
            }

            var input = Input(item, merged, missing);
            if (!await publish(input, cancellationToken))
            {
                throw new DigestNotPublishedException($"SNS did not take the digest of sweep {item.SweepId}; the digest item fails so that SQS delivers it again (its reports stay on the results queue)");
            }

            await queues.SendAsync(resultsQueueUrl, JsonSerializer.Serialize(new ResultsMessage(item.SweepId, time.GetUtcNow(), DigestPublished: true), EngineJsonContext.Default.ResultsMessage), TimeSpan.Zero, cancellationToken);
            await DeleteAsync(ours, "account report", cancellationToken);
            oursSettled = true;
            if (missing.Count > 0)
            {
                LogPublishedWithoutAccounts(logger, item.SweepId, missing.Count, string.Join(", ", missing));
            }

            return new DigestResult(item.SweepId, DigestOutcome.Published, item.Round, merged.Count, missing, input.Totals);
        }
        finally
        {
            // What is not settled becomes visible again at once: our reports for the next round (or the retry of this
            // one), the other sweeps' messages for their own digests.
            await ReleaseAsync(oursSettled ? drained.Others : [.. drained.Others, .. ours]);
        }
    }

    /// <summary>
    /// The delay before round <paramref name="round"/> + 1 of the digest item: <paramref name="digestDelay"/> (the first
    /// round's, fanOut.digestDelaySeconds) again to confirm an idle-looking queue, else twice as long each round while
    /// work is in flight, up to SQS's longest delay.
    /// </summary>
    internal static TimeSpan DelayAfter(TimeSpan digestDelay, int round, bool queueLookedIdle)
    {
        if (queueLookedIdle)
        {
            return digestDelay;
        }

        var doubled = digestDelay.TotalSeconds * Math.Pow(2, Math.Min(round + 1, 20));
        return TimeSpan.FromSeconds(Math.Min(doubled, EngineOptions.MaxDigestDelay.TotalSeconds));
    }

    /// <summary>
    /// Reports of one account: a work item SQS delivered again (it failed, or was not finished) reports again. What was
    /// done adds up over the deliveries (each changed keys); what is still wrong is the latest delivery's.
    /// </summary>
    internal static Dictionary<string, AccountReport> Merge(IEnumerable<AccountReport> reports) =>
        reports
            .DistinctBy(r => r.ReportId, StringComparer.Ordinal)
            .GroupBy(r => r.AccountId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g =>
            {
                var ordered = g.OrderBy(r => r.ReportedAt).ToList();
                var latest = ordered[^1];
                var sum = Totals(ordered);
                return latest with
                {
                    Counts = latest.Counts with
                    {
                        Rotated = sum.Rotated,
                        Deactivated = sum.Deactivated,
                        Deleted = sum.Deleted,
                        Reactivated = sum.Reactivated,
                    },
                };
            }, StringComparer.Ordinal);

    internal static SweepCounts Totals(IEnumerable<AccountReport> reports) =>
        reports.Select(r => r.Counts).Aggregate(SweepCounts.Zero, (a, b) => a + b);

    private DigestInput Input(DigestWorkItem item, Dictionary<string, AccountReport> merged, IReadOnlyList<string> missing)
    {
        var reports = item.Accounts.Where(merged.ContainsKey).Select(a => merged[a])
            .Concat(merged.Values.Where(r => !item.Accounts.Contains(r.AccountId, StringComparer.Ordinal)))
            .ToList();
        var totals = Totals(reports);
        return new DigestInput(
            item.SweepId,
            DigestInput.FanOut,
            item.StartedAt,
            time.GetUtcNow(),
            totals,
            item.Accounts.Count + item.NotEnqueued.Count,
            reports.Count,
            reports.Where(r => r.Outcome == Outcome.Failed).Select(r => r.AccountId).ToList(),
            missing,
            reports.Where(r => r.NotStarted).Select(r => r.AccountId).ToList(),
            item.NotEnqueued,
            reports.SelectMany(r => r.Attention).ToList(),
            reports.Sum(r => r.AttentionTotal));
    }

    private sealed record Drained(List<(string Handle, ResultsMessage Message)> Ours, List<string> Others, List<string> Discard);

    private async Task<Drained> DrainAsync(string sweepId, CancellationToken cancellationToken)
    {
        var drained = new Drained([], [], []);
        var horizon = time.GetUtcNow() - options.DigestHorizon;
        for (var i = 0; i < MaxReceives; i++)
        {
            var batch = await queues.ReceiveAsync(resultsQueueUrl, DrainVisibility, DrainWait, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var received in batch)
            {
                var message = Parse(received);
                if (message is null || message.At < horizon)
                {
                    drained.Discard.Add(received.ReceiptHandle);
                }
                else if (string.Equals(message.SweepId, sweepId, StringComparison.Ordinal))
                {
                    drained.Ours.Add((received.ReceiptHandle, message));
                }
                else
                {
                    drained.Others.Add(received.ReceiptHandle);
                }
            }
        }

        return drained;
    }

    private ResultsMessage? Parse(ReceivedMessage received)
    {
        try
        {
            var message = JsonSerializer.Deserialize(received.Body, EngineJsonContext.Default.ResultsMessage);
            if (message is { SweepId.Length: > 0 } && (message.Report is not null || message.DigestPublished))
            {
                return message;
            }
        }
        catch (JsonException)
        {
            // Reported below: nothing else writes to the results queue.
        }

        LogNotAReport(logger, received.MessageId);
        return null;
    }

    private async Task DeleteAsync(IReadOnlyList<string> handles, string what, CancellationToken cancellationToken)
    {
        if (handles.Count == 0)
        {
            return;
        }

        var failed = await queues.DeleteBatchAsync(resultsQueueUrl, handles, cancellationToken);
        if (failed.Count > 0)
        {
            // Left on the queue: a later digest round finds it (a report of a published sweep then counts as late).
            LogNotDeleted(logger, failed.Count, handles.Count, what);
        }
    }

    /// <summary>Makes messages visible again. Best effort: one left hidden reappears after <see cref="DrainVisibility"/>.</summary>
    private async Task ReleaseAsync(IReadOnlyList<string> handles)
    {
        if (handles.Count == 0)
        {
            return;
        }

        try
        {
            var failed = await queues.ChangeVisibilityBatchAsync(resultsQueueUrl, handles, TimeSpan.Zero, CancellationToken.None);
            if (failed.Count > 0)
            {
                LogNotReleased(logger, failed.Count, handles.Count, DrainVisibility.TotalMinutes);
            }
        }
        catch (AwsException ex)
        {
            LogReleaseFailed(logger, handles.Count, ex.Message, DrainVisibility.TotalMinutes);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digest of sweep {SweepId} was published already (round {Round} delivered again); not publishing twice")]
    private static partial void LogAlreadyPublished(ILogger logger, string sweepId, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of sweep {SweepId}: {Missing} of {Accounts} accounts not reported yet, work queue {Depth}; looking again in {Delay} s (round {Round} of at most {MaxRounds})")]
    private static partial void LogRedelayed(ILogger logger, string sweepId, int missing, int accounts, string depth, double delay, int round, int maxRounds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Digest of sweep {SweepId} published without {Missing} accounts that did not report: {Accounts}")]
    private static partial void LogPublishedWithoutAccounts(ILogger logger, string sweepId, int missing, string accounts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Results queue message {MessageId} is not an account report or digest mark; it is deleted")]
    private static partial void LogNotAReport(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failed} of {Total} {What} messages could not be deleted from the results queue")]
    private static partial void LogNotDeleted(ILogger logger, int failed, int total, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failed} of {Total} results queue messages could not be released; they reappear within {Minutes} minutes")]
    private static partial void LogNotReleased(ILogger logger, int failed, int total, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing {Total} results queue messages failed ({Error}); they reappear within {Minutes} minutes")]
    private static partial void LogReleaseFailed(ILogger logger, int total, string error, double minutes);
}
