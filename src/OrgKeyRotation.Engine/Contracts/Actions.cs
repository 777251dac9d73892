using System.Text.Json.Serialization;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Engine.Contracts;

/// <summary>
/// What one lifecycle step did (or, in a dry run, would do) to a user's keys, as results report it in JSON. The
/// planner decides in <see cref="PlannedActionKind"/>, which maps onto this (<c>UserExecutor.Map</c>); this enum is
/// the wire format and changes only with it, so a planner decision without a kind of its own (Block) is reported as
/// <see cref="Warn"/> with the outcome Blocked.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionKind>))]
public enum ActionKind
{
    /// <summary>Create a new key, stage it AWSPENDING, verify it, promote it to AWSCURRENT.</summary>
    Rotate,
    /// <summary>Finish a rotation that stopped after the new key was staged (verify and promote).</summary>
    CompleteRotation,
    /// <summary>Set the previous key Inactive.</summary>
    Deactivate,
    /// <summary>Delete an inactive previous key, or an orphan left by a lost CreateAccessKey response.</summary>
    Delete,
    /// <summary>Set an inactive key Active again (restore).</summary>
    Reactivate,
    /// <summary>Record on the secret that a previous key was found inactive, so its restore window starts (a tag).</summary>
    RecordDeactivation,
    /// <summary>Write the current key to the destinations that do not hold it, and record them on the secret.</summary>
    SyncDestinations,
    /// <summary>Nothing to do, with the reason.</summary>
    Skip,
    /// <summary>Nothing done, but a human should look (e.g. old key still in use).</summary>
    Warn,
}

[JsonConverter(typeof(JsonStringEnumConverter<Outcome>))]
public enum Outcome
{
    /// <summary>Dry run: would have been done.</summary>
    Planned,
    Succeeded,
    Failed,
    Skipped,
    /// <summary>Not started because the deadline came first; the next sweep (or redelivery) does it.</summary>
    NotStarted,
    /// <summary>
    /// Nothing was done because the user needs a person first (a planner Block, or a secret that is not the rotator's):
    /// a decision, reported and alerted each sweep until a person acts, and no failure, so nothing retries it.
    /// </summary>
    Blocked,
}

public sealed record ActionResult(
    ActionKind Action,
    Outcome Outcome,
    string Reason,
    string? AccessKeyId = null,
    string? NewAccessKeyId = null,
    string? Error = null);
