using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Alerts;
using OrgKeyRotation.Engine.Destinations;
using OrgKeyRotation.Engine.SecretFormat;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// A verified key to make current, for the user <paramref name="UserName"/> whose tags, as read in this run, are
/// <paramref name="UserTags"/> (they name the owner); <paramref name="ReplacedKeyId"/> the key AWSCURRENT held (null: none, or not one OrgKeyRotation wrote);
/// <paramref name="ReplacedKeyDeactivatedRightAfter"/> says the plan deactivates it right after the promotion;
/// <paramref name="LaterRun"/> that the key was created by an earlier run (CompleteRotation, finishSecret), so the
/// hand-off is recorded; <paramref name="Why"/> is the reason the rotation happened, for the alert;
/// <paramref name="Destinations"/> the user's destinations and what the secret's records say they hold.
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
    string Why,
    UserDestinations Destinations);

/// <summary>
/// Promotion: the one step that makes a verified key the secret's AWSCURRENT, for a sweep's Rotate and
/// CompleteRotation and for Secrets Manager's finishSecret alike, and the one "rotated" alert that tells the key's
/// owner where the new key is and what happens to the old one. The key is written to the user's destinations first,
/// so that every copy a consumer reads is current by the time the secret is; a destination that fails does not stop
/// the promotion (consumers of the secret are fine), it gets an action-required alert and keeps the old key active.
/// Ownership is checked before (by the stager, or by the step); nothing here reads the user's keys.
/// </summary>
internal sealed partial class KeyPromoter(RotationConfig config, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Writes the destinations that do not hold the key yet, records the hand-off (a later run) with the destinations'
    /// records in one TagResource, moves AWSCURRENT to the key's version (AWSPREVIOUS follows), records the
    /// destinations (same run: after the move), then raises the rotated alert and one alert per failed destination. A
    /// key stored as the secret's first version is current already: only the destinations, their record and the alerts
    /// follow. Returns what the destinations hold now. Throws the AWS layer's exception when the hand-off record or
    /// the move fails; nothing is alerted then, the caller reports the failure.
    /// </summary>
    public async Task<UserDestinations> PromoteAsync(IAccountSession session, Promotion promotion, AlertPublisher alerts, DestinationWriter destinations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(promotion);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(destinations);
        var staged = promotion.Staged;
        var keyId = staged.Key.AccessKeyId;
        var writes = await destinations.WriteAsync(session, promotion.UserName, promotion.Destinations.NotHolding(keyId), staged.Key, cancellationToken);
        var now = time.GetUtcNow();
        var records = ManagedSecret.DestinationTags(writes.Where(w => w.Succeeded).Select(w => w.Destination.Id), keyId, now);
        if (!staged.CurrentAlready)
        {
            if (promotion.LaterRun)
            {
                // The old key's clock starts now, not at the new key's CreateDate; the destinations' records ride along.
                await session.Secrets.TagResourceAsync(staged.SecretId, new Dictionary<string, string>(records.Concat(ManagedSecret.HandOffTags(keyId, now))), cancellationToken);
                records = new Dictionary<string, string>();
            }

            await MoveCurrentAsync(session, staged, cancellationToken);
        }

        writes = await RecordAsync(session, staged.SecretId, records, writes, cancellationToken);
        var held = promotion.Destinations.After(writes, keyId, now);
        var view = held.View(keyId);
        LogRotated(logger, promotion.AccountId, promotion.UserName, keyId, promotion.ReplacedKeyId);
        alerts.Add(RotatedAlert(promotion, writes) with { Destinations = view });
        var user = User(promotion);
        foreach (var failed in writes.Where(w => !w.Succeeded))
        {
            alerts.Add(DestinationAlerts.Failed(promotion.SweepId, user, failed, keyId, view));
        }

        return held;
    }

    /// <summary>
    /// The destinations' records after the promotion. The key is current already, so a failure here does not undo the
    /// rotation: the destinations count as not holding the key (no record says so), and the next sweep writes them again.
    /// </summary>
    private async Task<IReadOnlyList<DestinationWrite>> RecordAsync(IAccountSession session, string secretId, IReadOnlyDictionary<string, string> records, IReadOnlyList<DestinationWrite> writes, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return writes;
        }

        try
        {
            await session.Secrets.TagResourceAsync(secretId, records, cancellationToken);
            return writes;
        }
        catch (AwsException ex)
        {
            LogRecordFailed(logger, secretId, ex.Message);
            return writes.Select(w => w.Succeeded ? w with { Error = $"the key was written there, but the record of the write on the secret failed ({ex.Message}); the next sweep writes it again." } : w).ToList();
        }
    }

    /// <summary>The rotated alert: for the owner, naming the secret (with its ARN and read command), the destinations and the old key's fate.</summary>
    internal Alert RotatedAlert(Promotion promotion, IReadOnlyList<DestinationWrite> writes)
    {
        var user = User(promotion);
        var keyId = promotion.Staged.Key.AccessKeyId;
        var fate = promotion.ReplacedKeyId is { } replaced ? " " + Planner.ReplacedKeyFate(replaced, config.Policy, promotion.ReplacedKeyDeactivatedRightAfter) : "";
        return Alert.AboutUser(AlertEvent.Rotated, promotion.SweepId, user, $"key rotated for {user.AccountId}/{user.UserName}",
                $"New key {keyId} is in secret {promotion.SecretName} (AWSCURRENT).{DestinationsText(promotion, writes)}{fate} {promotion.Why}", keyId)
            with { ReplacedAccessKeyId = promotion.ReplacedKeyId, SecretName = promotion.SecretName, SecretArn = promotion.Staged.SecretId };
    }

    /// <summary>Where else the key went, and that the old key waits for every destination.</summary>
    private static string DestinationsText(Promotion promotion, IReadOnlyList<DestinationWrite> writes)
    {
        var configured = promotion.Destinations.Configured;
        if (configured.Count == 0)
        {
            return "";
        }

        var failed = writes.Where(w => !w.Succeeded).Select(w => w.Destination.Name).ToList();
        var holding = configured.Select(d => d.Name).Except(failed, StringComparer.Ordinal).ToList();
        var text = holding.Count > 0 ? $" It is also in {string.Join(", ", holding)}." : "";
        var replaced = promotion.ReplacedKeyId is null ? "" : $" Key {promotion.ReplacedKeyId} stays active until they hold the new key.";
        return failed.Count > 0 ? $"{text} It could not be written to {string.Join(", ", failed)} (see below).{replaced}" : text;
    }

    private AlertUser User(Promotion promotion) =>
        new(promotion.AccountId, promotion.UserName, AlertUser.OwnerIn(promotion.UserTags, config.Alerts.OwnerTag));

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The destinations' records on {SecretId} could not be written: {Error}. The next sweep writes those destinations again")]
    private static partial void LogRecordFailed(ILogger logger, string secretId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated {AccountId} {UserName}: {AccessKeyId} replaces {OldAccessKeyId}")]
    private static partial void LogRotated(ILogger logger, string accountId, string userName, string accessKeyId, string? oldAccessKeyId);
}
