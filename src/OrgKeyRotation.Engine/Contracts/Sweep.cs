using System.Text.Json.Serialization;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Engine.Contracts;

/// <summary>Overrides for one sweep; null means "as configured".</summary>
public sealed record SweepRequest
{
    /// <summary>Limit the sweep to these accounts (must be in scope).</summary>
    public IReadOnlyList<string>? Accounts { get; init; }

    public bool? DryRun { get; init; }

    /// <summary>Stop starting new work after this instant (the Lambda deadline minus a margin).</summary>
    public DateTimeOffset? StopStartingWorkAt { get; init; }

    /// <summary>Correlation id for logs and alerts; generated when absent.</summary>
    public string? SweepId { get; init; }

    /// <summary>Told about each account as soon as it is done (live progress in the CLI). Not part of the wire format.</summary>
    [JsonIgnore]
    public IProgress<AccountResult>? Progress { get; init; }
}

/// <summary>
/// One access key as the sweep saw it (no secret). <paramref name="LastUsedKnown"/> is false when the sweep did not
/// read the key's last use (a rotation reads it only for keys whose fate depends on it); <paramref name="LastUsedDate"/>
/// is then null without meaning "never used".
/// </summary>
public sealed record KeySnapshot(
    string AccessKeyId,
    string Status,
    DateTimeOffset CreateDate,
    DateTimeOffset? LastUsedDate,
    KeyRole Role,
    bool LastUsedKnown = true);

/// <summary>
/// A destination of the user's key besides the secret (no secret): where it is, the key the secret's record says it
/// holds and since when (null: never written), and whether that is the user's current key.
/// </summary>
public sealed record DestinationSnapshot(string Id, string Name, string? AccessKeyId, DateTimeOffset? RecordedAt, bool HoldsCurrentKey);

/// <summary>One user's keys and actions; <paramref name="Destinations"/> null when the user has none configured.</summary>
public sealed record UserResult(string AccountId, string UserName, IReadOnlyList<KeySnapshot> Keys, IReadOnlyList<ActionResult> Actions, IReadOnlyList<DestinationSnapshot>? Destinations = null);

public sealed record AccountResult(string AccountId, Outcome Outcome, string? Error, IReadOnlyList<UserResult> Users);

/// <summary>
/// What a sweep, or one account of it, counted. The counts of several add up field by field (<c>+</c>).
/// <paramref name="Failed"/> counts failed steps, blocked users and accounts that failed as a whole (the meaning the
/// alert schema gives it); <paramref name="Blocked"/> the blocked users among them: decisions that need a person, no
/// failure (<see cref="FailedNotBlocked"/> is the rest).
/// </summary>
public sealed record SweepCounts(int Accounts, int Users, int Rotated, int Deactivated, int Deleted, int Reactivated, int Warnings, int Failed, int NotStarted, int Blocked = 0)
{
    /// <summary>Nothing counted: the start of a sum.</summary>
    public static SweepCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>What failed: an AWS call, a verification, a whole account; not a user blocked by a decision.</summary>
    [JsonIgnore]
    public int FailedNotBlocked => Failed - Blocked;

    public static SweepCounts operator +(SweepCounts left, SweepCounts right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(
            left.Accounts + right.Accounts,
            left.Users + right.Users,
            left.Rotated + right.Rotated,
            left.Deactivated + right.Deactivated,
            left.Deleted + right.Deleted,
            left.Reactivated + right.Reactivated,
            left.Warnings + right.Warnings,
            left.Failed + right.Failed,
            left.NotStarted + right.NotStarted,
            left.Blocked + right.Blocked);
    }
}

/// <summary>The structured result of a sweep. It never holds a secret.</summary>
public sealed record SweepResult(
    string SweepId,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    SweepCounts Counts,
    IReadOnlyList<AccountResult> Accounts,
    IReadOnlyList<string> NotStartedAccounts);
