using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Targets;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>What one sweep is asked to do.</summary>
internal sealed record SweepRun(string SweepId, bool DryRun, DateTimeOffset? StopStartingWorkAt);

/// <summary>
/// One sweep over its accounts. Each user goes through three stages: <b>stage</b> (read the facts, plan, run the
/// steps up to and including storing a new key as AWSPENDING: IAM and Secrets Manager calls), <b>verify</b> (STS,
/// polled while IAM propagates the key) and <b>finish</b> (promotion and the old key's steps). The bounds:
/// <list type="bullet">
/// <item>concurrency.accounts: accounts being opened or staging. An account gives its place up as soon as none of
/// its users has work left before verification, so an account whose keys only wait for IAM holds nothing.</item>
/// <item>concurrency.usersPerAccount: users of one account in IAM or Secrets Manager work at once (stage or finish;
/// each user reads its keys and its user at once, so up to twice as many calls), because IAM throttles per account.</item>
/// <item><see cref="EngineOptions.VerificationConcurrency"/>: keys being verified at once in the sweep.</item>
/// </list>
/// Deadline: after StopStartingWorkAt no account, user or new key is started. A key staged before it is verified
/// until StopStartingWorkAt + VerificationTimeout at the latest (the Lambda's margin covers that), then stays
/// AWSPENDING for the next sweep's CompleteRotation, reported NotStarted with a warning.
/// </summary>
internal sealed partial class SweepPipeline
{
    private readonly RotationConfig _config;
    private readonly IAccountSessionFactory _accounts;
    private readonly FactsCollector _facts;
    private readonly TargetResolver _targets;
    private readonly UserExecutor _executor;
    private readonly KeyVerifier _verifier;
    private readonly AlertPublisher _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SweepRun _run;
    private readonly SemaphoreSlim _verificationPlaces;
    private readonly DateTimeOffset? _verifyUntil;
    private int _accountsOpened;
    private ExceptionDispatchInfo? _failure;

    public SweepPipeline(RotationConfig config, EngineOptions options, IAccountSessionFactory accounts, FactsCollector facts, TargetResolver targets, UserExecutor executor, KeyVerifier verifier, AlertPublisher alerts, TimeProvider time, ILogger logger, SweepRun run)
    {
        _config = config;
        _accounts = accounts;
        _facts = facts;
        _targets = targets;
        _executor = executor;
        _verifier = verifier;
        _alerts = alerts;
        _time = time;
        _logger = logger;
        _run = run;
        _verificationPlaces = new SemaphoreSlim(options.VerificationConcurrency);
        _verifyUntil = run.StopStartingWorkAt + options.VerificationTimeout;
    }

