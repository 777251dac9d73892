using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine.FanOut;

/// <summary>
/// A sweep spread over the work queue (docs/lambda.md, "Fan-out"): one work item per account, then the sweep's digest
/// item, delayed by fanOut.digestDelaySeconds; each worker reports its account to the results queue; the digest item
/// gathers the reports (<see cref="DigestCoordinator"/>) and publishes the one digest.
/// </summary>
internal sealed partial class FanOutSweep(RotationConfig config, ICentralClients clients, TargetResolver targets, EngineOptions options, TimeProvider time, ILogger logger)
{
    private TimeSpan DigestDelay => TimeSpan.FromSeconds(config.FanOut.DigestDelaySeconds);

    /// <summary>Sends one work item per account in scope, then (unless dry run) the delayed digest item.</summary>
    public async Task<EnqueueResult> EnqueueAsync(SweepRequest request, string sweepId, CancellationToken cancellationToken)
    {
        var queueUrl = config.WorkQueueUrl ?? throw new BadRequestException("fan-out needs a work queue: set WORK_QUEUE_URL (workQueueUrl)");
        var started = time.GetUtcNow();
        var scope = await targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        var accounts = scope.Accounts;
        var dryRun = request.DryRun ?? config.DryRun;
        var messages = accounts
            .Select((account, i) => ($"a{i}", JsonSerializer.Serialize(new AccountWorkItem(sweepId, account, dryRun), EngineJsonContext.Default.AccountWorkItem)))
            .ToList();
        var failedIds = messages.Count == 0 ? [] : await clients.WorkQueue.SendBatchAsync(queueUrl, messages, cancellationToken);
        var failedAccounts = failedIds.Select(id => accounts[int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture)]).ToList();
        var enqueued = accounts.Except(failedAccounts, StringComparer.Ordinal).ToList();
        LogEnqueued(logger, sweepId, enqueued.Count, failedAccounts.Count);
        if (!dryRun)
        {
            await ScheduleDigestAsync(queueUrl, new DigestWorkItem(sweepId, started, enqueued, failedAccounts, Round: 0, SeenIdle: false), cancellationToken);
        }

        if (scope.DiscoveryFailed(sweepId) is { } discoveryFailed)
        {
            await using var alerts = NewAlerts();
            alerts.Add(discoveryFailed);
            await alerts.FlushAsync(cancellationToken);
        }

        return new EnqueueResult(sweepId, enqueued.Count, accounts, failedAccounts);
    }

    /// <summary>
    /// A worker's account result for the sweep's digest. A report that cannot be sent fails the work item, so SQS
    /// delivers it again: the next delivery finds the account's keys done and reports again.
    /// </summary>
    public async Task ReportAsync(string accountId, SweepResult result, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        if (config.ResultsQueueUrl is not { } resultsQueueUrl)
        {
            LogNoResultsQueue(logger, accountId, result.SweepId);
            return;
        }

        var account = result.Accounts.FirstOrDefault(a => a.AccountId == accountId);
        var notStarted = result.NotStartedAccounts.Contains(accountId, StringComparer.Ordinal);
        var report = new AccountReport(
            result.SweepId,
            accountId,
            Guid.NewGuid().ToString("N"),
            time.GetUtcNow(),
            account?.Outcome ?? Outcome.NotStarted,
            account?.Error,
            result.Counts,
            notStarted,
            alerts.Attention.Take(DigestCoordinator.MaxAttentionPerReport).ToList(),
            alerts.AttentionTotal);
        try
        {
            await clients.WorkQueue.SendAsync(resultsQueueUrl, JsonSerializer.Serialize(new ResultsMessage(result.SweepId, report.ReportedAt, report), EngineJsonContext.Default.ResultsMessage), TimeSpan.Zero, cancellationToken);
        }
        catch (AwsException ex)
        {
            LogReportNotSent(logger, accountId, result.SweepId, ex.Message);
            throw;
        }
    }

    /// <summary>A digest item: gathers the sweep's reports and publishes its digest, or sends the item again (delayed).</summary>
    public Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken)
    {
        var workQueueUrl = config.WorkQueueUrl ?? throw new BadRequestException("a digest item needs the work queue: set WORK_QUEUE_URL (workQueueUrl)");
        var resultsQueueUrl = config.ResultsQueueUrl ?? throw new BadRequestException("a digest item needs the results queue: set RESULTS_QUEUE_URL (resultsQueueUrl)");
        var coordinator = new DigestCoordinator(workQueueUrl, resultsQueueUrl, clients.WorkQueue, DigestDelay, options, time, logger);
        return coordinator.ProcessAsync(item, async (input, ct) =>
        {
            await using var alerts = NewAlerts();
            return await alerts.PublishDigestAsync(input, ct);
        }, cancellationToken);
    }

    /// <summary>
    /// The digest item goes out after the work items, delayed, so that the workers report first. Without it the sweep
    /// has no digest: that is an alert of its own, right away.
    /// </summary>
    private async Task ScheduleDigestAsync(string queueUrl, DigestWorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await clients.WorkQueue.SendAsync(queueUrl, JsonSerializer.Serialize(item, EngineJsonContext.Default.DigestWorkItem), DigestDelay, cancellationToken);
        }
        catch (AwsException ex)
        {
            await using var alerts = NewAlerts();
            alerts.Add(Alert.AboutSweep(AlertEvent.Failed, item.SweepId, $"sweep {item.SweepId} will have no digest",
                $"The digest item of sweep {item.SweepId} could not be sent to the work queue ({ex.Message}). The {item.Accounts.Count} accounts are swept and alert on their own, "
                + "but no digest follows. Check the function's sqs:SendMessage permission on the work queue."));
            await alerts.FlushAsync(cancellationToken);
        }
    }

    private AlertPublisher NewAlerts() => new(clients.Sns, config.Alerts.SnsTopicArn, time, logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: {Enqueued} account work items enqueued, {Failed} could not be")]
    private static partial void LogEnqueued(ILogger logger, string sweepId, int enqueued, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No results queue (RESULTS_QUEUE_URL): the result of {AccountId} is not reported to the digest of sweep {SweepId}")]
    private static partial void LogNoResultsQueue(ILogger logger, string accountId, string sweepId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The report of account {AccountId} for the digest of sweep {SweepId} could not be sent to the results queue: {Error}. The work item fails so that SQS delivers it again")]
    private static partial void LogReportNotSent(ILogger logger, string accountId, string sweepId, string error);
}
