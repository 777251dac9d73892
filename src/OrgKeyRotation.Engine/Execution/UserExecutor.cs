using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Carries out one user's plan, action by action, stopping at the first failure so that nothing runs on top of a
/// state it did not expect. Each step leaves AWS in a state the planner recognises, so a crash anywhere converges
/// on the next sweep (docs/design.md).
/// A plan with a rotation runs in two parts around the new key's verification: <see cref="StageAsync"/> runs the
/// actions up to and including the staging of the key (IAM and Secrets Manager calls only, under the account's
/// bound); <see cref="FinishAsync"/> takes the verification's outcome, promotes the key (never unverified) and runs
/// the rest. <see cref="ExecuteAsync"/> does both in one go.
/// </summary>
internal sealed partial class UserExecutor(RotationConfig config, KeyStager stager, KeyVerifier verifier, KeyPromoter promoter, AlertPublisher alerts, DestinationWriter destinations, TimeProvider time, ILogger logger)
{
    /// <summary>The whole plan, verifying a staged key in between (no deadline).</summary>
    public async Task<IReadOnlyList<ActionResult>> ExecuteAsync(IAccountSession session, UserSnapshot snapshot, UserPlan plan, string sweepId, CancellationToken cancellationToken)
    {
        var run = await StageAsync(session, snapshot, plan, sweepId, mayStageNewKey: static () => true, cancellationToken);
        while (run.AwaitingVerification is { Key: var staged })
        {
            var verification = await verifier.VerifyAsync(snapshot.Facts.AccountId, snapshot.Facts.UserName, staged.Key, verifyUntil: null, cancellationToken);
            await FinishAsync(run, verification, cancellationToken);
        }

        return run.Results;
    }

    /// <summary>
    /// Runs the plan until a new key is staged (then <see cref="UserRun.AwaitingVerification"/> holds it) or to its
    /// end. <paramref name="mayStageNewKey"/> is asked before a new key is created; when it says no, the rotation is
    /// reported NotStarted and the next sweep does it.
    /// </summary>
    public async Task<UserRun> StageAsync(IAccountSession session, UserSnapshot snapshot, UserPlan plan, string sweepId, Func<bool> mayStageNewKey, CancellationToken cancellationToken)
    {
        var run = new UserRun(session, snapshot, plan, sweepId);
        await ContinueAsync(run, 0, mayStageNewKey, cancellationToken);
        return run;
    }

    /// <summary>Promotes the staged key if it was verified (or reports why not), then runs the rest of the plan.</summary>
    public async Task FinishAsync(UserRun run, Verification verification, CancellationToken cancellationToken)
    {
        var (index, staged) = run.TakeAwaited();
        foreach (var result in await PromoteOrReportAsync(run, run.Plan.Actions[index], staged, verification, cancellationToken))
        {
            run.Add(result);
        }

        await ContinueAsync(run, index + 1, mayStageNewKey: static () => true, cancellationToken);
    }

