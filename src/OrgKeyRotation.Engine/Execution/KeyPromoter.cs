using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// A verified key to make current, for the user <paramref name="UserName"/> whose tags, as read in this run, are
/// <paramref name="UserTags"/> (they name the owner); <paramref name="ReplacedKeyId"/> the key AWSCURRENT held (null: none, or not one OrgKeyRotation wrote);
/// <paramref name="ReplacedKeyDeactivatedRightAfter"/> says the plan deactivates it right after the promotion;
/// <paramref name="LaterRun"/> that the key was created by an earlier run (CompleteRotation, finishSecret), so the
/// hand-off is recorded; <paramref name="Why"/> is the reason the rotation happened, for the alert.
/// </summary>
internal sealed record Promotion(
    string SweepId,
    string AccountId,
    string UserName,
    IReadOnlyDictionary<string, string> UserTags,
    string SecretName,
    StagedKey Staged,
    string? ReplacedKeyId,
    bool ReplacedKeyDeactivatedRightAfter,
    bool LaterRun,
    string Why);

/// <summary>
/// Promotion: the one step that makes a verified key the secret's AWSCURRENT, for a sweep's Rotate and
/// CompleteRotation and for Secrets Manager's finishSecret alike, and the one "rotated" alert that tells the key's
/// owner where the new key is and what happens to the old one. Ownership is checked before (by the stager, or by the
/// step); nothing here reads the user's keys.
/// </summary>
internal sealed partial class KeyPromoter(RotationConfig config, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Records the hand-off (a later run), moves AWSCURRENT to the key's version (AWSPREVIOUS follows), then raises the
    /// rotated alert. A key stored as the secret's first version is current already: only the alert follows. Throws
    /// the AWS layer's exception when a call fails; nothing is alerted then, the caller reports the failure.
    /// </summary>
    public async Task PromoteAsync(IAccountSession session, Promotion promotion, AlertPublisher alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(promotion);
        ArgumentNullException.ThrowIfNull(alerts);
        var staged = promotion.Staged;
        if (!staged.CurrentAlready)
        {
            if (promotion.LaterRun)
            {
                // The old key's clock starts now, not at the new key's CreateDate.
                await session.Secrets.TagResourceAsync(staged.SecretId, ManagedSecret.HandOffTags(staged.Key.AccessKeyId, time.GetUtcNow()), cancellationToken);
            }

            await MoveCurrentAsync(session, staged, cancellationToken);
        }

        LogRotated(logger, promotion.AccountId, promotion.UserName, staged.Key.AccessKeyId, promotion.ReplacedKeyId);
        alerts.Add(RotatedAlert(promotion));
    }

    /// <summary>The rotated alert: for the owner, naming the secret (with its ARN and read command) and the old key's fate.</summary>
    internal Alert RotatedAlert(Promotion promotion)
    {
        var user = new AlertUser(promotion.AccountId, promotion.UserName, AlertUser.OwnerIn(promotion.UserTags, config.Alerts.OwnerTag));
        var keyId = promotion.Staged.Key.AccessKeyId;
        var fate = promotion.ReplacedKeyId is { } replaced ? " " + Planner.ReplacedKeyFate(replaced, config.Policy, promotion.ReplacedKeyDeactivatedRightAfter) : "";
        return Alert.AboutUser(AlertEvent.Rotated, promotion.SweepId, user, $"key rotated for {user.AccountId}/{user.UserName}",
                $"New key {keyId} is in secret {promotion.SecretName} (AWSCURRENT).{fate} {promotion.Why}", keyId)
            with { ReplacedAccessKeyId = promotion.ReplacedKeyId, SecretName = promotion.SecretName, SecretArn = promotion.Staged.SecretId };
    }

    private static async Task MoveCurrentAsync(IAccountSession session, StagedKey staged, CancellationToken cancellationToken)
    {
        try
        {
            await session.Secrets.UpdateSecretVersionStageAsync(staged.SecretId, SecretStages.Current, staged.Version, staged.CurrentVersion, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.InvalidRequest)
        {
            // AWSCURRENT moved since we looked (a concurrent promotion, or this call's retry after a lost answer):
            // done only if it moved to this key's version.
            var now = await session.Secrets.DescribeSecretAsync(staged.SecretId, cancellationToken);
            if (now?.VersionWithStage(SecretStages.Current) != staged.Version)
            {
                throw;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated {AccountId} {UserName}: {AccessKeyId} replaces {OldAccessKeyId}")]
    private static partial void LogRotated(ILogger logger, string accountId, string userName, string accessKeyId, string? oldAccessKeyId);
}
