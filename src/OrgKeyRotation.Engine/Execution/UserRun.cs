using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.Destinations;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// One user's plan while <see cref="UserExecutor"/> carries it out: the results so far, the key (if any) that waits
/// for verification before the rest of the plan may run, and why the remaining actions are no longer attempted.
/// </summary>
internal sealed class UserRun(IAccountSession session, UserSnapshot snapshot, UserPlan plan, string sweepId)
{
    private readonly List<ActionResult> _results = new(plan.Actions.Count);

    /// <summary>The key whose deactivation record was written with the rotation's attempt record (null: none).</summary>
    private string? _deactivationRecordedFor;

    public IAccountSession Session { get; } = session;

    public UserSnapshot Snapshot { get; } = snapshot;

    public UserPlan Plan { get; } = plan;

    public string SweepId { get; } = sweepId;

    public IReadOnlyList<ActionResult> Results => _results;

    /// <summary>The user's destinations and what they hold, as this run has left them.</summary>
    public UserDestinations Destinations { get; private set; } = snapshot.Destinations;

    /// <summary>The user's current key as this run has left it: the plan's, until a promotion replaces it.</summary>
    public string? CurrentKeyId { get; private set; } = plan.Roles.FirstOrDefault(r => r.Value == KeyRole.Current).Key;

    /// <summary>The destinations as results and alerts show them (null: none configured).</summary>
    public IReadOnlyList<DestinationSnapshot>? DestinationView => Destinations.View(CurrentKeyId);

    /// <summary>A promotion made <paramref name="accessKeyId"/> current, and left the destinations as <paramref name="destinations"/>.</summary>
    public void Promoted(string accessKeyId, UserDestinations destinations)
    {
        CurrentKeyId = accessKeyId;
        Destinations = destinations;
    }

    public void DestinationsWritten(UserDestinations destinations) => Destinations = destinations;

    /// <summary>The staged key waiting for verification, and the index of the action that staged it.</summary>
    public (int ActionIndex, StagedKey Key)? AwaitingVerification { get; private set; }

    /// <summary>Set once an action failed, or a rotation did not end in a promoted key: the rest is not attempted.</summary>
    public string? StopReason { get; private set; }

    public void Add(ActionResult result)
    {
        _results.Add(result);
        if (result.Outcome == Outcome.Failed)
        {
            StopReason ??= "not attempted: an earlier step for this user failed";
        }
        else if (result.Outcome == Outcome.Blocked)
        {
            StopReason ??= "not attempted: an earlier step for this user needs a person first";
        }
        else if (result.Action is ActionKind.Rotate or ActionKind.CompleteRotation && result.Outcome != Outcome.Succeeded)
        {
            // What follows a rotation (deactivating the key it replaced) assumes the new key is current.
            StopReason ??= result.Outcome == Outcome.NotStarted
                ? "not attempted: it follows the rotation before it, which the next sweep finishes"
                : "not attempted: it follows the rotation before it, which did not happen";
        }
    }

    /// <summary>
    /// A SyncDestinations whose writes failed: a failure that does not stop the rest, planned knowing these destinations
    /// are stale.
    /// </summary>
    public void AddStaleDestinations(ActionResult result) => _results.Add(result);

    /// <summary>The user's secret is known to be the rotator's in this run: created by it, or its policy checked.</summary>
    public bool SecretOwnershipVerified { get; private set; }

    public void OwnershipVerified() => SecretOwnershipVerified = true;

    public void Await(int actionIndex, StagedKey key) => AwaitingVerification = (actionIndex, key);
    public void DeactivationRecorded(string accessKeyId) => _deactivationRecordedFor = accessKeyId;

    public bool IsDeactivationRecorded(string accessKeyId) => _deactivationRecordedFor == accessKeyId;

    public (int ActionIndex, StagedKey Key) TakeAwaited()
    {
        var awaited = AwaitingVerification ?? throw new InvalidOperationException("no staged key is waiting for verification");
        AwaitingVerification = null;
        return awaited;
    }
}
