using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Staging: every IAM and Secrets Manager call a rotation makes before its new key can be verified, and none after.
/// It runs under the account's IAM bound; verification and promotion follow outside it. The order keeps a key from
/// ever being readable by anyone but the user and the rotator, and leaves a state the planner recognises after a
/// crash anywhere (docs/design.md, "A rotation, call by call"):
/// <list type="number">
/// <item>the secret: a user's first one is created empty, with the attempt record in its tags, then protected by its
/// resource policy (and given its rotation schedule when configured); an existing one must carry the rotator's exact
/// resource policy (else nothing happens), and the attempt record is written on it;</item>
/// <item>CreateAccessKey;</item>
/// <item>PutSecretValue: AWSPENDING beside the current version, or AWSCURRENT in a secret that has none yet.</item>
/// </list>
/// </summary>
internal sealed partial class KeyStager(RotationConfig config, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Stages a new key for the user of <paramref name="snapshot"/>; null when another rotation got there first (IAM
    /// refused a third key, or another run wrote the user's secret since this sweep read it). <paramref name="replacedKeyId"/> is the key the new one replaces; with
    /// <paramref name="recordReplacedKeyDeactivation"/> its deactivation record goes into the attempt's tag write
    /// (the plan deactivates it right after the promotion). <paramref name="ownershipVerified"/>: this run already
    /// checked the existing secret's policy (<see cref="EnsureRecordsAreOursAsync(IAccountSession, UserSnapshot, CancellationToken)"/>), so it is not read twice.
    /// </summary>
    public async Task<StagedKey?> StageNewKeyAsync(IAccountSession session, UserSnapshot snapshot, string? replacedKeyId, bool recordReplacedKeyDeactivation, bool ownershipVerified, CancellationToken cancellationToken)
    {
        var attempt = ManagedSecret.AttemptTags(time.GetUtcNow(), replacedKeyId, recordReplacedKeyDeactivation);
        var secret = snapshot.Secret is { } existing
            ? await PrepareExistingAsync(session, snapshot, existing, describedNow: false, ownershipVerified, attempt, cancellationToken)
            : await CreateSecretAsync(session, snapshot, replacedKeyId, attempt, cancellationToken);
        if (secret is null)
        {
            return null;
        }

        var key = await CreateKeyAsync(session, snapshot, cancellationToken);
        if (key is null)
        {
            return null;
        }

        var token = ManagedSecret.VersionTokenFor(snapshot.Facts.AccountId, snapshot.Facts.UserName, key.AccessKeyId);
        // A secret without a current version (looked at just now) takes the key as AWSCURRENT: nobody consumes it yet
        // (its first version would become current anyway; naming the stage keeps it so beside an empty version AWS
        // may have left). Otherwise the key waits in AWSPENDING until it is verified.
        var stage = secret.CurrentVersion is null ? SecretStages.Current : SecretStages.Pending;
        await StoreAsync(session, snapshot.SecretName, secret.Arn, key, token, stage, cancellationToken);
        return new StagedKey(key, secret.Arn, token, secret.CurrentVersion ?? token);
    }

    /// <summary>CompleteRotation: the key an interrupted rotation staged, read back from the secret's AWSPENDING version.</summary>
    public async Task<StagedKey> ReadStagedAsync(IAccountSession session, UserSnapshot snapshot, string expectedKeyId, CancellationToken cancellationToken)
    {
        var secretId = snapshot.Secret!.Arn;
        var version = snapshot.VersionWithStage(SecretStages.Pending)
            ?? throw new RotationStepException($"the secret {snapshot.SecretName} has no AWSPENDING version any more; the next sweep re-plans");
        var key = await ReadKeyAsync(session, secretId, version, cancellationToken);
        if (key is null || key.AccessKeyId != expectedKeyId)
        {
            throw new RotationStepException($"the AWSPENDING version of {snapshot.SecretName} does not hold key {expectedKeyId}; the next sweep re-plans");
        }

        return new StagedKey(key, secretId, version, snapshot.VersionWithStage(SecretStages.Current));
    }

    /// <summary>
    /// A Secrets Manager rotation whose createSecret was interrupted (the process killed, a timeout) leaves AWSPENDING
    /// on an empty version, and Secrets Manager then refuses every later rotation of the secret (API_RotateSecret). A
    /// sweep takes the label off (AWS's advice for a rotation that stopped, CancelRotateSecret) once no rotation of the
    /// rotator can still be running: no attempt recorded in the last <see cref="Planner.OrphanGracePeriod"/> (an
    /// invocation lasts at most 15 minutes). Only on a secret whose records are the rotator's; a failure is logged, and
    /// the next sweep tries again.
    /// </summary>
    public async Task EndAbandonedRotationAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.EmptyPendingVersion is not { } version || snapshot.Secret is not { } secret
            || snapshot.Facts.Secret?.AttemptedAt is { } attemptedAt && time.GetUtcNow() - attemptedAt < Planner.OrphanGracePeriod)
        {
            return;
        }

        try
        {
            await EnsureRecordsAreOursAsync(session, snapshot, cancellationToken);
            await session.Secrets.UpdateSecretVersionStageAsync(secret.Arn, SecretStages.Pending, moveToVersionId: null, removeFromVersionId: version, cancellationToken);
            LogAbandonedRotationEnded(logger, snapshot.SecretName, version);
        }
        catch (Exception ex) when (ex is AwsException or RotationStepException)
        {
            LogAbandonedRotationNotEnded(logger, snapshot.SecretName, version, ex.Message);
        }
    }

    /// <summary>The access key a version of the secret holds; null when it holds no value, or one OrgKeyRotation did not write.</summary>
    public static async Task<NewAccessKey?> ReadKeyAsync(IAccountSession session, string secretId, string version, CancellationToken cancellationToken)
    {
        var value = await session.Secrets.GetSecretValueAsync(secretId, version, null, cancellationToken);
        return value is null ? null : ManagedSecret.Parse(value.SecretString);
    }

    /// <summary>
    /// Secrets Manager's createSecret step: a new key replacing <paramref name="replacedKeyId"/>, staged AWSPENDING under
    /// the token Secrets Manager chose, in a secret that must be the rotator's, with the attempt recorded first.
    /// Verification and promotion are the testSecret and finishSecret steps. Null when IAM refused a third key.
    /// <paramref name="ownershipVerified"/>: the step's slot-freeing deletions checked the secret's policy already.
    /// </summary>
    public async Task<NewAccessKey?> CreateAndStageAsync(IAccountSession session, UserSnapshot snapshot, SecretDescription secret, string token, string? replacedKeyId, bool ownershipVerified, CancellationToken cancellationToken)
    {
        // Described by the step just now: never null (only a stale view of a secret is looked at again).
        await PrepareExistingAsync(session, snapshot, secret, describedNow: true, ownershipVerified, ManagedSecret.AttemptTags(time.GetUtcNow(), replacedKeyId, deactivatesReplacedKey: false), cancellationToken);
        var key = await CreateKeyAsync(session, snapshot, cancellationToken);
        if (key is not null)
        {
            await StoreAsync(session, snapshot.SecretName, secret.Arn, key, token, SecretStages.Pending, cancellationToken);
        }

        return key;
    }

    /// <summary>
    /// An existing secret: refused unless it is the rotator's; then the attempt is recorded on it. A secret that
    /// showed no AWSCURRENT version is looked at again first (<paramref name="describedNow"/>: it was just now): an
    /// account's listing can be minutes stale, and only a secret that really has no current version may take an
    /// unverified key as AWSCURRENT. Null when it has one after all: another run wrote it since this sweep looked.
    /// </summary>
    private async Task<SecretTarget?> PrepareExistingAsync(IAccountSession session, UserSnapshot snapshot, SecretDescription secret, bool describedNow, bool ownershipVerified, IReadOnlyDictionary<string, string> attempt, CancellationToken cancellationToken)
    {
        if (!describedNow && secret.VersionWithStage(SecretStages.Current) is null)
        {
            secret = await session.Secrets.DescribeSecretAsync(secret.Arn, cancellationToken)
                ?? throw new RotationStepException($"secret {snapshot.SecretName} disappeared while the rotation started; no key was created, and the next sweep looks again");
            describedNow = true;
            if (secret.VersionWithStage(SecretStages.Current) is not null)
            {
                return null;
            }
        }

        if (!ownershipVerified)
        {
            await EnsureOwnedAsync(session, snapshot, secret, describedNow, cancellationToken);
        }
        else
        {
            await CompleteInterruptedScheduleAsync(session, snapshot, secret, cancellationToken);
        }

        await session.Secrets.TagResourceAsync(secret.Arn, attempt, cancellationToken);
        return new SecretTarget(secret.Arn, secret.VersionWithStage(SecretStages.Current));
    }

    /// <summary>
    /// A secret is the rotator's only when its resource policy is exactly the one the rotator sets for this user
    /// (docs/security.md): labels can be set by anyone allowed TagResource, the policy only by the rotator once it is
    /// in place. One exception: a secret with the labels, no policy and no version at all is the rotator's own
    /// creation interrupted before PutResourcePolicy; its creation is finished (policy first). Taking over such a
    /// secret exposes nothing: it holds no value, and once the policy is on, nobody else can read or change it.
    /// </summary>
    private async Task EnsureOwnedAsync(IAccountSession session, UserSnapshot snapshot, SecretDescription secret, bool describedNow, CancellationToken cancellationToken)
    {
        var policy = await session.Secrets.GetResourcePolicyAsync(secret.Arn, cancellationToken);
        if (ManagedSecret.IsRotatorPolicy(policy, snapshot.User.Arn, session.PrincipalArn))
        {
            await CompleteInterruptedScheduleAsync(session, snapshot, secret, cancellationToken);
            return;
        }

        if (policy is null && ManagedSecret.IsManaged(secret))
        {
            // A listing may be stale: decide on a fresh look.
            var now = describedNow ? secret : await session.Secrets.DescribeSecretAsync(secret.Arn, cancellationToken);
            if (now is { VersionIdsToStages.Count: 0, DeletedDate: null })
            {
                LogFinishingCreation(logger, snapshot.Facts.AccountId, snapshot.Facts.UserName, snapshot.SecretName);
                await ProtectNewSecretAsync(session, snapshot, secret.Arn, cancellationToken);
                return;
            }
        }

        var found = policy is null ? "it has no resource policy but holds versions, so it was not created empty by the rotator" : ForeignPolicy(session, snapshot.User.Arn);
        throw NotTheRotators(snapshot.SecretName, $"{found}. No key was created and nothing was written to it");
    }

    /// <summary>A creation interrupted after the policy: its rotation schedule may be missing (RotateSecret is idempotent).</summary>
    private async Task CompleteInterruptedScheduleAsync(IAccountSession session, UserSnapshot snapshot, SecretDescription secret, CancellationToken cancellationToken)
    {
        if (secret.VersionIdsToStages.Count == 0 && config.Secrets.RotationLambdaArn is not null)
        {
            await TurnOnRotationScheduleAsync(session, snapshot, secret.Arn, cancellationToken);
        }
    }

    /// <summary>
    /// Before an action that trusts the secret's labels and records (deleting an orphan, deactivating or deleting the
    /// previous key, completing a staged rotation): the secret must carry exactly the rotator's resource policy.
    /// Labels and tags can be set by anyone allowed TagResource on a secret they created under the user's name; with
    /// forged records such a secret could make a person's key look like the rotator's orphan or previous key. Stricter
    /// than <see cref="EnsureOwnedAsync"/>: a policy-less secret is never finished here, since the rotator creates no
    /// key before its secret's policy is on, so no key can be an orphan or a previous key of such a secret.
    /// </summary>
    public static Task EnsureRecordsAreOursAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken) =>
        // No secret, no records: the planner never deletes or deactivates a key on their word then.
        snapshot.Secret is { } secret
            ? EnsureRecordsAreOursAsync(session, secret.Arn, snapshot.SecretName, snapshot.User.Arn, "No key was deactivated or deleted", cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// The same check for a secret known by name and ARN (Secrets Manager's finishSecret step, which reads no
    /// snapshot); <paramref name="spared"/> says what the refusal left undone.
    /// </summary>
    public static async Task EnsureRecordsAreOursAsync(IAccountSession session, string secretArn, string secretName, string userArn, string spared, CancellationToken cancellationToken)
    {
        var policy = await session.Secrets.GetResourcePolicyAsync(secretArn, cancellationToken);
        if (!ManagedSecret.IsRotatorPolicy(policy, userArn, session.PrincipalArn))
        {
            var found = policy is null ? "it has no resource policy" : ForeignPolicy(session, userArn);
            throw NotTheRotators(secretName, $"{found}, so its labels and records cannot be trusted. {spared}");
        }
    }

    private static string ForeignPolicy(IAccountSession session, string userArn) =>
        $"its resource policy is not the one the rotator sets for user {userArn} and rotator {session.PrincipalArn}";

    /// <summary>The one refusal of a secret that is not the rotator's: what was found and spared, then what to do.</summary>
    private static RotationStepException NotTheRotators(string secretName, string findingAndEffect) => new(
        $"secret {secretName} is not the rotator's: {findingAndEffect}. "
        + "If the rotator created it, restore its resource policy (docs/security.md); otherwise delete the secret (or change secrets.nameTemplate), and the next sweep creates the user's secret anew")
    {
        NeedsPerson = true,
    };

    /// <summary>
    /// A user's first secret: created empty, with the attempt's records in its tags, then protected. Null when another
    /// run created it and stored a key in it since this sweep looked.
    /// </summary>
    private async Task<SecretTarget?> CreateSecretAsync(IAccountSession session, UserSnapshot snapshot, string? adoptedKeyId, IReadOnlyDictionary<string, string> attempt, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        string arn;
        try
        {
            arn = await session.Secrets.CreateSecretAsync(
                new CreateSecretRequest(
                    snapshot.SecretName,
                    $"IAM access key of {facts.UserName} in {facts.AccountId}, rotated by OrgKeyRotation",
                    config.Secrets.KmsKeyId,
                    ManagedSecret.CreationTags(facts.AccountId, facts.UserName, adoptedKeyId, attempt)),
                cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.ResourceExists)
        {
            // Created since we looked (or our own creation whose answer was lost): the secret must be ours, like any
            // existing one, and no key exists yet.
            var now = await session.Secrets.DescribeSecretAsync(snapshot.SecretName, cancellationToken);
            if (now is null || !ManagedSecret.IsManaged(now) || now.DeletedDate is not null)
            {
                throw new RotationStepException($"a secret named {snapshot.SecretName} appeared while the rotation started, and it is not one the rotator can write (no {ManagedSecret.ManagedTag} tag, or scheduled for deletion). No key was created; the next sweep looks again");
            }

            return now.VersionWithStage(SecretStages.Current) is not null
                ? null
                : await PrepareExistingAsync(session, snapshot, now, describedNow: true, ownershipVerified: false, attempt, cancellationToken);
        }

        await ProtectNewSecretAsync(session, snapshot, arn, cancellationToken);
        return new SecretTarget(arn, CurrentVersion: null);
    }

    /// <summary>
    /// The resource policy (only the IAM user and the rotator may read the secret), then the rotation schedule when
    /// one is configured. Both run before any key exists: a failure leaves an empty secret, which the next sweep
    /// finishes (<see cref="EnsureOwnedAsync"/>).
    /// </summary>
    private async Task ProtectNewSecretAsync(IAccountSession session, UserSnapshot snapshot, string secretId, CancellationToken cancellationToken)
    {
        try
        {
            await session.Secrets.PutResourcePolicyAsync(secretId, ManagedSecret.ResourcePolicy(snapshot.User.Arn, session.PrincipalArn), cancellationToken);
        }
        catch (AwsException ex)
        {
            throw new RotationStepException(
                $"secret {snapshot.SecretName} was created, but its resource policy could not be applied ({ex.Message}). No key was created; the next sweep applies the policy first, then rotates");
        }

        if (config.Secrets.RotationLambdaArn is not null)
        {
            await TurnOnRotationScheduleAsync(session, snapshot, secretId, cancellationToken);
        }
    }

    /// <summary>
    /// RotateSecret with the configured function, every maxKeyAgeDays days, not at once. AWS then runs the function's
    /// testSecret step on a temporary AWSPENDING version, which the rotator answers without touching any key.
    /// </summary>
    private async Task TurnOnRotationScheduleAsync(IAccountSession session, UserSnapshot snapshot, string secretId, CancellationToken cancellationToken)
    {
        var days = Math.Clamp(config.Policy.MaxKeyAgeDays, 1, 1000);
        try
        {
            await session.Secrets.RotateSecretAsync(secretId, config.Secrets.RotationLambdaArn!, days, rotateImmediately: false, cancellationToken);
        }
        catch (AwsException ex)
        {
            throw new RotationStepException(
                $"secret {snapshot.SecretName} was created and protected, but its rotation schedule could not be turned on with {config.Secrets.RotationLambdaArn} ({ex.Message}). No key was created; the next sweep turns the schedule on first, then rotates");
        }
    }

    /// <summary>CreateAccessKey; null when IAM's two-key limit refuses it.</summary>
    private async Task<NewAccessKey?> CreateKeyAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        try
        {
            var key = await session.Iam.CreateAccessKeyAsync(facts.UserName, cancellationToken);
            LogKeyCreated(logger, key.AccessKeyId, facts.AccountId, facts.UserName);
            return key;
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.LimitExceeded)
        {
            // IAM's two-key limit is the lock: another sweep (or a person) created a key since we looked.
            return null;
        }
    }

    /// <summary>
    /// PutSecretValue under <paramref name="token"/>. When it fails, the write may still have gone through (a lost
    /// answer after the layer's retries): the secret is looked at before the key is deleted. A key that is stored
    /// stays, whatever the call said; one that is certainly not stored is deleted; one whose fate is unknown is left,
    /// and the next sweep finishes it (stored) or deletes it as an orphan of the recorded attempt.
    /// </summary>
    private async Task StoreAsync(IAccountSession session, string secretName, string secretId, NewAccessKey key, string token, string stage, CancellationToken cancellationToken)
    {
        try
        {
            await session.Secrets.PutSecretValueAsync(secretId, token, ManagedSecret.Serialize(key, session.AccountId), [stage], cancellationToken);
            return;
        }
        catch (AwsException ex)
        {
            bool? stored;
            try
            {
                var now = await session.Secrets.DescribeSecretAsync(secretId, cancellationToken);
                stored = now?.VersionIdsToStages.ContainsKey(token) == true;
            }
            catch (AwsException)
            {
                // DescribeSecret is idempotent: the AWS layer never reports an ambiguous outcome for it.
                stored = null;
            }

            if (stored == true)
            {
                LogStoredDespiteFailure(logger, key.AccessKeyId, secretName, ex.Message);
                return;
            }

            if (stored == false)
            {
                // The new key is in no secret: remove it now rather than leave an orphan for the next sweep.
                await TryDeleteAsync(session, key.UserName, key.AccessKeyId, cancellationToken);
                throw;
            }

            throw new RotationStepException(
                $"storing new key {key.AccessKeyId} in {secretName} failed ({ex.Message}), and whether it was stored could not be checked; the key is kept: the next sweep completes the rotation if the secret holds it, or deletes the key as an orphan of the recorded attempt");
        }
    }

    private async Task TryDeleteAsync(IAccountSession session, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        try
        {
            await UserExecutor.DeleteAsync(session, userName, accessKeyId, cancellationToken);
        }
        catch (AwsException ex)
        {
            LogUnstoredKeyNotDeleted(logger, accessKeyId, userName, ex.Message);
        }
    }

    /// <summary>The secret a new key goes into, and the version AWSCURRENT held before it (null: none).</summary>
    private sealed record SecretTarget(string Arn, string? CurrentVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {SecretName} held AWSPENDING on the empty version {Version} of a Secrets Manager rotation that stopped: the label is taken off, so that Secrets Manager's next rotation can start")]
    private static partial void LogAbandonedRotationEnded(ILogger logger, string secretName, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {SecretName} holds AWSPENDING on the empty version {Version} of a Secrets Manager rotation that stopped, and the label could not be taken off ({Error}); the next sweep tries again")]
    private static partial void LogAbandonedRotationNotEnded(ILogger logger, string secretName, string version, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AccountId} {UserName}: secret {SecretName} has no resource policy and no version: finishing its interrupted creation")]
    private static partial void LogFinishingCreation(ILogger logger, string accountId, string userName, string secretName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created key {AccessKeyId} for {AccountId} {UserName}")]
    private static partial void LogKeyCreated(ILogger logger, string accessKeyId, string accountId, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing key {AccessKeyId} in {SecretName} reported a failure ({Error}), but the secret holds its version: the rotation goes on")]
    private static partial void LogStoredDespiteFailure(ILogger logger, string accessKeyId, string secretName, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not delete unstored key {AccessKeyId} of {UserName}: {Error}. The next sweep deletes it as an orphan of the recorded attempt")]
    private static partial void LogUnstoredKeyNotDeleted(ILogger logger, string accessKeyId, string userName, string error);
}
