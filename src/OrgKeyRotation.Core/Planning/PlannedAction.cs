namespace OrgKeyRotation.Core.Planning;

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
    Skip,
    /// <summary>Nothing changes; a human should look.</summary>
    Warn,
    /// <summary>The user needs manual action before anything can change; reported as a failure.</summary>
    Block,
}

/// <summary>Where a key stands for the rotator.</summary>
public enum KeyRoleKind
{
    Current,
    Pending,
    Previous,
    Untracked,
}

/// <summary>One step of a user's plan, with the reason a person can read.</summary>
public sealed record PlannedAction(PlannedActionKind Kind, string Reason, string? AccessKeyId = null)
{
    /// <summary>True for actions that change AWS state (the executor runs these; dry run does not).</summary>
    public bool ChangesState => Kind is PlannedActionKind.Rotate or PlannedActionKind.CompleteRotation or PlannedActionKind.Deactivate
        or PlannedActionKind.Delete or PlannedActionKind.Reactivate or PlannedActionKind.RecordDeactivation;
}

/// <summary>The plan for one user: actions in execution order, and the role of each key.</summary>
public sealed record UserPlan(UserFacts Facts, IReadOnlyList<PlannedAction> Actions, IReadOnlyDictionary<string, KeyRoleKind> Roles);
