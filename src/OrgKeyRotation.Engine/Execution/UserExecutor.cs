using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Secrets;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Carries out one user's plan, action by action, stopping at the first failure so that nothing runs on top of a
/// state it did not expect. Each step leaves AWS in a state the planner recognises, so a crash anywhere converges
/// on the next sweep (docs/design.md).
/// </summary>
internal sealed class UserExecutor(RotationConfig config, KeyVerifier verifier, AlertPublisher alerts, TimeProvider time, ILogger logger)
{
    public async Task<IReadOnlyList<ActionResult>> ExecuteAsync(IAccountSession session, UserSnapshot snapshot, UserPlan plan, string sweepId, CancellationToken cancellationToken)
    {
        var results = new List<ActionResult>(plan.Actions.Count);
        var failed = false;
        foreach (var action in plan.Actions)
        {
            if (failed)
            {
                results.Add(new ActionResult(Map(action.Kind), Outcome.Skipped, "not attempted: an earlier step for this user failed", action.AccessKeyId));
                continue;
            }

            var result = await ExecuteOneAsync(session, snapshot, action, sweepId, cancellationToken);
            failed = result.Outcome == Outcome.Failed;
            results.Add(result);
        }

        return results;
    }

    public static ActionKind Map(PlannedActionKind kind) => kind switch
    {
        PlannedActionKind.Rotate => ActionKind.Rotate,
        PlannedActionKind.CompleteRotation => ActionKind.CompleteRotation,
        PlannedActionKind.Deactivate => ActionKind.Deactivate,
        PlannedActionKind.Delete => ActionKind.Delete,
        PlannedActionKind.Reactivate => ActionKind.Reactivate,
        PlannedActionKind.RecordDeactivation => ActionKind.RecordDeactivation,
        PlannedActionKind.Warn or PlannedActionKind.Block => ActionKind.Warn,
        PlannedActionKind.Skip => ActionKind.Skip,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no result kind for this planned action"),
    };