    /// <summary>A sweep ends a Secrets Manager rotation that stopped in createSecret (<see cref="KeyStager.EndAbandonedRotationAsync"/>).</summary>
    public Task EndAbandonedRotationAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken) =>
        stager.EndAbandonedRotationAsync(session, snapshot, cancellationToken);

    public static ActionKind Map(PlannedActionKind kind) => kind switch
    {
        PlannedActionKind.Rotate => ActionKind.Rotate,
        PlannedActionKind.CompleteRotation => ActionKind.CompleteRotation,
        PlannedActionKind.Deactivate => ActionKind.Deactivate,
        PlannedActionKind.Delete => ActionKind.Delete,
        PlannedActionKind.Reactivate => ActionKind.Reactivate,
        PlannedActionKind.RecordDeactivation => ActionKind.RecordDeactivation,
        PlannedActionKind.SyncDestinations => ActionKind.SyncDestinations,
        PlannedActionKind.Warn or PlannedActionKind.Block => ActionKind.Warn,
        PlannedActionKind.Skip => ActionKind.Skip,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no result kind for this planned action"),
    };

    internal static async Task DeleteAsync(IAccountSession session, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        try
        {
            await session.Iam.DeleteAccessKeyAsync(userName, accessKeyId, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.NoSuchEntity)
        {
            // Already gone (another sweep, or a retry after a lost response): the goal holds.
        }
    }

    private async Task ContinueAsync(UserRun run, int from, Func<bool> mayStageNewKey, CancellationToken cancellationToken)
    {
        var actions = run.Plan.Actions;
        for (var i = from; i < actions.Count; i++)
        {
            var action = actions[i];
            if (run.StopReason is { } notAttempted)
            {
                run.Add(new ActionResult(Map(action.Kind), Outcome.Skipped, notAttempted, action.AccessKeyId));
                continue;
            }

            if (action.Kind is PlannedActionKind.Rotate or PlannedActionKind.CompleteRotation)
            {
                var (staged, result) = await StageKeyAsync(run, i, mayStageNewKey, cancellationToken);
                if (staged is not null)
                {
                    run.Await(i, staged);
                    return;
                }

                run.Add(result!);
                continue;
            }

            if (action.Kind == PlannedActionKind.SyncDestinations)
            {
                await SyncDestinationsAsync(run, action, cancellationToken);
                continue;
            }

            run.Add(await ExecuteOneAsync(run, action, cancellationToken));
        }
    }

    /// <summary>The staging part of a rotation: a staged key, or the result of a rotation that ends here.</summary>
    private async Task<(StagedKey? Staged, ActionResult? Result)> StageKeyAsync(UserRun run, int index, Func<bool> mayStageNewKey, CancellationToken cancellationToken)
    {
        var action = run.Plan.Actions[index];
        var facts = run.Snapshot.Facts;
        var kind = Map(action.Kind);
        try
        {
            if (action.Kind == PlannedActionKind.CompleteRotation)
            {
                await EnsureRecordsAreOursAsync(run, cancellationToken);
                return (await stager.ReadStagedAsync(run.Session, run.Snapshot, action.AccessKeyId!, cancellationToken), null);
            }

            if (!mayStageNewKey())
            {
                return (null, new ActionResult(kind, Outcome.NotStarted, $"not started: too little time is left before the invocation's deadline to verify a new key; the next sweep rotates ({action.Reason})", action.AccessKeyId));
            }

            // The plan deactivates the replaced key right after the promotion: its record rides on the attempt's tag write.
            var deactivatesReplacedKey = action.AccessKeyId is not null && index + 1 < run.Plan.Actions.Count
                && run.Plan.Actions[index + 1] is { Kind: PlannedActionKind.Deactivate } next && next.AccessKeyId == action.AccessKeyId;
            var staged = await stager.StageNewKeyAsync(run.Session, run.Snapshot, action.AccessKeyId, deactivatesReplacedKey, run.SecretOwnershipVerified, cancellationToken);
            if (deactivatesReplacedKey)
            {
                run.DeactivationRecorded(action.AccessKeyId!);
            }

            if (staged is null)
            {
                var reason = "another rotation is in progress for this user: IAM refused a third key; the next sweep continues";
                LogUserSkipped(logger, facts.AccountId, facts.UserName, reason);
                return (null, new ActionResult(kind, Outcome.Skipped, reason, action.AccessKeyId));
            }

            // Created by this run, or its policy checked before the key was created.
            run.OwnershipVerified();
            return (staged, null);
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException)
        {
            return (null, Failure(run, action, ex));
        }
    }

    /// <summary>
    /// The rotation's result, and when a destination could not be written a failed SyncDestinations after it: the key is
    /// current, but the rest of the plan (deactivating the key it replaced) must wait for the destinations.
    /// </summary>
    private async Task<IReadOnlyList<ActionResult>> PromoteOrReportAsync(UserRun run, PlannedAction action, StagedKey staged, Verification verification, CancellationToken cancellationToken)
    {
        var facts = run.Snapshot.Facts;
        var kind = Map(action.Kind);
        var keyId = staged.Key.AccessKeyId;
        var consumers = staged.CurrentAlready
            ? $"The new key is AWSCURRENT already (the first version of {run.Snapshot.SecretName}); the old key stays active."
            : "AWSCURRENT still holds the old key, which stays active.";
        switch (verification.Outcome)
        {
            case VerificationOutcome.Failed:
            {
                // The staged key is verified again by the next sweep (CompleteRotation).
                var text = $"{verification.Problem}. {consumers}";
                alerts.Add(AlertOf(run, action, AlertEvent.Failed, $"new key failed verification for {facts.AccountId}/{facts.UserName}", text, staged));
                return [new ActionResult(kind, Outcome.Failed, action.Reason, action.AccessKeyId, keyId, text)];
            }

            case VerificationOutcome.Deferred:
            {
                // A user's first secret took the key as AWSCURRENT when it was stored: there is nothing left to promote.
                var text = staged.CurrentAlready
                    ? $"{verification.Problem}: it is the first version of {run.Snapshot.SecretName}, AWSCURRENT already, so it is not verified again; IAM accepts a new key within seconds of its creation. The old key stays active."
                    : $"{verification.Problem}: it stays AWSPENDING in {run.Snapshot.SecretName} and the next sweep verifies and promotes it (CompleteRotation). {consumers}";
                LogRotationDeferred(logger, facts.AccountId, facts.UserName, text);
                alerts.Add(AlertOf(run, action, AlertEvent.Deferred, $"rotation of {facts.AccountId}/{facts.UserName} finishes next sweep", text, staged));
                return [new ActionResult(kind, Outcome.NotStarted, $"{text} ({action.Reason})", action.AccessKeyId, keyId)];
            }
        }

        // A Rotate names the key it replaces; a CompleteRotation names the staged key, and replaces the current one.
        var replaced = action.Kind == PlannedActionKind.Rotate ? action.AccessKeyId : run.Plan.Roles.FirstOrDefault(r => r.Value == KeyRole.Current).Key;
        var promotion = new Promotion(run.SweepId, facts.AccountId, facts.UserName, run.Snapshot.User.Tags, run.Snapshot.SecretName, staged, replaced,
            ReplacedKeyDeactivatedRightAfter: replaced is not null && run.IsDeactivationRecorded(replaced),
            LaterRun: action.Kind == PlannedActionKind.CompleteRotation,
            action.Reason,
            run.Destinations);
        try
        {
            run.Promoted(keyId, await promoter.PromoteAsync(run.Session, promotion, alerts, destinations, cancellationToken));
        }
        catch (Exception ex) when (ex is AwsException)
        {
            return [Failure(run, action, ex)];
        }

        var rotated = new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId, keyId);
        return run.Destinations.NotHolding(keyId) is { Count: > 0 } stale
            ? [rotated, DestinationsFailed(stale, keyId, $"key {keyId} is current, but it is missing from {Names(stale)}")]
            : [rotated];
    }

    /// <summary>
    /// SyncDestinations (rule 26): the secret's AWSCURRENT read once, written to the destinations that do not hold it,
    /// and recorded (one TagResource, after the writes). Ownership is checked first, like every step that writes records.
    /// A destination whose write fails does not stop the rest of the plan, which was made knowing it is stale (rule 27
    /// holds the previous key; the warnings and the forced deadline must not wait for the destination); any other
    /// failure does.
    /// </summary>
    private async Task SyncDestinationsAsync(UserRun run, PlannedAction action, CancellationToken cancellationToken)
    {
        var session = run.Session;
        var snapshot = run.Snapshot;
        var secretId = snapshot.Secret!.Arn;
        IReadOnlyList<DestinationWrite> writes;
        NewAccessKey key;
        try
        {
            await EnsureRecordsAreOursAsync(run, cancellationToken);
            var value = await session.Secrets.GetSecretValueAsync(secretId, null, SecretStages.Current, cancellationToken);
            key = (value is null ? null : ManagedSecret.Parse(value.SecretString)) is { } current && current.AccessKeyId == action.AccessKeyId
                ? current
                : throw new RotationStepException($"the AWSCURRENT version of {snapshot.SecretName} no longer holds key {action.AccessKeyId}; nothing was written, and the next sweep plans again");
            writes = await destinations.WriteAsync(session, snapshot.Facts.UserName, run.Destinations.NotHolding(key.AccessKeyId), key, cancellationToken);
            var written = writes.Where(w => w.Succeeded).Select(w => w.Destination.Id).ToList();
            var now = time.GetUtcNow();
            if (written.Count > 0)
            {
                await session.Secrets.TagResourceAsync(secretId, ManagedSecret.DestinationTags(written, key.AccessKeyId, now), cancellationToken);
            }

            run.DestinationsWritten(run.Destinations.After(writes, key.AccessKeyId, now));
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException)
        {
            run.Add(Failure(run, action, ex));
            return;
        }

        var user = snapshot.AlertUser(config.Alerts.OwnerTag);
        foreach (var failed in writes.Where(w => !w.Succeeded))
        {
            alerts.Add(DestinationAlerts.Failed(run.SweepId, user, failed, key.AccessKeyId, run.DestinationView));
        }

        var stale = writes.Where(w => !w.Succeeded).Select(w => w.Destination).ToList();
        if (stale.Count == 0)
        {
            run.Add(new ActionResult(ActionKind.SyncDestinations, Outcome.Succeeded, action.Reason, action.AccessKeyId));
            return;
        }

        run.AddStaleDestinations(DestinationsFailed(stale, key.AccessKeyId, action.Reason));
    }

    /// <summary>Destinations that do not hold the current key after their writes: a failure of the user (each has its own alert).</summary>
    private static ActionResult DestinationsFailed(IReadOnlyList<KeyDestination> stale, string keyId, string reason) =>
        new(ActionKind.SyncDestinations, Outcome.Failed, reason, keyId, Error: $"{Names(stale)} could not be written with key {keyId}; the next sweep writes them again");

    private static string Names(IEnumerable<KeyDestination> destinations) => string.Join(", ", destinations.Select(d => d.Name));

    private async Task<ActionResult> ExecuteOneAsync(UserRun run, PlannedAction action, CancellationToken cancellationToken)
    {
        var session = run.Session;
        var snapshot = run.Snapshot;
        var facts = snapshot.Facts;
        var kind = Map(action.Kind);
        try
        {
            if (action.Kind is PlannedActionKind.Delete or PlannedActionKind.Deactivate or PlannedActionKind.RecordDeactivation)
            {
                await EnsureRecordsAreOursAsync(run, cancellationToken);
            }

            switch (action.Kind)
            {
                case PlannedActionKind.Skip:
                    return new ActionResult(kind, Outcome.Skipped, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Warn:
                    alerts.Add(AlertOf(run, action, AlertEvent.Warning, $"{facts.AccountId}/{facts.UserName} needs attention", action.Reason) with { ActionRequired = action.DeadlineNear });
                    return new ActionResult(kind, Outcome.Skipped, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Block:
                    alerts.Add(AlertOf(run, action, AlertEvent.Blocked, $"{facts.AccountId}/{facts.UserName}: manual action needed", action.Reason));
                    return new ActionResult(kind, Outcome.Blocked, action.Reason, action.AccessKeyId, Error: "manual action needed: " + action.Reason);
                case PlannedActionKind.Delete:
                    await DeleteAsync(session, facts.UserName, action.AccessKeyId!, cancellationToken);
                    alerts.Add(AlertOf(run, action, AlertEvent.Deleted, $"key deleted for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Deactivate when run.IsDeactivationRecorded(action.AccessKeyId!):
                    // Its record went with the rotation's attempt record, seconds ago.
                    await session.Iam.UpdateAccessKeyAsync(facts.UserName, action.AccessKeyId!, AccessKeyStatus.Inactive, cancellationToken);
                    alerts.Add(AlertOf(run, action, AlertEvent.Deactivated, $"old key deactivated for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Deactivate:
                    await DeactivateAsync(session, snapshot, action.AccessKeyId!, cancellationToken);
                    alerts.Add(AlertOf(run, action, AlertEvent.Deactivated, $"old key deactivated for {facts.AccountId}/{facts.UserName}", action.Reason) with { ActionRequired = action.Forced });
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.RecordDeactivation:
                    await RecordDeactivationAsync(session, snapshot, action.AccessKeyId!, cancellationToken);
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Reactivate:
                    await RecordRestoreAsync(run, action.AccessKeyId!, cancellationToken);
                    await session.Iam.UpdateAccessKeyAsync(facts.UserName, action.AccessKeyId!, AccessKeyStatus.Active, cancellationToken);
                    alerts.Add(AlertOf(run, action, AlertEvent.Restored, $"key re-activated for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                default:
                    throw new InvalidOperationException($"unknown action {action.Kind}");
            }
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException)
        {
            return Failure(run, action, ex);
        }
    }

    /// <summary>
    /// The planner deletes and deactivates keys on the word of the user's secret (its stages, attempt and hand-off
    /// records): once per run, before the first such action, the secret's policy must be the rotator's.
    /// </summary>
    private static async Task EnsureRecordsAreOursAsync(UserRun run, CancellationToken cancellationToken)
    {
        if (run.SecretOwnershipVerified)
        {
            return;
        }

        await KeyStager.EnsureRecordsAreOursAsync(run.Session, run.Snapshot, cancellationToken);
        run.OwnershipVerified();
    }

    private ActionResult Failure(UserRun run, PlannedAction action, Exception ex)
    {
        var facts = run.Snapshot.Facts;
        var kind = Map(action.Kind);
        var error = ex.Message;
        if (ex is RotationStepException { NeedsPerson: true })
        {
            // Refused on what AWS holds (a secret that is not the rotator's): the same every sweep until a person acts.
            LogActionBlocked(logger, kind, facts.AccountId, facts.UserName, action.AccessKeyId, error);
            alerts.Add(AlertOf(run, action, AlertEvent.Blocked, $"{facts.AccountId}/{facts.UserName}: manual action needed", $"{action.Reason}\n\nRefused: {error}"));
            return new ActionResult(kind, Outcome.Blocked, action.Reason, action.AccessKeyId, Error: error);
        }

        var aws = AwsFailureFields.Of(ex);
        LogActionFailed(logger, kind, facts.AccountId, facts.UserName, action.AccessKeyId, error, aws.ErrorCode, aws.HttpStatus, aws.RequestId);
        alerts.Add(AlertOf(run, action, AlertEvent.Failed, $"{kind} failed for {facts.AccountId}/{facts.UserName}", $"{action.Reason}\n\nFailed: {error}"));
        return new ActionResult(kind, Outcome.Failed, action.Reason, action.AccessKeyId, Error: error);
    }

    /// <summary>An alert about the user of <paramref name="run"/>, for its owner (alerts.ownerTag).</summary>
    private Alert AlertOf(UserRun run, PlannedAction action, AlertEvent e, string title, string detail, string? keyId = null) =>
        Alert.AboutUser(e, run.SweepId, run.Snapshot.AlertUser(config.Alerts.OwnerTag), title, detail, keyId ?? action.AccessKeyId) with { Destinations = run.DestinationView };

    /// <summary>
    /// An alert about a key this run wrote into the user's secret: it names the secret, so the owner knows where the key
    /// is. Only then: a secret the run did not write into may not be the rotator's (a name someone else took).
    /// </summary>
    private Alert AlertOf(UserRun run, PlannedAction action, AlertEvent e, string title, string detail, StagedKey staged) =>
        AlertOf(run, action, e, title, detail, staged.Key.AccessKeyId) with { SecretName = run.Snapshot.SecretName, SecretArn = staged.SecretId };

    private async Task DeactivateAsync(IAccountSession session, UserSnapshot snapshot, string accessKeyId, CancellationToken cancellationToken)
    {
        // Tag first: a crash before the status change leaves an active key the next sweep deactivates again,
        // never an inactive key without a deletion clock.
        await RecordDeactivationAsync(session, snapshot, accessKeyId, cancellationToken);
        await session.Iam.UpdateAccessKeyAsync(snapshot.Facts.UserName, accessKeyId, AccessKeyStatus.Inactive, cancellationToken);
    }

    /// <summary>
    /// Before a restore re-activates a key of the rotator's secret: the restore record, so that the key's clocks start
    /// again and the next sweep does not switch it off at once (a forced deadline already passed, say). Written only into
    /// the rotator's own secret (ownership checked first); a restore of a key no rotator's record covers needs none, and an
    /// emergency restore is never held up by a secret that is not the rotator's.
    /// </summary>
    private async Task RecordRestoreAsync(UserRun run, string accessKeyId, CancellationToken cancellationToken)
    {
        if (run.Snapshot.Facts.Secret is not { ManagedByUs: true } || run.Snapshot.Secret is not { } secret)
        {
            return;
        }

        try
        {
            await EnsureRecordsAreOursAsync(run, cancellationToken);
        }
        catch (RotationStepException ex)
        {
            LogRestoreWithoutRecord(logger, run.Snapshot.Facts.AccountId, run.Snapshot.Facts.UserName, accessKeyId, ex.Message);
            return;
        }

        await run.Session.Secrets.TagResourceAsync(secret.Arn, ManagedSecret.RestoreTags(accessKeyId, time.GetUtcNow()), cancellationToken);
    }

    private async Task RecordDeactivationAsync(IAccountSession session, UserSnapshot snapshot, string accessKeyId, CancellationToken cancellationToken)
    {
        var secretId = snapshot.Secret?.Arn ?? snapshot.SecretName;
        var tags = new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(accessKeyId, time.GetUtcNow()) };
        await session.Secrets.TagResourceAsync(secretId, tags, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AccountId} {UserName}: restoring {AccessKeyId} without a restore record, since the user's secret is not the rotator's: {Reason}")]
    private static partial void LogRestoreWithoutRecord(ILogger logger, string accountId, string userName, string accessKeyId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AccountId} {UserName}: {Reason}")]
    private static partial void LogUserSkipped(ILogger logger, string accountId, string userName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AccountId} {UserName}: {Text}")]
    private static partial void LogRotationDeferred(ILogger logger, string accountId, string userName, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Action} blocked for {AccountId} {UserName} {AccessKeyId}: {Error}")]
    private static partial void LogActionBlocked(ILogger logger, ActionKind action, string accountId, string userName, string? accessKeyId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Action} failed for {AccountId} {UserName} {AccessKeyId}: {Error} (AWS error {AwsErrorCode}, HTTP {HttpStatus}, request id {AwsRequestId})")]
    private static partial void LogActionFailed(ILogger logger, ActionKind action, string accountId, string userName, string? accessKeyId, string error, string? awsErrorCode, int? httpStatus, string? awsRequestId);
}
