using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine;

/// <summary>
/// The engine: for each account and user in scope it reads the state from AWS, asks the pure planner what to do,
/// and (unless dry run) carries the plan out. Accounts run in parallel up to concurrency.accounts, users within an
/// account up to concurrency.usersPerAccount, because IAM throttles per account.
/// </summary>
public sealed partial class RotationService : IRotationService
{
    private readonly RotationConfig _config;
    private readonly ICentralClients _clients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EngineOptions _options;
    private readonly FactsCollector _facts;
    private readonly TargetResolver _targets;

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
    }

    public async Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accounts = await _targets.ResolveAccountsAsync(request.Accounts, cancellationToken);
        return await RunSweepAsync(accounts, request.SweepId ?? NewSweepId(), request.DryRun ?? _config.DryRun, request.StopStartingWorkAt, request.Progress, cancellationToken);
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
        var accounts = await _targets.ResolveAccountsAsync(request.Accounts, cancellationToken);
        var sweepId = request.SweepId ?? NewSweepId();
        var dryRun = request.DryRun ?? _config.DryRun;
        var messages = accounts
            .Select((account, i) => ($"a{i}", JsonSerializer.Serialize(new AccountWorkItem(sweepId, account, dryRun), EngineJsonContext.Default.AccountWorkItem)))
            .ToList();
        var failedIds = messages.Count == 0 ? [] : await _clients.WorkQueue.SendBatchAsync(queueUrl, messages, cancellationToken);
        var failedAccounts = failedIds.Select(id => accounts[int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]).ToList();
        var result = new EnqueueResult(sweepId, accounts.Count - failedAccounts.Count, accounts, failedAccounts);

        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
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
                    var plan = Planner.Plan(snapshot.Facts, _config.Policy, _time.GetUtcNow());
                    var facts = snapshot.Facts;
                    users.Add(new InventoryUser(accountId, target.UserName, facts.Secret?.ManagedByUs == true, facts.Exemption.Exempt, facts.Exemption.Until, snapshot.Owner, Snapshots(plan)));
                });
            }
            catch (Exception ex) when (IsAwsFailure(ex))
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

    private async Task<SweepResult> RunSweepAsync(IReadOnlyList<string> accounts, string sweepId, bool dryRun, DateTimeOffset? stopStartingWorkAt, IProgress<AccountResult>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var alerts = new AlertPublisher(_clients.Sns, _config.Alerts.SnsTopicArn, _logger);
        var executor = Executor(alerts);
        var results = new ConcurrentDictionary<string, AccountResult>(StringComparer.Ordinal);
        var notStarted = new ConcurrentBag<string>();
        _logger.LogInformation("Sweep {SweepId} starting over {Count} accounts (dry run: {DryRun})", sweepId, accounts.Count, dryRun);

        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = _config.Concurrency.Accounts, CancellationToken = cancellationToken }, async (accountId, ct) =>
        {
            if (PastDeadline(stopStartingWorkAt))
            {
                notStarted.Add(accountId);
                return;
            }

            var result = await SweepAccountAsync(accountId, sweepId, dryRun, stopStartingWorkAt, executor, alerts, ct);
            results[accountId] = result;
            progress?.Report(result);
        });

        var ordered = accounts.Where(results.ContainsKey).Select(a => results[a]).ToList();
        var counts = Count(ordered, notStarted.Count);
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

    private async Task<AccountResult> SweepAccountAsync(string accountId, string sweepId, bool dryRun, DateTimeOffset? stopStartingWorkAt, UserExecutor executor, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        AccountContext account;
        IReadOnlyList<(string UserName, IamUser? KnownUser)> targets;
        try
        {
            var session = await _clients.Accounts.OpenAsync(accountId, sweepId, cancellationToken);
            account = await _facts.OpenAccountAsync(session, cancellationToken);
            targets = await _targets.ResolveUsersAsync(session, cancellationToken);
        }
        catch (Exception ex) when (IsAwsFailure(ex) && ex is not AwsTransportException)
        {
            // An unreachable endpoint is the host's problem, not this account's: it ends the sweep (the CLI exits 3)
            // instead of failing every account one by one.
            var error = $"account {accountId} could not be processed: {ex.Message}";
            _logger.LogError("{AccountId}: {Error} (sweep {SweepId})", accountId, error, sweepId);
            alerts.Add(new Alert(AlertEvent.Failed, sweepId, accountId, null, null, null, $"account {accountId} failed", error + "\n\nCheck that the rotation role exists in the account and trusts the central role (and the external id)."));
            return new AccountResult(accountId, Outcome.Failed, error, []);
        }

        var users = new ConcurrentDictionary<string, UserResult>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = _config.Concurrency.UsersPerAccount, CancellationToken = cancellationToken }, async (target, ct) =>
        {
            if (PastDeadline(stopStartingWorkAt))
            {
                users[target.UserName] = new UserResult(accountId, target.UserName, [], [new ActionResult(ActionKind.Skip, Outcome.NotStarted, "the invocation's deadline came first; the next sweep does it")]);
                return;
            }

            users[target.UserName] = await SweepUserAsync(account, target.UserName, target.KnownUser, sweepId, dryRun, executor, alerts, ct);
        });

        var ordered = targets.Select(t => users[t.UserName]).ToList();
        var anyFailed = ordered.Any(u => u.Actions.Any(a => a.Outcome == Outcome.Failed));
        return new AccountResult(accountId, anyFailed ? Outcome.Failed : dryRun ? Outcome.Planned : Outcome.Succeeded, anyFailed ? "some users failed; see their actions" : null, ordered);
    }

    private async Task<UserResult> SweepUserAsync(AccountContext account, string userName, IamUser? knownUser, string sweepId, bool dryRun, UserExecutor executor, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        var accountId = account.AccountId;
        UserSnapshot snapshot;
        try
        {
            snapshot = await _facts.CollectAsync(account, userName, lastUseOfEveryKey: dryRun, knownUser, cancellationToken);
        }
        catch (Exception ex) when (IsAwsFailure(ex))
        {
            var missing = ex is AwsServiceException { Kind: AwsErrorKind.NoSuchEntity };
            var error = missing ? $"user {userName} does not exist in account {accountId}: remove it from the configuration" : $"could not read user {userName}: {ex.Message}";
            alerts.Add(new Alert(AlertEvent.Failed, sweepId, accountId, userName, null, null, $"{accountId}/{userName} could not be read", error));
            return new UserResult(accountId, userName, [], [new ActionResult(ActionKind.Skip, Outcome.Failed, "reading the user's keys and secret failed", Error: error)]);
        }

        var plan = Planner.Plan(snapshot.Facts, _config.Policy, _time.GetUtcNow());
        IReadOnlyList<ActionResult> actions = dryRun
            ? plan.Actions.Select(a => new ActionResult(UserExecutor.Map(a.Kind), a.ChangesState ? Outcome.Planned : a.Kind == PlannedActionKind.Block ? Outcome.Failed : Outcome.Skipped, a.Reason, a.AccessKeyId)).ToList()
            : await executor.ExecuteAsync(account.Session, snapshot, plan, sweepId, cancellationToken);
        return new UserResult(accountId, userName, Snapshots(plan), actions);
    }

    private UserExecutor Executor(AlertPublisher alerts) =>
        new(_config, new KeyVerifier(_clients.Sts, _options, _time), alerts, _time, _logger);

    private bool PastDeadline(DateTimeOffset? stopStartingWorkAt) => stopStartingWorkAt is { } at && _time.GetUtcNow() >= at;

    private static bool IsAwsFailure(Exception ex) => ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException;

    private string NewSweepId() => $"sweep-{_time.GetUtcNow().UtcDateTime:yyyyMMddTHHmmssZ}-{Guid.NewGuid().ToString("N")[..8]}";

    private static IReadOnlyList<KeySnapshot> Snapshots(UserPlan plan) =>
        plan.Facts.Keys.Select(k => new KeySnapshot(
            k.AccessKeyId,
            k.Status.ToString(),
            k.CreateDate,
            k.LastUsedDate,
            plan.Roles.TryGetValue(k.AccessKeyId, out var role) ? role switch
            {
                KeyRoleKind.Current => KeyRole.Current,
                KeyRoleKind.Pending => KeyRole.Pending,
                KeyRoleKind.Previous => KeyRole.Previous,
                _ => KeyRole.Untracked,
            } : KeyRole.Untracked)).ToList();

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