    private async Task<ActionResult> ExecuteOneAsync(IAccountSession session, UserSnapshot snapshot, PlannedAction action, string sweepId, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        var kind = Map(action.Kind);
        Alert AlertOf(AlertEvent e, string title, string detail, string? keyId = null) =>
            new(e, sweepId, facts.AccountId, facts.UserName, keyId ?? action.AccessKeyId, snapshot.Owner, title, detail);

        try
        {
            switch (action.Kind)
            {
                case PlannedActionKind.Skip:
                    return new ActionResult(kind, Outcome.Skipped, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Warn:
                    alerts.Add(AlertOf(AlertEvent.Warning, $"{facts.AccountId}/{facts.UserName} needs attention", action.Reason));
                    return new ActionResult(kind, Outcome.Skipped, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Block:
                    alerts.Add(AlertOf(AlertEvent.Failed, $"{facts.AccountId}/{facts.UserName}: manual action needed", action.Reason));
                    return new ActionResult(kind, Outcome.Failed, action.Reason, action.AccessKeyId, Error: "manual action needed: " + action.Reason);
                case PlannedActionKind.Delete:
                    await DeleteAsync(session, facts.UserName, action.AccessKeyId!, cancellationToken);
                    alerts.Add(AlertOf(AlertEvent.Deleted, $"key deleted for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Deactivate:
                    await DeactivateAsync(session, snapshot, action.AccessKeyId!, cancellationToken);
                    alerts.Add(AlertOf(AlertEvent.Deactivated, $"old key deactivated for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.RecordDeactivation:
                    await RecordDeactivationAsync(session, snapshot, action.AccessKeyId!, cancellationToken);
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Reactivate:
                    await session.Iam.UpdateAccessKeyAsync(facts.UserName, action.AccessKeyId!, AccessKeyStatus.Active, cancellationToken);
                    alerts.Add(AlertOf(AlertEvent.Restored, $"key re-activated for {facts.AccountId}/{facts.UserName}", action.Reason));
                    return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId);
                case PlannedActionKind.Rotate:
                    return await RotateAsync(session, snapshot, action, AlertOf, cancellationToken);
                case PlannedActionKind.CompleteRotation:
                    return await CompleteRotationAsync(session, snapshot, action, AlertOf, cancellationToken);
                default:
                    throw new InvalidOperationException($"unknown action {action.Kind}");
            }
        }
        catch (Exception ex) when (ex is AwsServiceException or AmbiguousOutcomeException or AwsTransportException or RotationStepException)
        {
            var error = ex.Message;
            logger.LogError("{Action} failed for {AccountId} {UserName} {AccessKeyId}: {Error}", kind, facts.AccountId, facts.UserName, action.AccessKeyId, error);
            alerts.Add(AlertOf(AlertEvent.Failed, $"{kind} failed for {facts.AccountId}/{facts.UserName}", $"{action.Reason}\n\nFailed: {error}"));
            return new ActionResult(kind, Outcome.Failed, action.Reason, action.AccessKeyId, Error: error);
        }
    }

    private static async Task DeleteAsync(IAccountSession session, string userName, string accessKeyId, CancellationToken cancellationToken)
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

    private async Task DeactivateAsync(IAccountSession session, UserSnapshot snapshot, string accessKeyId, CancellationToken cancellationToken)
    {
        // Tag first: a crash before the status change leaves an active key the next sweep deactivates again,
        // never an inactive key without a deletion clock.
        await RecordDeactivationAsync(session, snapshot, accessKeyId, cancellationToken);
        await session.Iam.UpdateAccessKeyAsync(snapshot.Facts.UserName, accessKeyId, AccessKeyStatus.Inactive, cancellationToken);
    }

    private async Task RecordDeactivationAsync(IAccountSession session, UserSnapshot snapshot, string accessKeyId, CancellationToken cancellationToken)
    {
        var secretId = snapshot.Secret?.Arn ?? snapshot.SecretName;
        var tags = new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(accessKeyId, time.GetUtcNow()) };
        await session.Secrets.TagResourceAsync(secretId, tags, cancellationToken);
    }

    private async Task<ActionResult> RotateAsync(IAccountSession session, UserSnapshot snapshot, PlannedAction action, Func<AlertEvent, string, string, string?, Alert> alertOf, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        if (snapshot.Secret is not null && snapshot.VersionWithStage(SecretStages.Current) is null)
        {
            // A secret without a current version was left by an interrupted first rotation of an older release:
            // make sure its resource policy is there. Setting it is idempotent.
            await ApplyResourcePolicyAsync(session, snapshot, snapshot.Secret.Arn, cancellationToken);
        }

        NewAccessKey key;
        try
        {
            key = await session.Iam.CreateAccessKeyAsync(facts.UserName, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.LimitExceeded)
        {
            // IAM's two-key limit is the lock: another sweep (or a person) created a key since we looked.
            var reason = "another rotation is in progress for this user: IAM refused a third key; the next sweep continues";
            logger.LogWarning("{AccountId} {UserName}: {Reason}", facts.AccountId, facts.UserName, reason);
            return new ActionResult(ActionKind.Rotate, Outcome.Skipped, reason, action.AccessKeyId);
        }

        logger.LogInformation("Created key {AccessKeyId} for {AccountId} {UserName}", key.AccessKeyId, facts.AccountId, facts.UserName);
        var token = ManagedSecret.VersionTokenFor(facts.AccountId, facts.UserName, key.AccessKeyId);
        string secretId;
        bool created;
        try
        {
            (secretId, created) = await StoreAsync(session, snapshot, key, token, action.AccessKeyId, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException or RotationStepException)
        {
            // The new key is in no secret: remove it now rather than leave an orphan for the next sweep.
            await TryDeleteAsync(session, facts.UserName, key.AccessKeyId, cancellationToken);
            throw;
        }

        if (created)
        {
            // After the value: the key is already safe in the secret, so a failure here fails the action but never
            // strands the key.
            try
            {
                await ApplyResourcePolicyAsync(session, snapshot, secretId, cancellationToken);
            }
            catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException)
            {
                throw new RotationStepException(
                    $"key {key.AccessKeyId} is stored in {snapshot.SecretName}, but the secret's resource policy could not be applied ({ex.Message}): apply the policy by hand (docs/security.md)");
            }
        }

        return await VerifyAndPromoteAsync(session, snapshot, secretId, token, key, action, alertOf, cancellationToken);
    }

    /// <summary>
    /// Puts the new key in the user's secret under its derived token: staged AWSPENDING in an existing secret, or as
    /// the first version of a new one (one CreateSecret call instead of CreateSecret plus PutSecretValue).
    /// </summary>
    private async Task<(string SecretId, bool Created)> StoreAsync(IAccountSession session, UserSnapshot snapshot, NewAccessKey key, string token, string? adoptedKeyId, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        var value = ManagedSecret.Serialize(key, facts.AccountId);
        if (snapshot.Secret is { } existing)
        {
            await session.Secrets.PutSecretValueAsync(existing.Arn, token, value, [SecretStages.Pending], cancellationToken);
            return (existing.Arn, false);
        }

        try
        {
            var arn = await session.Secrets.CreateSecretAsync(
                new CreateSecretRequest(
                    snapshot.SecretName,
                    $"IAM access key of {facts.UserName} in {facts.AccountId}, rotated by OrgKeyRotation",
                    config.Secrets.KmsKeyId,
                    ManagedSecret.CreationTags(facts.AccountId, facts.UserName, adoptedKeyId),
                    token,
                    value),
                cancellationToken);
            return (arn, true);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.ResourceExists)
        {
            // Created since we looked: only ever write into one of ours.
            var now = await session.Secrets.DescribeSecretAsync(snapshot.SecretName, cancellationToken);
            if (now is null || !ManagedSecret.IsManaged(now))
            {
                throw new RotationStepException($"a secret named {snapshot.SecretName} exists but was not created by OrgKeyRotation; it is never overwritten. Delete or rename it, or change secrets.nameTemplate");
            }

            await session.Secrets.PutSecretValueAsync(now.Arn, token, value, [SecretStages.Pending], cancellationToken);
            return (now.Arn, false);
        }
    }

    /// <summary>
    /// Secrets Manager's createSecret step: a new key staged AWSPENDING under the token Secrets Manager chose.
    /// Verification and promotion are the testSecret and finishSecret steps.
    /// </summary>
    public async Task<NewAccessKey> CreateAndStageAsync(IAccountSession session, UserSnapshot snapshot, string secretId, string token, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        var key = await session.Iam.CreateAccessKeyAsync(facts.UserName, cancellationToken);
        try
        {
            await session.Secrets.PutSecretValueAsync(secretId, token, ManagedSecret.Serialize(key, facts.AccountId), [SecretStages.Pending], cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException)
        {
            await TryDeleteAsync(session, facts.UserName, key.AccessKeyId, cancellationToken);
            throw;
        }

        return key;
    }

    private async Task<ActionResult> CompleteRotationAsync(IAccountSession session, UserSnapshot snapshot, PlannedAction action, Func<AlertEvent, string, string, string?, Alert> alertOf, CancellationToken cancellationToken)
    {
        var secretId = snapshot.Secret!.Arn;
        var version = snapshot.VersionWithStage(SecretStages.Pending)
            ?? throw new RotationStepException($"the secret {snapshot.SecretName} has no AWSPENDING version any more; the next sweep re-plans");
        var value = await session.Secrets.GetSecretValueAsync(secretId, version, null, cancellationToken);
        var key = value is null ? null : ManagedSecret.Parse(value.SecretString);
        if (key is null || key.AccessKeyId != action.AccessKeyId)
        {
            throw new RotationStepException($"the AWSPENDING version of {snapshot.SecretName} does not hold key {action.AccessKeyId}; the next sweep re-plans");
        }

        return await VerifyAndPromoteAsync(session, snapshot, secretId, version, key, action, alertOf, cancellationToken);
    }

    private async Task<ActionResult> VerifyAndPromoteAsync(IAccountSession session, UserSnapshot snapshot, string secretId, string pendingVersion, NewAccessKey key, PlannedAction action, Func<AlertEvent, string, string, string?, Alert> alertOf, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        var kind = Map(action.Kind);
        var problem = await verifier.VerifyAsync(facts.AccountId, facts.UserName, key, cancellationToken);
        if (problem is not null)
        {
            // AWSCURRENT stays on the old key, which stays active: consumers are unaffected. The staged key is
            // verified again by the next sweep (CompleteRotation).
            var text = $"{problem}. AWSCURRENT still holds the old key, which stays active.";
            alerts.Add(alertOf(AlertEvent.Failed, $"new key failed verification for {facts.AccountId}/{facts.UserName}", text, key.AccessKeyId));
            return new ActionResult(kind, Outcome.Failed, action.Reason, action.AccessKeyId, key.AccessKeyId, text);
        }

        await PromoteAsync(session, snapshot, secretId, pendingVersion, cancellationToken);
        logger.LogInformation("Rotated {AccountId} {UserName}: {AccessKeyId} replaces {OldAccessKeyId}", facts.AccountId, facts.UserName, key.AccessKeyId, action.AccessKeyId);
        alerts.Add(alertOf(AlertEvent.Rotated, $"key rotated for {facts.AccountId}/{facts.UserName}",
            $"New key {key.AccessKeyId} is in secret {snapshot.SecretName} (AWSCURRENT). Old key {action.AccessKeyId ?? "-"} stays active for {config.Policy.DeactivateAfterDays} days. {action.Reason}", key.AccessKeyId));
        return new ActionResult(kind, Outcome.Succeeded, action.Reason, action.AccessKeyId, key.AccessKeyId);
    }

    private static async Task PromoteAsync(IAccountSession session, UserSnapshot snapshot, string secretId, string pendingVersion, CancellationToken cancellationToken)
    {
        var currentVersion = snapshot.VersionWithStage(SecretStages.Current);
        if (currentVersion is null || currentVersion == pendingVersion)
        {
            // Secrets Manager makes the first version of a secret AWSCURRENT by itself.
            return;
        }

        try
        {
            await session.Secrets.UpdateSecretVersionStageAsync(secretId, SecretStages.Current, pendingVersion, currentVersion, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.InvalidRequest)
        {
            // AWSCURRENT moved since we looked; fine only if it moved to our version (a concurrent promotion).
            var now = await session.Secrets.DescribeSecretAsync(secretId, cancellationToken);
            if (now?.VersionWithStage(SecretStages.Current) != pendingVersion)
            {
                throw;
            }
        }
    }

    private static async Task ApplyResourcePolicyAsync(IAccountSession session, UserSnapshot snapshot, string secretId, CancellationToken cancellationToken) =>
        await session.Secrets.PutResourcePolicyAsync(secretId, ManagedSecret.ResourcePolicy(snapshot.User.Arn, session.PrincipalArn), cancellationToken);

    private async Task TryDeleteAsync(IAccountSession session, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteAsync(session, userName, accessKeyId, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException)
        {
            logger.LogError("Could not delete unstaged key {AccessKeyId} of {UserName}: {Error}. The next sweep deletes it as an orphan", accessKeyId, userName, ex.Message);
        }
    }
}

/// <summary>A rotation step found AWS in a state it cannot continue from; the message says what and what happens next.</summary>
public sealed class RotationStepException(string message) : Exception(message);
