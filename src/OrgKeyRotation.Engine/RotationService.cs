using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
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
        _targets = new TargetResolver(config, clients.Organizations);
        _stager = new KeyStager(config, timeProvider, logger);
        _rotationProtocol = new RotationProtocol(config, clients, _facts, _targets, _stager, Verifier, alerts => Executor(alerts), timeProvider, logger);
    }

    public async Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = await _targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        return await RunSweepAsync(scope.Accounts, request.SweepId ?? NewSweepId(), request.DryRun ?? _config.DryRun, request.StopStartingWorkAt, request.Progress, cancellationToken, scope.DiscoveryProblem);
    }

    public async Task<SweepResult> ProcessWorkItemAsync(AccountWorkItem item, DateTimeOffset? stopStartingWorkAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var accounts = await _targets.ResolveAccountsAsync([item.AccountId], cancellationToken);
        return await RunSweepAsync(accounts, item.SweepId, item.DryRun || _config.DryRun, stopStartingWorkAt, progress: null, cancellationToken);
    }

    public async Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var queueUrl = _config.WorkQueueUrl ?? throw new BadRequestException("fan-out needs a work queue: set WORK_QUEUE_URL (workQueueUrl)");
        var scope = await _targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        var accounts = scope.Accounts;
        var sweepId = request.SweepId ?? NewSweepId();
        var dryRun = request.DryRun ?? _config.DryRun;
        var messages = accounts
            .Select((account, i) => ($"a{i}", JsonSerializer.Serialize(new AccountWorkItem(sweepId, account, dryRun), EngineJsonContext.Default.AccountWorkItem)))
            .ToList();
        var failedIds = messages.Count == 0 ? [] : await _clients.WorkQueue.SendBatchAsync(queueUrl, messages, cancellationToken);
        var failedAccounts = failedIds.Select(id => accounts[int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]).ToList();
        var result = new EnqueueResult(sweepId, accounts.Count - failedAccounts.Count, accounts, failedAccounts);

        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
        if (scope.DiscoveryProblem is not null)
        {
            alerts.Add(new Alert(AlertEvent.Failed, sweepId, null, null, null, null, "account discovery found no account to sweep", scope.DiscoveryProblem));
        }

        var detail = $"Sweep {sweepId}: {result.Enqueued} account work items enqueued{(failedAccounts.Count > 0 ? $", {failedAccounts.Count} could not be enqueued: {string.Join(", ", failedAccounts)}" : "")}. Workers alert their own rotations and failures.";
        alerts.Add(new Alert(failedAccounts.Count > 0 ? AlertEvent.Failed : AlertEvent.Summary, sweepId, null, null, null, null, $"sweep {sweepId} fanned out to {result.Enqueued} accounts", detail));
        await alerts.FlushAsync(cancellationToken);
        return result;
    }

    public async Task<ActionResult> RestoreAsync(string accountId, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        if (!AwsIdentifiers.IsAccountId(accountId) || !AwsIdentifiers.IsUserName(userName) || !AwsIdentifiers.IsAccessKeyId(accessKeyId))
        {
            throw new BadRequestException("restore needs a 12-digit account id, a valid IAM user name and an access key id (AKIA...)");
        }

        var sweepId = NewSweepId();
        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
        var session = await _clients.Accounts.OpenAsync(accountId, sweepId, cancellationToken);
        var account = await _facts.OpenAccountAsync(session, cancellationToken);
        var snapshot = await _facts.CollectAsync(account, userName, lastUseOfEveryKey: false, knownUser: null, cancellationToken);
        var action = Planner.PlanRestore(snapshot.Facts, accessKeyId);
        var plan = new UserPlan(snapshot.Facts, [action], new Dictionary<string, KeyRoleKind>());
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
                    users.Add(new InventoryUser(accountId, target.UserName, facts.Secret?.ManagedByUs == true, facts.Exemption.Exempt, facts.Exemption.Until, snapshot.Owner, SweepPipeline.KeySnapshots(plan)));
                });
            }
            catch (Exception ex) when (SweepPipeline.IsAwsFailure(ex))
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

    /// <param name="accounts">The accounts to sweep.</param>
    /// <param name="sweepId">The correlation id.</param>
    /// <param name="dryRun">Plan only.</param>
    /// <param name="stopStartingWorkAt">The deadline for starting work.</param>
    /// <param name="progress">Told about each account when it is done.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <param name="discoveryProblem">Discovery found accounts but none to sweep: a failure of the sweep, alerted.</param>
    private async Task<SweepResult> RunSweepAsync(IReadOnlyList<string> accounts, string sweepId, bool dryRun, DateTimeOffset? stopStartingWorkAt, IProgress<AccountResult>? progress, CancellationToken cancellationToken, string? discoveryProblem = null)
    {
        var started = _time.GetUtcNow();
        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
        _logger.LogInformation("Sweep {SweepId} starting over {Count} accounts (dry run: {DryRun})", sweepId, accounts.Count, dryRun);
        if (discoveryProblem is not null)
        {
            alerts.Add(new Alert(AlertEvent.Failed, sweepId, null, null, null, null, "account discovery found no account to sweep", discoveryProblem));
        }

        var verifier = Verifier();
        var pipeline = new SweepPipeline(_config, _options, _clients.Accounts, _facts, _targets, Executor(alerts, verifier), verifier, alerts, _time, _logger, new SweepRun(sweepId, dryRun, stopStartingWorkAt));
        var (done, notStarted) = await pipeline.RunAsync(accounts, progress, cancellationToken);

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

        if (!dryRun)
        {
            alerts.Add(Summary(result));
            await alerts.FlushAsync(cancellationToken);
        }

        return result;
    }

    private KeyVerifier Verifier() => new(_clients.Sts, _options, _time, Random.Shared.NextDouble);

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

    private static Alert Summary(SweepResult result)
    {
        var c = result.Counts;
        var failedAccounts = result.Accounts.Where(a => a.Outcome == Outcome.Failed).Select(a => a.AccountId).ToList();
        var detail = $"Sweep {result.SweepId} over {c.Accounts} accounts and {c.Users} users: {c.Rotated} rotated, {c.Deactivated} deactivated, {c.Deleted} deleted, {c.Failed} failed, {c.Warnings} warnings."
            + (failedAccounts.Count > 0 ? $"\nAccounts with failures: {string.Join(", ", failedAccounts)}." : "")
            + (result.NotStartedAccounts.Count > 0 ? $"\nNot started before the deadline: {string.Join(", ", result.NotStartedAccounts)}." : "");
        return new Alert(AlertEvent.Summary, result.SweepId, null, null, null, null, $"{c.Rotated} rotated, {c.Failed} failed, {c.Warnings} warnings", detail);
    }
}
