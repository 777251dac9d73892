using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Secrets;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Staging: every IAM and Secrets Manager call a rotation makes before its new key can be verified, and none after.
/// It runs under the account's IAM bound; verification and promotion follow outside it. The steps, in order:
/// prepare (what must hold before a key exists), create the key, store it (AWSPENDING, or a new secret's first
/// version), protect a new secret. Each leaves a state the planner recognises (docs/design.md).
/// </summary>
internal sealed class KeyStager(RotationConfig config, ILogger logger)
{
    /// <summary>
    /// Stages a new key for the user of <paramref name="snapshot"/>; null when IAM refused a third key (another
    /// rotation got there first). <paramref name="replacedKeyId"/> is the key the new one replaces.
    /// </summary>
    public async Task<StagedKey?> StageNewKeyAsync(IAccountSession session, UserSnapshot snapshot, string? replacedKeyId, CancellationToken cancellationToken)
    {
        await PrepareAsync(session, snapshot, cancellationToken);
        var key = await CreateKeyAsync(session, snapshot, cancellationToken);
        if (key is null)
        {
            return null;
        }

        var token = ManagedSecret.VersionTokenFor(snapshot.Facts.AccountId, snapshot.Facts.UserName, key.AccessKeyId);
        StagedKey staged;
        bool created;
        try
        {
            (staged, created) = await StoreAsync(session, snapshot, key, token, replacedKeyId, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException or RotationStepException)
        {
            // The new key is in no secret: remove it now rather than leave an orphan for the next sweep.
            await TryDeleteAsync(session, snapshot.Facts.UserName, key.AccessKeyId, cancellationToken);
            throw;
        }

        if (created)
        {
            await ProtectNewSecretAsync(session, snapshot, staged, cancellationToken);
        }

        return staged;
    }

    /// <summary>CompleteRotation: the key an interrupted rotation staged, read back from the secret's AWSPENDING version.</summary>
    public async Task<StagedKey> ReadStagedAsync(IAccountSession session, UserSnapshot snapshot, string expectedKeyId, CancellationToken cancellationToken)
    {
        var secretId = snapshot.Secret!.Arn;
        var version = snapshot.VersionWithStage(SecretStages.Pending)
            ?? throw new RotationStepException($"the secret {snapshot.SecretName} has no AWSPENDING version any more; the next sweep re-plans");
        var value = await session.Secrets.GetSecretValueAsync(secretId, version, null, cancellationToken);
        var key = value is null ? null : ManagedSecret.Parse(value.SecretString);
        if (key is null || key.AccessKeyId != expectedKeyId)
        {
            throw new RotationStepException($"the AWSPENDING version of {snapshot.SecretName} does not hold key {expectedKeyId}; the next sweep re-plans");
        }

        return new StagedKey(key, secretId, version, snapshot.VersionWithStage(SecretStages.Current));
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

    /// <summary>Applies the secret's resource policy: only the IAM user and the rotator may read it. Idempotent.</summary>
    public static Task ApplyResourcePolicyAsync(IAccountSession session, UserSnapshot snapshot, string secretId, CancellationToken cancellationToken) =>
        session.Secrets.PutResourcePolicyAsync(secretId, ManagedSecret.ResourcePolicy(snapshot.User.Arn, session.PrincipalArn), cancellationToken);

    /// <summary>What must hold before a new key exists.</summary>
    private static async Task PrepareAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Secret is not null && snapshot.VersionWithStage(SecretStages.Current) is null)
        {
            // A secret without a current version was left by an interrupted first rotation of an older release:
            // make sure its resource policy is there. Setting it is idempotent.
            await ApplyResourcePolicyAsync(session, snapshot, snapshot.Secret.Arn, cancellationToken);
        }
    }

    /// <summary>CreateAccessKey; null when IAM's two-key limit refuses it.</summary>
    private async Task<NewAccessKey?> CreateKeyAsync(IAccountSession session, UserSnapshot snapshot, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        try
        {
            var key = await session.Iam.CreateAccessKeyAsync(facts.UserName, cancellationToken);
            logger.LogInformation("Created key {AccessKeyId} for {AccountId} {UserName}", key.AccessKeyId, facts.AccountId, facts.UserName);
            return key;
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.LimitExceeded)
        {
            // IAM's two-key limit is the lock: another sweep (or a person) created a key since we looked.
            return null;
        }
    }

    /// <summary>
    /// Puts the new key in the user's secret under its derived token: staged AWSPENDING in an existing secret, or as
    /// the first version of a new one (one CreateSecret call instead of CreateSecret plus PutSecretValue).
    /// </summary>
    private async Task<(StagedKey Staged, bool Created)> StoreAsync(IAccountSession session, UserSnapshot snapshot, NewAccessKey key, string token, string? replacedKeyId, CancellationToken cancellationToken)
    {
        var facts = snapshot.Facts;
        var value = ManagedSecret.Serialize(key, facts.AccountId);
        if (snapshot.Secret is { } existing)
        {
            await session.Secrets.PutSecretValueAsync(existing.Arn, token, value, [SecretStages.Pending], cancellationToken);
            return (new StagedKey(key, existing.Arn, token, snapshot.VersionWithStage(SecretStages.Current)), false);
        }

        try
        {
            var arn = await session.Secrets.CreateSecretAsync(
                new CreateSecretRequest(
                    snapshot.SecretName,
                    $"IAM access key of {facts.UserName} in {facts.AccountId}, rotated by OrgKeyRotation",
                    config.Secrets.KmsKeyId,
                    ManagedSecret.CreationTags(facts.AccountId, facts.UserName, replacedKeyId),
                    token,
                    value),
                cancellationToken);
            return (new StagedKey(key, arn, token, CurrentVersion: null), true);
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
            return (new StagedKey(key, now.Arn, token, now.VersionWithStage(SecretStages.Current)), false);
        }
    }

    /// <summary>
    /// After the value: the key is already safe in the secret, so a failure here fails the action but never strands
    /// the key; the next rotation of the user applies the policy before anything else.
    /// </summary>
    private static async Task ProtectNewSecretAsync(IAccountSession session, UserSnapshot snapshot, StagedKey staged, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyResourcePolicyAsync(session, snapshot, staged.SecretId, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException or AmbiguousOutcomeException)
        {
            throw new RotationStepException(
                $"key {staged.Key.AccessKeyId} is stored in {snapshot.SecretName}, but the secret's resource policy could not be applied ({ex.Message}): apply it by hand (docs/security.md)");
        }
    }

    private async Task TryDeleteAsync(IAccountSession session, string userName, string accessKeyId, CancellationToken cancellationToken)
    {
        try
        {
            await UserExecutor.DeleteAsync(session, userName, accessKeyId, cancellationToken);
        }
        catch (Exception ex) when (ex is AwsServiceException or AwsTransportException)
        {
            logger.LogError("Could not delete unstaged key {AccessKeyId} of {UserName}: {Error}. The next sweep deletes it as an orphan", accessKeyId, userName, ex.Message);
        }
    }
}
