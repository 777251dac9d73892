using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Planning;

/// <summary>One access key with what the planner needs to know about it.</summary>
/// <param name="LastUsedDate">Null when never used or not looked up (see <see cref="LastUsedKnown"/>).</param>
/// <param name="LastUsedKnown">Whether GetAccessKeyLastUsed was consulted for this key.</param>
public sealed record KeyFacts(string AccessKeyId, AccessKeyStatus Status, DateTimeOffset CreateDate, DateTimeOffset? LastUsedDate, bool LastUsedKnown)
{
    public bool IsActive => Status == AccessKeyStatus.Active;
}

/// <summary>The recorded promotion of a key to AWSCURRENT in a later run than the one that created it.</summary>
public sealed record KeyHandOff(string AccessKeyId, DateTimeOffset At);

/// <summary>A destination configured for the user: <paramref name="Id"/> names its record on the secret, <paramref name="Name"/> the place, for people.</summary>
public sealed record DestinationFacts(string Id, string Name);

/// <summary>The record of what a destination holds: the key written there, and when (written after the write succeeded).</summary>
public sealed record DestinationRecord(string AccessKeyId, DateTimeOffset At);

/// <summary>
/// The user's secret as the rotator sees it: which key ids its stages hold, and the records the rotator keeps on it
/// (secret tags). Null key ids mean the stage is absent (or holds no key this product wrote).
/// </summary>
/// <param name="ManagedByUs">Carries the product's managed tag. A secret of that name without it is never touched.</param>
/// <param name="DeactivatedKeyId">The previous key the rotator deactivated, and when (state kept as a secret tag).</param>
/// <param name="AttemptedAt">
/// When the rotator last set out to create a key for this user (recorded before every CreateAccessKey). Only a key
/// created inside that attempt's window can be an orphan of the rotator's.
/// </param>
/// <param name="HandOff">The last key promoted in a later run than the one that created it, and when.</param>
/// <param name="AttemptReplacedKeyId">The key the recorded attempt set out to replace (null: not recorded).</param>
/// <param name="DeletedDate">
/// Set when the secret is scheduled for deletion: Secrets Manager's DeletedDate (DescribeSecret, ListSecrets). Until it
/// is restored the secret takes no new value, and its stages are not read (their key ids are null).
/// </param>
public sealed record SecretFacts(
    bool ManagedByUs,
    string? CurrentKeyId,
    string? PendingKeyId,
    string? PreviousKeyId,
    string? DeactivatedKeyId,
    DateTimeOffset? DeactivatedAt,
    DateTimeOffset? AttemptedAt = null,
    KeyHandOff? HandOff = null,
    DateTimeOffset? DeletedDate = null,
    string? AttemptReplacedKeyId = null)
{
    /// <summary>
    /// The previous key `keyrot restore` last re-activated, and when: a restore hands consumers that key again, so its
    /// clocks (rules 11-15) count from the restore, not from the hand-off to the current key.
    /// </summary>
    public KeyHandOff? Restored { get; init; }

    /// <summary>By destination id: the key each destination was last recorded to hold.</summary>
    public IReadOnlyDictionary<string, DestinationRecord> Destinations { get; init; } = new Dictionary<string, DestinationRecord>(StringComparer.Ordinal);
}

public sealed record ExemptionFacts(bool Exempt, string? Reason, DateTimeOffset? Until)
{
    public static ExemptionFacts None { get; } = new(false, null, null);
}

/// <summary>Everything the planner decides from, for one user. Secret null = the user's secret does not exist yet.</summary>
public sealed record UserFacts(string AccountId, string UserName, IReadOnlyList<KeyFacts> Keys, SecretFacts? Secret, ExemptionFacts Exemption)
{
    /// <summary>Where the user's key is written besides the secret (the configuration's destinations for the user).</summary>
    public IReadOnlyList<DestinationFacts> Destinations { get; init; } = [];

    /// <summary>The configured destinations whose record does not name <paramref name="accessKeyId"/>: never written, or holding another key.</summary>
    public IReadOnlyList<DestinationFacts> DestinationsNotHolding(string accessKeyId) =>
        Destinations.Where(d => Secret?.Destinations.GetValueOrDefault(d.Id)?.AccessKeyId != accessKeyId).ToList();
}
