using System.Globalization;
using System.Text.Json;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>
/// The promise, as checks on a run (docs/reliability.md, "Consumers never break"). Each is judged against the
/// scenario's <see cref="Promise"/>, whatever policy the engine actually ran, so that an engine with a rule broken on
/// purpose is caught.
/// </summary>
internal sealed class Invariants(Scenario scenario, Timeline timeline, KeyLifecycle keys, NewKeyPropagation propagation)
{
    public const string NeverRefused = "never refused";
    public const string WorksUntilForced = "works until the forced deadline";
    public const string WarnedBeforeForced = "warned before the forced deadline";
    public const string RestoreBringsItBack = "restore brings it back";
    public const string AtMostTwoKeys = "at most two keys";
    public const string AWorkingKey = "a working key";
    public const string OldKeyRetired = "old key retired within the policy's windows";
    public const string AlertsBounded = "alerts per rotation cycle bounded";

    /// <summary>The sweep runs once a day, within the minute of its schedule: a deadline is met by the first sweep after it.</summary>
    private static readonly TimeSpan SweepSlack = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(2);

    private readonly List<Violation> _violations = [];
    /// <summary>Invariants checked after every step report their first break per user only.</summary>
    private readonly HashSet<(string, SimulatedUser)> _reported = [];

    private RotationPolicy Policy => scenario.Promise.Policy;

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>
    /// Per user and rotation cycle (from one rotation to the next), messages about the user: the rotation, the old
    /// key's deactivation and deletion, a restore and the deactivation after it, one warning a sweep while the old key
    /// is in use between deactivateAfterDays and the forced deadline, and one spare.
    /// </summary>
    public static int MaxMessagesPerCycle(RotationPolicy policy) =>
        6 + (policy.RequireOldKeyUnused ? Math.Max(0, policy.MaxDeactivationDelayDays - policy.DeactivateAfterDays + 1) : 0);

    /// <summary>
    /// Of those, action-required: the warnings inside warnDaysBeforeForced (one a sweep, and one more when the sweep's
    /// minute falls before the hand-off's), the forced deactivation, a restore and the deactivation after it.
    /// </summary>
    public static int MaxActionRequiredPerCycle(RotationPolicy policy) =>
        3 + (policy.MaxDeactivationDelayDays > 0 && policy.WarnDaysBeforeForced > 0 ? policy.WarnDaysBeforeForced + 1 : 0);

