using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine;

/// <summary>
/// The engine: for each account and user in scope it reads the state from AWS, asks the pure planner what to do,
/// and (unless dry run) carries the plan out. A sweep runs as a pipeline (<see cref="SweepPipeline"/>): accounts in
/// parallel up to concurrency.accounts and users within an account up to concurrency.usersPerAccount (IAM throttles
/// per account) while they make IAM and Secrets Manager calls; new keys wait for IAM to propagate them outside those
/// bounds.
/// </summary>
public sealed class RotationService : IRotationService
{
    private readonly RotationConfig _config;
    private readonly ICentralClients _clients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EngineOptions _options;
    private readonly FactsCollector _facts;
    private readonly TargetResolver _targets;
    private readonly KeyStager _stager;
    private readonly RotationProtocol _rotationProtocol;

    public RotationService(RotationConfig config, ICentralClients clients, TimeProvider timeProvider, ILogger logger, EngineOptions? options = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new EngineOptions();
        _options.Validate();
        _facts = new FactsCollector(config, timeProvider);
        _targets = new TargetResolver(config, clients.Organizations, logger);
        _stager = new KeyStager(config, timeProvider, logger);
        _rotationProtocol = new RotationProtocol(config, clients, _facts, _targets, _stager, Verifier, alerts => Executor(alerts), timeProvider, logger);
    }

    public async Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = await _targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        await using var alerts = NewAlerts();
        var result = await RunSweepAsync(scope.Accounts, request.SweepId ?? NewSweepId(), request.DryRun ?? _config.DryRun, request.StopStartingWorkAt, request.Progress, alerts, cancellationToken, scope.DiscoveryProblem);
        if (!result.DryRun)
        {
            alerts.FinishUsers();
            await alerts.PublishDigestAsync(SingleProcessDigest(result, scope.Accounts.Count, alerts), cancellationToken);
        }

