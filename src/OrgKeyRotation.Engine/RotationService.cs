using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.Execution;
using OrgKeyRotation.Engine.FanOut;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Targets;
using OrgKeyRotation.Engine.Uninstall;

namespace OrgKeyRotation.Engine;

/// <summary>
/// The engine: for each account and user in scope it reads the state from AWS, asks the pure planner what to do,
/// and (unless dry run) carries the plan out. A sweep runs as a pipeline (<see cref="SweepPipeline"/>): accounts in
/// parallel up to concurrency.accounts and users within an account up to concurrency.usersPerAccount (IAM throttles
/// per account) while they make IAM and Secrets Manager calls; new keys wait for IAM to propagate them outside those
/// bounds.
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
    private readonly KeyStager _stager;
    private readonly KeyPromoter _promoter;
    private readonly RotationProtocol _rotationProtocol;
    private readonly FanOutSweep _fanOut;
    private readonly Func<IGitHubSecretsClient>? _gitHub;

    /// <summary>
    /// <paramref name="gitHub"/> makes the GitHub client of one sweep (null: none, for a configuration without GitHub
    /// destinations). It is called on the sweep's first GitHub write, so the client reads its credential at most once
    /// per sweep, and only when a GitHub destination is written.
    /// </summary>
    public RotationService(RotationConfig config, ICentralClients clients, TimeProvider timeProvider, ILogger logger, EngineOptions? options = null, Func<IGitHubSecretsClient>? gitHub = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _gitHub = gitHub;
        _options = options ?? new EngineOptions();
        _options.Validate();
        _facts = new FactsCollector(config, timeProvider);
        _targets = new TargetResolver(config, clients.Organizations, logger);
        _stager = new KeyStager(config, timeProvider, logger);
        _promoter = new KeyPromoter(config, timeProvider, logger);
        _fanOut = new FanOutSweep(config, clients, _targets, _options, timeProvider, logger);
        _rotationProtocol = new RotationProtocol(config, clients, _facts, _targets, _stager, _promoter, Verifier, alerts => Executor(alerts), Destinations, timeProvider, logger);
    }

    public async Task<SweepResult> SweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = await _targets.ResolveScopeAsync(request.Accounts, cancellationToken);
        var sweepId = request.SweepId ?? NewSweepId();
        var dryRun = request.DryRun ?? _config.DryRun;
        await using var alerts = NewAlerts(dryRun);
        var result = await RunSweepAsync(scope.Accounts, sweepId, dryRun, request.StopStartingWorkAt, request.Progress, alerts, cancellationToken, scope.DiscoveryFailed(sweepId));
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
        var dryRun = item.DryRun || _config.DryRun;
        await using var alerts = NewAlerts(dryRun);
        var result = await RunSweepAsync(accounts, item.SweepId, dryRun, stopStartingWorkAt, progress: null, alerts, cancellationToken);
        if (!result.DryRun)
        {
            await alerts.FlushAsync(cancellationToken);
            await _fanOut.ReportAsync(item.AccountId, result, alerts, cancellationToken);
        }

        return result;
    }

    public Task<EnqueueResult> EnqueueSweepAsync(SweepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _fanOut.EnqueueAsync(request, request.SweepId ?? NewSweepId(), cancellationToken);
    }

    public Task<DigestResult> ProcessDigestAsync(DigestWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return _fanOut.ProcessDigestAsync(item, cancellationToken);
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
        LogRestore(_logger, accountId, userName, accessKeyId, results[0].Outcome);
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
                    users.Add(new InventoryUser(accountId, target.UserName, facts.Secret is { ManagedByUs: true, DeletedDate: null }, facts.Exemption.Exempt, facts.Exemption.Until, snapshot.AlertUser(_config.Alerts.OwnerTag).Owner, SweepPipeline.KeySnapshots(plan),
                        Planner.HandOffEnd(plan, _config.Policy), SweepPipeline.DestinationView(snapshot, plan)));
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

    /// <summary>The first step of removing OrgKeyRotation (<see cref="SecretRelease"/>); writing central secrets only as their rotator.</summary>
    public async Task<ReleaseResult> ReleaseSecretsAsync(IReadOnlyList<string>? accounts, bool apply, CancellationToken cancellationToken)
    {
        if (apply && await _clients.Accounts.CentralRotatorRefusalAsync(cancellationToken) is { } refusal)
        {
            throw new CentralRotatorRefusedException(refusal);
        }

        return await new SecretRelease(_config, _clients, _targets, _logger).RunAsync(accounts, apply, NewSweepId(), cancellationToken);
    }

    /// <summary>One Secrets Manager rotation step (<see cref="RotationProtocol"/>); with central secrets only as their rotator.</summary>
    public async Task<RotationStepResult> RunRotationStepAsync(RotationStepRequest request, CancellationToken cancellationToken)
    {
        if (await _clients.Accounts.CentralRotatorRefusalAsync(cancellationToken) is { } refusal)
        {
            throw new CentralRotatorRefusedException(refusal);
        }

        return await _rotationProtocol.RunAsync(request, cancellationToken);
    }

    /// <summary>
    /// One sweep over <paramref name="accounts"/>; its alerts go out as they happen. The caller publishes the rest with
    /// the sweep's digest (single process) or before its account report (fan-out worker); when the sweep fails, what
    /// happened before the failure goes out here. A dry run publishes nothing. <paramref name="discoveryFailed"/> says
    /// that discovery found accounts but none to sweep: a failure of the sweep, alerted.
    /// </summary>
    private async Task<SweepResult> RunSweepAsync(IReadOnlyList<string> accounts, string sweepId, bool dryRun, DateTimeOffset? stopStartingWorkAt, IProgress<AccountResult>? progress, AlertPublisher alerts, CancellationToken cancellationToken, Alert? discoveryFailed = null)
    {
        var started = _time.GetUtcNow();
        // Central secrets name one writer; under any other identity every write would be denied after its key was made.
        if (await _clients.Accounts.CentralRotatorRefusalAsync(cancellationToken) is { } refusal)
        {
            if (!dryRun)
            {
                throw new CentralRotatorRefusedException(refusal);
            }

            LogDryRunWouldBeRefused(_logger, sweepId, refusal);
        }

        LogSweepStarting(_logger, sweepId, accounts.Count, dryRun);
        if (discoveryFailed is not null)
        {
            alerts.Add(discoveryFailed);
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
        if (discoveryFailed is not null)
        {
            counts = counts with { Failed = counts.Failed + 1 };
        }

        var result = new SweepResult(sweepId, dryRun, started, _time.GetUtcNow(), counts, ordered, notStarted.Order(StringComparer.Ordinal).ToList());
        LogSweepFinished(_logger, sweepId, counts.Rotated, counts.Deactivated, counts.Deleted, counts.Failed, counts.Warnings, counts.NotStarted);
        return result;
    }

    /// <summary>
    /// Alerts of one sweep (or restore), published as they happen. A dry run's are only logged: the periodic flush
    /// would otherwise publish what a dry run raised (a user that could not be read) while the sweep still runs.
    /// </summary>
    private AlertPublisher NewAlerts(bool dryRun = false) => new(_clients.Sns, dryRun ? null : _config.Alerts.SnsTopicArn, _time, _logger);

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

    private KeyVerifier Verifier() => new(_clients.Sts, _config.Verification.Regions, _options, _time, _options.JitterDraw);

    /// <summary>The destination writes of one sweep (or rotation step): its own GitHub client, made on its first GitHub write.</summary>
    private DestinationWriter Destinations() => new(_gitHub, _logger);

    private UserExecutor Executor(AlertPublisher alerts, KeyVerifier? verifier = null) =>
        new(_config, _stager, verifier ?? Verifier(), _promoter, alerts, Destinations(), _time, _logger);

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
            actions.Count(a => a.Action == ActionKind.Warn && a.Outcome is not (Outcome.Failed or Outcome.Blocked)),
            actions.Count(a => a.Outcome is Outcome.Failed or Outcome.Blocked) + accounts.Count(a => a.Outcome == Outcome.Failed && a.Users.Count == 0),
            notStartedAccounts + actions.Count(a => a.Outcome == Outcome.NotStarted),
            actions.Count(a => a.Outcome == Outcome.Blocked));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restore requested for {AccountId} {UserName} {AccessKeyId}: {Outcome}")]
    private static partial void LogRestore(ILogger logger, string accountId, string userName, string accessKeyId, Outcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId} is a dry run; as a rotation it would be refused: {Refusal}")]
    private static partial void LogDryRunWouldBeRefused(ILogger logger, string sweepId, string refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} starting over {Count} accounts (dry run: {DryRun})")]
    private static partial void LogSweepStarting(ILogger logger, string sweepId, int count, bool dryRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} finished: {Rotated} rotated, {Deactivated} deactivated, {Deleted} deleted, {Failed} failed, {Warnings} warnings, {NotStarted} accounts not started")]
    private static partial void LogSweepFinished(ILogger logger, string sweepId, int rotated, int deactivated, int deleted, int failed, int warnings, int notStarted);
}