    /// <summary>A consumer's call failed for good.</summary>
    public void OnGaveUp(GaveUp gaveUp)
    {
        var consumer = gaveUp.Consumer;
        if (scenario.Promise.NeverBreak.Contains(consumer.Kind))
        {
            Report(NeverRefused, consumer.User, gaveUp.At, $"{consumer.Name} (kind {(int)consumer.Kind}) was refused with {gaveUp.AccessKeyId} and its own way of switching brought it no working key");
            return;
        }

        if (consumer.Kind != ConsumerKind.NeverSwitches || !scenario.Promise.NeverSwitchesWarnedBeforeForced)
        {
            return;
        }

        var key = gaveUp.AccessKeyId;
        var forced = timeline.Alerts.FirstOrDefault(m => m.At <= gaveUp.At && m.Attribute("severity") == "action-required" && Events(m).Contains("deactivated") && Timeline.KeysNamed(m).Contains(key));
        if (forced is null)
        {
            Report(WorksUntilForced, consumer.User, gaveUp.At, $"{consumer.Name} was refused with {key}, which was not deactivated at its forced deadline (no action-required deactivation names it)");
            return;
        }

        var handOff = timeline.Alerts.LastOrDefault(m => m.At <= forced.At && Events(m).Contains("rotated") && ReplacedKey(m) == key)?.At;
        if (handOff is { } h && forced.At < h.AddDays(Policy.MaxDeactivationDelayDays) - TimeSpan.FromMinutes(2))
        {
            Report(WorksUntilForced, consumer.User, gaveUp.At, $"{key} was deactivated at {timeline.Stamp(forced.At)}, before the forced deadline {timeline.Stamp(h.AddDays(Policy.MaxDeactivationDelayDays))}");
        }

        if (Policy.WarnDaysBeforeForced == 0)
        {
            return;
        }

        var warning = timeline.Alerts.FirstOrDefault(m => m.At < forced.At && m.Attribute("severity") == "action-required" && Events(m).Contains("warning") && Timeline.KeysNamed(m).Contains(key));
        var deadline = handOff?.AddDays(Policy.MaxDeactivationDelayDays);
        if (warning is null)
        {
            Report(WarnedBeforeForced, consumer.User, gaveUp.At, $"no action-required warning named {key} before its forced deactivation at {timeline.Stamp(forced.At)}");
        }
        else if (forced.At - warning.At < TimeSpan.FromDays(Policy.WarnDaysBeforeForced) - TimeSpan.FromMinutes(2))
        {
            Report(WarnedBeforeForced, consumer.User, gaveUp.At, $"the first action-required warning naming {key} came at {timeline.Stamp(warning.At)}, less than warnDaysBeforeForced={Policy.WarnDaysBeforeForced} days before its forced deactivation at {timeline.Stamp(forced.At)}");
        }
        else if (deadline is { } d && !Timeline.DetailsOf(warning).Contains(d.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            Report(WarnedBeforeForced, consumer.User, gaveUp.At, $"the warning at {timeline.Stamp(warning.At)} does not name the deadline {d:yyyy-MM-dd}");
        }
    }

    /// <summary>The operator restored a refused key of a consumer that never switches; its next call must work.</summary>
    public void OnRestored(DateTimeOffset at, Consumer consumer, string accessKeyId, bool accepted)
    {
        if (!accepted && scenario.Promise.NeverSwitchesWarnedBeforeForced)
        {
            Report(RestoreBringsItBack, consumer.User, at, $"after keyrot restore of {accessKeyId}, {consumer.Name} is still refused");
        }
    }

    /// <summary>After every step: no user has more than two keys, and one whose consumers read the hand-off always has a working key.</summary>
    public void AfterStep(DateTimeOffset now, IReadOnlyList<Consumer> consumers)
    {
        foreach (var group in consumers.GroupBy(c => c.User))
        {
            var user = group.Key;
            var held = keys.KeysOf(user.AccountId, user.UserName);
            if (held.Count > 2 && !_reported.Contains((AtMostTwoKeys, user)))
            {
                Report(AtMostTwoKeys, user, now, $"{held.Count} keys: {string.Join(", ", held.Select(k => k.AccessKeyId))}");
            }

            var readsHandOff = group.Any(c => c.Kind is ConsumerKind.ReadsOnRefusal or ConsumerKind.RereadsOnTimer or ConsumerKind.CiJob or ConsumerKind.CredentialProcess);
            if (readsHandOff && !held.Any(k => k.Active && propagation.HasPropagated(k.AccessKeyId, Scenario.HomeRegion, now)) && !_reported.Contains((AWorkingKey, user)))
            {
                Report(AWorkingKey, user, now, $"no active, propagated key (keys: {string.Join(", ", held.Select(k => $"{k.AccessKeyId} {(k.Active ? "active" : "inactive")}"))})");
            }
        }
    }

    /// <summary>At the end: every replaced key whose consumers all switched was deactivated and deleted in time; alerts stayed within their bound.</summary>
    public void Finally(DateTimeOffset end, IReadOnlyList<Consumer> consumers)
    {
        foreach (var rotation in timeline.Alerts.Where(m => Events(m).Contains("rotated") && ReplacedKey(m) is not null))
        {
            CheckRetiredInTime(rotation, end, consumers);
        }

        foreach (var user in consumers.Select(c => c.User).Distinct())
        {
            AlertsWithinBound(user);
        }
    }

    private void CheckRetiredInTime(PublishedMessage rotation, DateTimeOffset end, IReadOnlyList<Consumer> consumers)
    {
        var old = ReplacedKey(rotation)!;
        var handOff = rotation.At;
        var user = consumers.First(c => c.User.UserName == rotation.Attribute("userName")).User;
        var uses = timeline.Calls.Where(c => c.AccessKeyId == old && c.Accepted && c.At >= handOff).ToList();
        if (uses.Any(c => c.Consumer.Kind == ConsumerKind.NeverSwitches))
        {
            return; // Its consumer never switched: the forced deadline applies (checked when it is refused).
        }

        var switched = uses.Count == 0 ? handOff : uses.Max(c => c.At);
        var due = Policy.RequireOldKeyUnused
            ? Later(handOff.AddDays(Policy.DeactivateAfterDays), switched.AddDays(Policy.OldKeyIdleDays))
            : handOff.AddDays(Policy.DeactivateAfterDays);
        // The previous key waits until every destination holds the new key (rule 27), up to the forced deadline.
        due = Later(due, timeline.DestinationsHeld(user, rotation.Attribute("accessKeyId")!) ?? end);
        if (Policy.MaxDeactivationDelayDays > 0 && handOff.AddDays(Policy.MaxDeactivationDelayDays) < due)
        {
            due = handOff.AddDays(Policy.MaxDeactivationDelayDays);
        }

        // From the new key's creation: with no grace window the old key goes inactive in the same step, before the alert.
        var replacedFrom = keys.Events.FirstOrDefault(e => e.AccessKeyId == rotation.Attribute("accessKeyId") && e.Change == KeyChange.Created)?.At ?? handOff;
        var deactivated = keys.Events.FirstOrDefault(e => e.AccessKeyId == old && e.At >= replacedFrom && e.Change is KeyChange.Deactivated or KeyChange.Deleted)?.At;
        if (deactivated is null ? due + SweepSlack < end : deactivated > due + SweepSlack)
        {
            Report(OldKeyRetired, user, due, $"{old}, replaced at {timeline.Stamp(handOff)} and last used at {timeline.Stamp(switched)}, was due for deactivation by {timeline.Stamp(due)} but was {(deactivated is { } d ? "deactivated at " + timeline.Stamp(d) : "still active")}");
            return;
        }

        if (deactivated is not { } at)
        {
            return;
        }

        var deleteBy = at.AddDays(Policy.DeleteAfterDays) + SweepSlack;
        var deleted = keys.Events.FirstOrDefault(e => e.AccessKeyId == old && e.Change == KeyChange.Deleted)?.At;
        if (deleted is null ? deleteBy < end : deleted > deleteBy)
        {
            Report(OldKeyRetired, user, deleteBy, $"{old}, deactivated at {timeline.Stamp(at)}, was due for deletion by {timeline.Stamp(deleteBy)} but was {(deleted is { } d ? "deleted at " + timeline.Stamp(d) : "not deleted")}");
        }
    }

    private void AlertsWithinBound(SimulatedUser user)
    {
        var messages = timeline.Alerts.Where(m => m.Attribute("userName") == user.UserName && m.Attribute("accountId") == user.AccountId).ToList();
        var maxMessages = MaxMessagesPerCycle(Policy);
        var maxActionRequired = MaxActionRequiredPerCycle(Policy);
        var cycle = new List<PublishedMessage>();
        foreach (var message in messages.Append(null))
        {
            if (message is null || Events(message).Contains("rotated"))
            {
                // A destination that cannot be written is alerted about at every sweep until it can: one message a
                // sweep (one a day) for as long as its writes are refused, on top of the cycle's bound.
                var destinationFailures = cycle.Count(IsDestinationFailure);
                var actionRequired = cycle.Count(m => m.Attribute("severity") == "action-required") - destinationFailures;
                if (cycle.Count - destinationFailures > maxMessages || actionRequired > maxActionRequired || destinationFailures > scenario.DestinationWritesRefusedDays + 1)
                {
                    Report(AlertsBounded, user, cycle[^1].At, $"{cycle.Count} messages ({actionRequired} action-required, {destinationFailures} about a destination) in the rotation cycle from {timeline.Stamp(cycle[0].At)}; the bound is {maxMessages} ({maxActionRequired} action-required, {scenario.DestinationWritesRefusedDays + 1} about a destination)");
                }

                cycle.Clear();
            }

            if (message is not null)
            {
                cycle.Add(message);
            }
        }
    }

    /// <summary>A message about a destination that does not hold the current key after its write.</summary>
    private static bool IsDestinationFailure(PublishedMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return body.RootElement.GetProperty("detail").EnumerateArray()
            .Any(s => s.GetProperty("event").GetString() == "failed" && s.GetProperty("title").GetString()!.Contains(" does not hold the current key", StringComparison.Ordinal));
    }

    private void Report(string invariant, SimulatedUser user, DateTimeOffset at, string why)
    {
        _violations.Add(new Violation(invariant, user, at, why));
        _reported.Add((invariant, user));
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static IReadOnlyList<string> Events(PublishedMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return body.RootElement.TryGetProperty("events", out var events) ? events.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
    }

    private static string? ReplacedKey(PublishedMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return body.RootElement.TryGetProperty("keys", out var keys) && keys.TryGetProperty("replaced", out var replaced) ? replaced.GetString() : null;
    }
}