    /// <summary>
    /// Sweeps <paramref name="accounts"/>; returns the results of the accounts started (in no particular order) and
    /// the accounts the deadline left unstarted. An exception the engine does not handle (or AWS unreachable before
    /// any account was opened) stops all work and is rethrown.
    /// </summary>
    public async Task<(IReadOnlyList<AccountResult> Accounts, IReadOnlyList<string> NotStarted)> RunAsync(IReadOnlyList<string> accounts, IProgress<AccountResult>? progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = new ConcurrentQueue<AccountResult>();
        var notStarted = new ConcurrentQueue<string>();
        var finishing = new ConcurrentQueue<Task>();
        try
        {
            await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = _config.Concurrency.Accounts, CancellationToken = stop.Token }, async (accountId, _) =>
            {
                if (PastStop())
                {
                    notStarted.Enqueue(accountId);
                    return;
                }

                var done = await StageAccountAsync(accountId, stop);
                finishing.Enqueue(ReportAsync(done, results, progress));
            });
            await Task.WhenAll(finishing);
        }
        catch (Exception) when (_failure is not null)
        {
            // Rethrown below as it was first raised, not as the cancellation it caused elsewhere.
        }

        _failure?.Throw();
        return (results.ToList(), notStarted.ToList());
    }

    private static async Task ReportAsync(Task<AccountResult> done, ConcurrentQueue<AccountResult> results, IProgress<AccountResult>? progress)
    {
        var result = await done;
        results.Enqueue(result);
        progress?.Report(result);
    }

    /// <summary>Opens the account and stages its users; returns once none of them has work before verification left.</summary>
    private async Task<Task<AccountResult>> StageAccountAsync(string accountId, CancellationTokenSource stop)
    {
        AccountContext account;
        IReadOnlyList<(string UserName, IamUser? KnownUser)> targets;
        try
        {
            var session = await _accounts.OpenAsync(accountId, _run.SweepId, stop.Token);
            account = await _facts.OpenAccountAsync(session, stop.Token);
            targets = await _targets.ResolveUsersAsync(session, stop.Token);
            Interlocked.Increment(ref _accountsOpened);
        }
        catch (AwsException ex) when (!IsAwsUnreachable(ex))
        {
            return Task.FromResult(AccountFailed(accountId, ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            Fail(ex, stop);
            throw;
        }

        var lane = new SemaphoreSlim(_config.Concurrency.UsersPerAccount);
        var users = new List<Task<UserResult>>(targets.Count);
        var staged = new List<Task>(targets.Count);
        foreach (var (userName, knownUser) in targets)
        {
            var stagedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            staged.Add(stagedSignal.Task);
            users.Add(RunUserAsync(account, userName, knownUser, lane, stagedSignal, stop));
        }

        await Task.WhenAll(staged);
        return CollectAsync(accountId, users);
    }

    private async Task<AccountResult> CollectAsync(string accountId, List<Task<UserResult>> users)
    {
        var ordered = await Task.WhenAll(users);
        // A blocked user is a decision that waits for a person, not a failure of its account.
        var anyFailed = ordered.Any(u => u.Actions.Any(a => a.Outcome == Outcome.Failed));
        return new AccountResult(accountId, anyFailed ? Outcome.Failed : _run.DryRun ? Outcome.Planned : Outcome.Succeeded, anyFailed ? "some users failed; see their actions" : null, ordered);
    }

    private AccountResult AccountFailed(string accountId, Exception ex)
    {
        var error = $"account {accountId} could not be processed: {ex.Message}";
        var advice = ex is AwsTransportException
            ? "AWS did not answer in time for this account; the other accounts went on, and the next sweep tries it again."
            : "Check that the rotation role exists in the account and trusts the central role (and the external id).";
        var aws = AwsFailureFields.Of(ex);
        LogAccountFailed(_logger, accountId, error, _run.SweepId, aws.ErrorCode, aws.HttpStatus, aws.RequestId);
        _alerts.Add(Alert.AboutAccount(AlertEvent.Failed, _run.SweepId, accountId, $"account {accountId} failed", $"{error}\n\n{advice}"));
        return new AccountResult(accountId, Outcome.Failed, error, []);
    }

    /// <summary>One user through stage, verify and finish; the account's lane bounds its IAM work.</summary>
    private async Task<UserResult> RunUserAsync(AccountContext account, string userName, IamUser? knownUser, SemaphoreSlim lane, TaskCompletionSource staged, CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        try
        {
            UserRun? run;
            UserResult? done;
            await lane.WaitAsync(cancellationToken);
            try
            {
                (run, done) = await StageUserAsync(account, userName, knownUser, cancellationToken);
            }
            finally
            {
                lane.Release();
                staged.TrySetResult();
            }

            if (done is not null)
            {
                return done;
            }

            while (run!.AwaitingVerification is { Key: var key })
            {
                var verification = await VerifyAsync(account.AccountId, userName, key, cancellationToken);
                await lane.WaitAsync(cancellationToken);
                try
                {
                    await _executor.FinishAsync(run, verification, cancellationToken);
                }
                finally
                {
                    lane.Release();
                }
            }

            return new UserResult(account.AccountId, userName, KeySnapshots(run.Plan), run.Results, run.DestinationView);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            Fail(ex, stop);
            throw;
        }
        finally
        {
            staged.TrySetResult();
            // All that happened to the user in this sweep goes out as one message, now.
            _alerts.UserFinished(account.AccountId, userName);
        }
    }

    /// <summary>Stage 1, under the lane: facts, plan, and the plan's steps until a new key is staged.</summary>
    private async Task<(UserRun? Run, UserResult? Done)> StageUserAsync(AccountContext account, string userName, IamUser? knownUser, CancellationToken cancellationToken)
    {
        var accountId = account.AccountId;
        if (PastStop())
        {
            return (null, new UserResult(accountId, userName, [], [new ActionResult(ActionKind.Skip, Outcome.NotStarted, "the invocation's deadline came first; the next sweep does it")]));
        }

        UserSnapshot snapshot;
        try
        {
            snapshot = await _facts.CollectAsync(account, userName, lastUseOfEveryKey: _run.DryRun, knownUser, cancellationToken);
        }
        catch (AwsException ex)
        {
            var missing = ex is AwsServiceException { Kind: AwsErrorKind.NoSuchEntity };
            var error = missing ? $"user {userName} does not exist in account {accountId}: remove it from the configuration" : $"could not read user {userName}: {ex.Message}";
            // The user's tags were not read, so its owner is unknown.
            _alerts.Add(Alert.AboutUser(AlertEvent.Failed, _run.SweepId, new AlertUser(accountId, userName, Owner: null), $"{accountId}/{userName} could not be read", error));
            return (null, new UserResult(accountId, userName, [], [new ActionResult(ActionKind.Skip, Outcome.Failed, "reading the user's keys and secret failed", Error: error)]));
        }

        var plan = Planner.Plan(snapshot.Facts, _config.Policy, _time.GetUtcNow());
        if (snapshot.SecretNameProblem is { } problem && !snapshot.Facts.Exemption.Exempt)
        {
            // Decided before any Secrets Manager call: a name AWS refuses would fail the same way every sweep.
            if (!_run.DryRun)
            {
                _alerts.Add(Alert.AboutUser(AlertEvent.Blocked, _run.SweepId, snapshot.AlertUser(_config.Alerts.OwnerTag), $"{accountId}/{userName}: manual action needed", problem));
            }

            return (null, new UserResult(accountId, userName, KeySnapshots(plan), [new ActionResult(ActionKind.Warn, Outcome.Blocked, problem, Error: "manual action needed: " + problem)]));
        }

        if (_run.DryRun)
        {
            var planned = plan.Actions.Select(a => new ActionResult(UserExecutor.Map(a.Kind), a.ChangesState ? Outcome.Planned : a.Kind == PlannedActionKind.Block ? Outcome.Blocked : Outcome.Skipped, a.Reason, a.AccessKeyId)).ToList();
            return (null, new UserResult(accountId, userName, KeySnapshots(plan), planned, DestinationView(snapshot, plan)));
        }

        await _executor.EndAbandonedRotationAsync(account.Session, snapshot, cancellationToken);
        var run = await _executor.StageAsync(account.Session, snapshot, plan, _run.SweepId, mayStageNewKey: () => !PastStop(), cancellationToken);
        return run.AwaitingVerification is null ? (null, new UserResult(accountId, userName, KeySnapshots(plan), run.Results, run.DestinationView)) : (run, null);
    }

    /// <summary>Stage 2, outside the IAM bounds: STS calls under the sweep's verification bound.</summary>
    private async Task<Verification> VerifyAsync(string accountId, string userName, StagedKey staged, CancellationToken cancellationToken)
    {
        await _verificationPlaces.WaitAsync(cancellationToken);
        try
        {
            return await _verifier.VerifyAsync(accountId, userName, staged.Key, _verifyUntil, cancellationToken);
        }
        finally
        {
            _verificationPlaces.Release();
        }
    }

    private bool PastStop() => _run.StopStartingWorkAt is { } at && _time.GetUtcNow() >= at;

    /// <summary>The first failure the engine does not handle ends the sweep: it stops every other piece of work.</summary>
    private void Fail(Exception ex, CancellationTokenSource stop)
    {
        if (Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null) is null)
        {
            stop.Cancel();
        }
    }

    /// <summary>
    /// AWS could not be reached at all (the connection failed: refused, reset, DNS, TLS) before any account was opened:
    /// the host's problem (the CLI exits 3), not every account's. A timeout is never this: it may be one slow account,
    /// and the layer reports it as a <see cref="TimeoutException"/> whichever client made the call.
    /// </summary>
    private bool IsAwsUnreachable(Exception ex) =>
        ex is AwsTransportException { InnerException: not TimeoutException } && Volatile.Read(ref _accountsOpened) == 0;

    /// <summary>The user's destinations as the sweep found them, against the plan's current key.</summary>
    internal static IReadOnlyList<DestinationSnapshot>? DestinationView(UserSnapshot snapshot, UserPlan plan) =>
        snapshot.Destinations.View(plan.Roles.FirstOrDefault(r => r.Value == KeyRole.Current).Key);

    internal static IReadOnlyList<KeySnapshot> KeySnapshots(UserPlan plan) =>
        plan.Facts.Keys.Select(k => new KeySnapshot(
            k.AccessKeyId,
            k.Status.ToString(),
            k.CreateDate,
            k.LastUsedDate,
            plan.Roles.TryGetValue(k.AccessKeyId, out var role) ? role : KeyRole.Untracked,
            k.LastUsedKnown)).ToList();

    [LoggerMessage(Level = LogLevel.Error, Message = "{AccountId}: {Error} (sweep {SweepId}; AWS error {AwsErrorCode}, HTTP {HttpStatus}, request id {AwsRequestId})")]
    private static partial void LogAccountFailed(ILogger logger, string accountId, string error, string sweepId, string? awsErrorCode, int? httpStatus, string? awsRequestId);
}
