using System.Text.Json.Serialization;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Engine.Alerts;

/// <summary>What happened. On the wire (the <c>event</c> attribute and field) each has a lower-case name: <see cref="AlertFormat.EventName"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertEvent>))]
public enum AlertEvent
{
    /// <summary>A new key was verified and promoted to AWSCURRENT.</summary>
    Rotated,
    /// <summary>A previous key was set Inactive.</summary>
    Deactivated,
    /// <summary>A key was deleted.</summary>
    Deleted,
    /// <summary>An inactive key was set Active again (restore).</summary>
    Restored,
    /// <summary>A step failed, or a user or account could not be processed.</summary>
    Failed,
    /// <summary>Something a person should know; nothing failed.</summary>
    Warning,
    /// <summary>The sweep's digest.</summary>
    Summary,
    /// <summary>The user needs manual action before anything can change.</summary>
    Blocked,
    /// <summary>A new key is staged but was not verified in time; the next sweep verifies and promotes it.</summary>
    Deferred,
}

/// <summary>
/// One thing that happened, as the engine raises it. Alerts about one user in one sweep are published together as one
/// message when the user's work is finished (<see cref="AlertPublisher.UserFinished"/>). Key ids only: a secret access
/// key never reaches an alert. Made by the factory for what it is about: <see cref="AboutSweep"/>,
/// <see cref="AboutAccount"/>, <see cref="AboutUser"/>.
/// </summary>
public sealed record Alert
{
    private Alert(AlertEvent alertEvent, string sweepId, string title, string detail)
    {
        Event = alertEvent;
        SweepId = sweepId;
        Title = title;
        Detail = detail;
    }

    public AlertEvent Event { get; }

    /// <summary>The sweep (or restore, or rotation step) that raised it.</summary>
    public string SweepId { get; }

    public string? AccountId { get; private init; }

    public string? UserName { get; private init; }

    /// <summary>The user's owner (alerts.ownerTag), for subscribers that filter on the <c>owner</c> attribute.</summary>
    public string? Owner { get; private init; }

    /// <summary>The key the event is about (Rotated: the new key).</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>A few words, naming the account and user when there is one.</summary>
    public string Title { get; }

    /// <summary>What happened and what to do, for a person.</summary>
    public string Detail { get; }

    /// <summary>The key a rotation replaced (Rotated: <see cref="AccessKeyId"/> is the new key).</summary>
    public string? ReplacedAccessKeyId { get; init; }

    /// <summary>Name of the user's hand-over secret, when the alert is about a user that has (or gets) one.</summary>
    public string? SecretName { get; init; }

    /// <summary>ARN of the user's hand-over secret, once it exists.</summary>
    public string? SecretArn { get; init; }

    /// <summary>The user's destinations besides the secret and whether each holds the current key, as known when the alert was raised (null: none configured).</summary>
    public IReadOnlyList<DestinationSnapshot>? Destinations { get; init; }

    /// <summary>
    /// A person must act although the event is routine otherwise: a previous key deactivated while still in use (the
    /// forced deadline), or still in use when that deadline is at most warnDaysBeforeForced days away. Failures,
    /// blocks, restores and deferred rotations need a person anyway.
    /// </summary>
    public bool ActionRequired { get; init; }

    /// <summary>About the sweep as a whole (or a rotation step), not one account: discovery, the digest item.</summary>
    public static Alert AboutSweep(AlertEvent alertEvent, string sweepId, string title, string detail) =>
        new(alertEvent, sweepId, title, detail);

    /// <summary>About one account, none of its users in particular: the account could not be opened.</summary>
    public static Alert AboutAccount(AlertEvent alertEvent, string sweepId, string accountId, string title, string detail) =>
        new(alertEvent, sweepId, title, detail) { AccountId = accountId };

    /// <summary>About one user (and <paramref name="accessKeyId"/>, when one key is concerned), for the user's owner.</summary>
    public static Alert AboutUser(AlertEvent alertEvent, string sweepId, AlertUser user, string title, string detail, string? accessKeyId = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(alertEvent, sweepId, title, detail) { AccountId = user.AccountId, UserName = user.UserName, Owner = user.Owner, AccessKeyId = accessKeyId };
    }
}