        return result;
    }

    public async Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var accounts = await _targets.ResolveAccountsAsync([item.AccountId], cancellationToken);
        await using var alerts = NewAlerts();
        var result = await RunSweepAsync(accounts, item.SweepId, item.DryRun || _config.DryRun, stopStartingWorkAt, progress: null, alerts, cancellationToken);
        if (!result.DryRun)
        {
            await alerts.FlushAsync(cancellationToken);
            await ReportAsync(item.AccountId, result, alerts, cancellationToken);
        }

        return result;
    }

    public async Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var queueUrl = _config.WorkQueueUrl ?? throw new BadRequestException("fan-out needs a work queue: set WORK_QUEUE_URL (workQueueUrl)");
        var started = _time.GetUtcNow();
        var scope = await _targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        var accounts = scope.Accounts;
        var sweepId = request.SweepId ?? NewSweepId();
        var dryRun = request.DryRun ?? _config.DryRun;
        var messages = accounts
            .Select((account, i) => ($"a{i}", JsonSerializer.Serialize(new AccountWorkItem(sweepId, account, dryRun), EngineJsonContext.Default.AccountWorkItem)))
            .ToList();
        var failedIds = messages.Count == 0 ? [] : await _clients.WorkQueue.SendBatchAsync(queueUrl, messages, cancellationToken);
        var failedAccounts = failedIds.Select(id => accounts[int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]).ToList();
        var enqueued = accounts.Except(failedAccounts, StringComparer.Ordinal).ToList();
        _logger.LogInformation("Sweep {SweepId}: {Enqueued} account work items enqueued, {Failed} could not be", sweepId, enqueued.Count, failedAccounts.Count);
        if (!dryRun)
        {
            await ScheduleDigestAsync(queueUrl, new DigestWorkItem(sweepId, started, enqueued, failedAccounts, Round: 0, SeenIdle: false), cancellationToken);
        }

        if (scope.DiscoveryProblem is not null)
        {
            await using var alerts = NewAlerts();
            alerts.Add(DiscoveryFailed(sweepId, scope.DiscoveryProblem));
            await alerts.FlushAsync(cancellationToken);
        }

        return new EnqueueResult(sweepId, enqueued.Count, accounts, failedAccounts);
    }

    public Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var workQueueUrl = _config.WorkQueueUrl ?? throw new BadRequestException("a digest item needs the work queue: set WORK_QUEUE_URL (workQueueUrl)");
        var resultsQueueUrl = _config.ResultsQueueUrl ?? throw new BadRequestException("a digest item needs the results queue: set RESULTS_QUEUE_URL (resultsQueueUrl)");
        var digest = new FanOutDigest(workQueueUrl, resultsQueueUrl, _clients.WorkQueue, _options, _time, _logger);
        return digest.ProcessAsync(item, async (input, ct) =>
        {
            await using var alerts = NewAlerts();
            return await alerts.PublishDigestAsync(input, ct);
        }, cancellationToken);
    }

    public async Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        if (!AwsIdentifiers.IsAccountId(accountId) || !AwsIdentifiers.IsUserName(userName) || !AwsIdentifiers.IsAccessKeyId(accessKeyId))
        {
            throw new BadRequestException("restore needs a 12-digit account id, a valid IAM user name and an access key id (AKIA...)");
        }

        var sweepId = NewSweepId();
        await using var alerts = NewAlerts();
        var session = await _clients.Accounts.OpenAsync(accountId, sweepId, cancellationToken);
        var account = await _facts.OpenAccountAsync(session, cancellationToken);
        var snapshot = await _facts.CollectAsync(account, userName, lastUseOfEveryKey: false, knownUser: null, cancellationToken);
        var action = Planner.PlanRestore(snapshot.Facts, accessKeyId);
        var plan = new UserPlan(snapshot.Facts, [action], new Dictionary<string, KeyRole>());
        var results = await Executor(alerts).ExecuteAsync(session, snapshot, plan, sweepId, cancellationToken);
        _logger.LogWarning("Restore requested for {AccountId} {UserName} {AccessKeyId}: {Outcome}", accountId, userName, accessKeyId, results[0].Outcome);
        await alerts.FlushAsync(cancellationToken);
        return results[0];
    }

    public async Task<InventoryReport> InventoryAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accounts = await _targets.ResolveAccountsAsync(request.Accounts, cancellationToken);
        var sweepId = request.SweepId ?? NewSweepId();
        var users = new ConcurrentBag<InventoryUser>();
        var failed = new ConcurrentBag<AccountResult>();
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = _config.Concurrency.Accounts, CancellationToken = cancellationToken }, async (accountId, ct) =>
        {
            try
            {
                var session = await _clients.Accounts.OpenAsync(accountId, sweepId, ct);
                var account = await _facts.OpenAccountAsync(session, ct);
                var targets = await _targets.ResolveUsersAsync(session, ct);
                await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = _config.Concurrency.UsersPerAccount, CancellationToken = ct }, async (target, ct2) =>
                {
                    var snapshot = await _facts.CollectAsync(account, target.UserName, lastUseOfEveryKey: true, target.KnownUser, ct2);
                    var plan = Plans.For(snapshot, _config.Policy, _time.GetUtcNow());
                    var facts = snapshot.Facts;
                    users.Add(new InventoryUser(accountId, target.UserName, facts.Secret?.ManagedByUs == true, facts.Exemption.Exempt, facts.Exemption.Until, snapshot.OwnerBy(_config.Alerts.OwnerTag), SweepPipeline.KeySnapshots(plan)));
                });
            }
            catch (AwsException ex)
            {
                failed.Add(new AccountResult(accountId, Outcome.Failed, ex.Message, []));
            }
        });

        return new InventoryReport(
            _time.GetUtcNow(),
            _config.Policy.MaxKeyAgeDays,
            users.OrderBy(u => u.AccountId, StringComparer.Ordinal).ThenBy(u => u.UserName, StringComparer.Ordinal).ToList(),
            failed.OrderBy(f => f.AccountId, StringComparer.Ordinal).ToList());
    }

    /// <summary>One Secrets Manager rotation step (<see cref="RotationProtocol"/>).</summary>
    public Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken) =>
        _rotationProtocol.RunAsync(request, cancellationToken);

    /// <summary>
    /// One sweep over <paramref name="accounts"/>; its alerts go out as they happen. The caller publishes the rest with
    /// the sweep's digest (single process) or before its account report (fan-out worker); when the sweep fails, what
    /// happened before the failure goes out here. A dry run publishes nothing. <paramref name="discoveryProblem"/> says
    /// that discovery found accounts but none to sweep: a failure of the sweep, alerted.
    /// </summary>
    private async Task<SweepResult> RunSweepAsync(IReadOnlyList<string> accounts, string sweepId, bool dryRun, DateTimeOffset? stopStartingWorkAt, IProgress<AccountResult>? progress, AlertPublisher alerts, CancellationToken cancellationToken, string? discoveryProblem = null)
    {
        var started = _time.GetUtcNow();
        _logger.LogInformation("Sweep {SweepId} starting over {Count} accounts (dry run: {DryRun})", sweepId, accounts.Count, dryRun);
        if (discoveryProblem is not null)
        {
            alerts.Add(DiscoveryFailed(sweepId, discoveryProblem));
        }

        var verifier = Verifier();
        var pipeline = new SweepPipeline(_config, _options, _clients.Accounts, _facts, _targets, Executor(alerts, verifier), verifier, alerts, _time, _logger, new SweepRun(sweepId, dryRun, stopStartingWorkAt));
        IReadOnlyList<AccountResult> done;
        IReadOnlyList<string> notStarted;
        try
        {
            (done, notStarted) = await pipeline.RunAsync(accounts, progress, cancellationToken);
        }
        catch (Exception) when (!dryRun)
        {
            // What happened before the failure was real: its alerts still go out.
            await alerts.FlushAsync(CancellationToken.None);
            throw;
        }

        var byAccount = done.ToDictionary(a => a.AccountId, StringComparer.Ordinal);
        var ordered = accounts.Where(byAccount.ContainsKey).Select(a => byAccount[a]).ToList();
        var counts = Count(ordered, notStarted.Count);
        if (discoveryProblem is not null)
        {
            counts = counts with { Failed = counts.Failed + 1 };
        }

        var result = new SweepResult(sweepId, dryRun, started, _time.GetUtcNow(), counts, ordered, notStarted.Order(StringComparer.Ordinal).ToList());
        _logger.LogInformation("Sweep {SweepId} finished: {Rotated} rotated, {Deactivated} deactivated, {Deleted} deleted, {Failed} failed, {Warnings} warnings, {NotStarted} accounts not started",
            sweepId, counts.Rotated, counts.Deactivated, counts.Deleted, counts.Failed, counts.Warnings, counts.NotStarted);
        return result;
    }

    private static Alert DiscoveryFailed(string sweepId, string problem) =>
        new(AlertEvent.Failed, sweepId, null, null, null, null, "account discovery found no account to sweep", problem);

    /// <summary>Alerts of one sweep (or restore, or rotation step), published as they happen.</summary>
    private AlertPublisher NewAlerts() => new(_clients.Sns, _config.Alerts.SnsTopicArn, _time, _logger);

    /// <summary>
    /// The digest item goes out after the work items, delayed, so that the workers report first. Without it the sweep
    /// has no digest: that is an alert of its own, right away.
    /// </summary>
    private async Task ScheduleDigestAsync(string queueUrl, DigestWorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await _clients.WorkQueue.SendAsync(queueUrl, JsonSerializer.Serialize(item, EngineJsonContext.Default.DigestWorkItem), _options.DigestDelay, cancellationToken);
        }
        catch (AwsException ex)
        {
            await using var alerts = NewAlerts();
            alerts.Add(new Alert(AlertEvent.Failed, item.SweepId, null, null, null, null, $"sweep {item.SweepId} will have no digest",
                $"The digest item of sweep {item.SweepId} could not be sent to the work queue ({ex.Message}). The {item.Accounts.Count} accounts are swept and alert on their own, "
                + "but no digest follows. Check the function's sqs:SendMessage permission on the work queue."));
            await alerts.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A worker's account result for the sweep's digest. A report that cannot be sent fails the work item, so SQS
    /// delivers it again: the next delivery finds the account's keys done and reports again.
    /// </summary>
    private async Task ReportAsync(string accountId, SweepResult result, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        if (_config.ResultsQueueUrl is not { } resultsQueueUrl)
        {
            _logger.LogWarning("No results queue (RESULTS_QUEUE_URL): the result of {AccountId} is not reported to the digest of sweep {SweepId}", accountId, result.SweepId);
            return;
        }

        var account = result.Accounts.FirstOrDefault(a => a.AccountId == accountId);
        var notStarted = result.NotStartedAccounts.Contains(accountId, StringComparer.Ordinal);
        var report = new AccountReport(
            result.SweepId,
            accountId,
            Guid.NewGuid().ToString("N"),
            _time.GetUtcNow(),
            account?.Outcome ?? Outcome.NotStarted,
            account?.Error,
            result.Counts,
            notStarted,
            alerts.Attention.Take(FanOutDigest.MaxAttentionPerReport).ToList(),
            alerts.AttentionTotal);
        try
        {
            await _clients.WorkQueue.SendAsync(resultsQueueUrl, JsonSerializer.Serialize(new ResultsMessage(result.SweepId, report.ReportedAt, report), EngineJsonContext.Default.ResultsMessage), TimeSpan.Zero, cancellationToken);
        }
        catch (AwsException ex)
        {
            _logger.LogError("The report of account {AccountId} for the digest of sweep {SweepId} could not be sent to the results queue: {Error}. The work item fails so that SQS delivers it again", accountId, result.SweepId, ex.Message);
            throw;
        }
    }

    private static DigestInput SingleProcessDigest(SweepResult result, int accountsInScope, AlertPublisher alerts) => new(
        result.SweepId,
        DigestInput.SingleProcess,
        result.StartedAt,
        result.FinishedAt,
        result.Counts,
        accountsInScope,
        result.Accounts.Count,
        result.Accounts.Where(a => a.Outcome == Outcome.Failed).Select(a => a.AccountId).ToList(),
        [],
        result.NotStartedAccounts,
        [],
        alerts.Attention,
        alerts.AttentionTotal);

    private KeyVerifier Verifier() => new(_clients.Sts, _options, _time, _options.JitterDraw);

    private UserExecutor Executor(AlertPublisher alerts, KeyVerifier? verifier = null) =>
        new(_config, _stager, verifier ?? Verifier(), alerts, _time, _logger);

    private string NewSweepId() => $"sweep-{_time.GetUtcNow().UtcDateTime:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";

    private static SweepCounts Count(IReadOnlyList<AccountResult> accounts, int notStartedAccounts)
    {
        var actions = accounts.SelectMany(a => a.Users).SelectMany(u => u.Actions).ToList();
        int Done(ActionKind kind) => actions.Count(a => a.Action == kind && a.Outcome == Outcome.Succeeded);
        return new SweepCounts(
            accounts.Count,
            accounts.Sum(a => a.Users.Count),
            Done(ActionKind.Rotate) + Done(ActionKind.CompleteRotation),
            Done(ActionKind.Deactivate),
            Done(ActionKind.Delete),
            Done(ActionKind.Reactivate),
            actions.Count(a => a.Action == ActionKind.Warn && a.Outcome != Outcome.Failed),
            actions.Count(a => a.Outcome == Outcome.Failed) + accounts.Count(a => a.Outcome == Outcome.Failed && a.Users.Count == 0),
            notStartedAccounts + actions.Count(a => a.Outcome == Outcome.NotStarted));
    }
}
