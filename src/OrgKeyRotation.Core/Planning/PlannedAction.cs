using System.Text.Json.Serialization;

namespace OrgKeyRotation.Core.Planning;

/// <summary>
/// What the planner decides for a key or user. The engine reports each step as an
/// <c>OrgKeyRotation.Engine.Contracts.ActionKind</c> (<c>UserExecutor.Map</c>): the two stay apart because the
/// planner's vocabulary may grow (<see cref="Block"/> has no result kind of its own: it is reported as Warn with the
/// outcome Blocked) while the result kinds are a wire format that the CLI, the Lambda and alert subscribers read.
/// </summary>
public enum PlannedActionKind
{
    /// <summary>Create a key, stage it AWSPENDING, verify, promote to AWSCURRENT.</summary>
    Rotate,
    /// <summary>Verify and promote a key already staged AWSPENDING by an interrupted rotation.</summary>
    CompleteRotation,
    Deactivate,
    Delete,
    Reactivate,
    /// <summary>Record when a previous key was found inactive, so its deletion clock starts (secret tag).</summary>
    RecordDeactivation,
    /// <summary>Write the current key (read from the secret's AWSCURRENT) to the destinations that do not hold it, and record them.</summary>
    SyncDestinations,
    Skip,
    /// <summary>Nothing changes; a human should look.</summary>
    Warn,
    /// <summary>The user needs manual action before anything can change; a decision, reported as blocked (not a failure).</summary>
    Block,
}

/// <summary>
/// Which role a key plays for the rotator, derived from the user's secret. The planner decides it and the engine's
/// results report it (<c>KeySnapshot.Role</c>), written by name in JSON.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeyRole>))]
public enum KeyRole
{
    /// <summary>Held by the secret's AWSCURRENT version.</summary>
    Current,
    /// <summary>Held by AWSPENDING: a rotation in progress.</summary>
    Pending,
    /// <summary>Held by AWSPREVIOUS: replaced, on its way to deactivation and deletion.</summary>
    Previous,
    /// <summary>Not in the secret (unmanaged user, or an orphan from a lost response).</summary>
    Untracked,
}

/// <summary>One step of a user's plan, with the reason a person can read.</summary>
public sealed record PlannedAction(PlannedActionKind Kind, string Reason, string? AccessKeyId = null)
{
    /// <summary>
    /// The planner acts although the key may still be in use: a previous key deactivated at maxDeactivationDelayDays
    /// whatever its last use (rule 14, <c>PreviousKeyForced</c>), or while a destination does not hold the current key
    /// (rule 27, <c>PreviousKeyHeld</c>). Its consumers may now fail, so a person must look.
    /// </summary>
    public bool Forced { get; init; }

    /// <summary>
    /// A warning about a previous key still in use whose forced deadline is at most warnDaysBeforeForced whole days away (rule 15,
    /// <c>PreviousKeyInUse</c>, and rule 27, <c>PreviousKeyHeld</c>): its consumers fail at the deadline unless a person
    /// moves them (or makes every destination hold the current key), so a person must act now.
    /// </summary>
    public bool DeadlineNear { get; init; }

    /// <summary>True for actions that change AWS state (the executor runs these; dry run does not).</summary>
    public bool ChangesState => Kind is PlannedActionKind.Rotate or PlannedActionKind.CompleteRotation or PlannedActionKind.Deactivate
        or PlannedActionKind.Delete or PlannedActionKind.Reactivate or PlannedActionKind.RecordDeactivation or PlannedActionKind.SyncDestinations;
}

/// <summary>The plan for one user: actions in execution order, and the role of each key.</summary>
public sealed record UserPlan(UserFacts Facts, IReadOnlyList<PlannedAction> Actions, IReadOnlyDictionary<string, KeyRole> Roles);
