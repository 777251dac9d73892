using System.Globalization;
using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Core.Planning;

/// <summary>
/// Decides what must happen to one user's keys. Pure: the same facts, policy and instant give the same plan.
/// The rules are named and numbered as in docs/design.md ("Rules, in the order they are applied"); every action
/// carries the reason a person reads in the plan.
/// </summary>
public static class Planner
{
    /// <summary>
    /// For this long after a recorded attempt, an untracked key created inside the attempt's window is taken for that
    /// rotation still in progress (between CreateAccessKey and staging the key, which takes seconds), and the user is
    /// skipped. 15 minutes is also the longest a Lambda invocation runs, so an attempt older than that has ended.
    /// </summary>
    public static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A key created up to this long after the recorded attempt was created by it. The record is written right before
    /// CreateAccessKey, so seconds would do; 15 minutes absorbs retries and the clock skew, and is still far shorter
    /// than the time a person's key is likely to be made after a rotation attempt by chance.
    /// </summary>
    public static readonly TimeSpan AttemptWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A key created up to this long before the recorded attempt was created by it: the attempt is the rotator's
    /// clock, CreateDate is IAM's. AWS refuses most signed requests whose time is more than 5 minutes off its own, so
    /// a rotator that could call CreateAccessKey is rarely further off. A larger skew errs on the safe side: the
    /// key is not recognised as the rotator's, so it is warned about and never deleted.
    /// </summary>
    public static readonly TimeSpan AttemptClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How late AWS may report a key's last use: "Recent activity usually appears within four hours"
    /// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html; the last-used
    /// fields of https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html come from the same
    /// tracking). A key younger than this may be in use although AWS reports it never used.
    /// </summary>
    public static readonly TimeSpan LastUsedLagBound = TimeSpan.FromHours(4);

    /// <summary>
    /// An orphan is deleted only once it is at least this old: <see cref="LastUsedLagBound"/> plus as much again, since
    /// AWS says "usually". Before that its "never used" may only mean "not reported yet", and the rotation waits.
    /// </summary>
    public static readonly TimeSpan OrphanMinimumAge = LastUsedLagBound * 2;

    public static UserPlan Plan(UserFacts facts, RotationPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var roles = Classify(facts);
        var actions = Decide(facts, roles, policy, now);
        return new UserPlan(facts, actions, roles);
    }

    /// <summary>Emergency restore: re-activate an inactive key of the user.</summary>
    public static PlannedAction PlanRestore(UserFacts facts, string accessKeyId)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var key = facts.Keys.FirstOrDefault(k => string.Equals(k.AccessKeyId, accessKeyId, StringComparison.Ordinal));
        return key switch
        {
            null => new PlannedAction(PlannedActionKind.Block, $"user {facts.UserName} has no key {accessKeyId} (it may have been deleted already; a deleted key cannot be restored)", accessKeyId),
            { IsActive: true } => new PlannedAction(PlannedActionKind.Skip, $"key {accessKeyId} is already Active", accessKeyId),
            _ => new PlannedAction(PlannedActionKind.Reactivate, $"restore requested: re-activating key {accessKeyId}", accessKeyId),
        };
    }

    private static Dictionary<string, KeyRole> Classify(UserFacts facts)
    {
        var roles = new Dictionary<string, KeyRole>(StringComparer.Ordinal);
        var secret = facts.Secret;
        foreach (var key in facts.Keys)
        {
            var id = key.AccessKeyId;
            roles[id] = secret switch
            {
                _ when secret is null => KeyRole.Untracked,
                _ when id == secret.CurrentKeyId => KeyRole.Current,
                _ when id == secret.PendingKeyId => KeyRole.Pending,
                _ when id == secret.PreviousKeyId || id == secret.DeactivatedKeyId => KeyRole.Previous,
                _ => KeyRole.Untracked,
            };
        }

        return roles;
    }

    /// <summary>How a key other than the current one stands towards the slot a rotation needs (IAM allows two keys).</summary>
    private enum Slot
    {
        /// <summary>Its own step deletes it.</summary>
        Freed,
        /// <summary>It cannot be in use: a due rotation deletes it (rule 24), replacing its own step.</summary>
        Freeable,
        /// <summary>
        /// It is the rotator's and still has a restore or consumer window to run, or it is an orphan too young for its
        /// reported last use to be trusted: the rotation waits (rule 23).
        /// </summary>
        Waits,
        /// <summary>No record shows the rotator created it, so it is never deleted: the rotation is blocked (rule 23).</summary>
        Blocks,
    }

    /// <summary>A key other than the current one: the step its rule planned (if any), how it holds the slot, and why (unless freed).</summary>
    private sealed record OtherKey(KeyFacts Key, PlannedAction? Step, Slot Slot, string? SlotReason = null);

    private static List<PlannedAction> Decide(UserFacts facts, Dictionary<string, KeyRole> roles, RotationPolicy policy, DateTimeOffset now)
    {
        var attempt = OpenAttempt(facts);

        // Rules 1-10: the first that applies is the whole plan.
        var gate = Exempt(facts) ?? SecretScheduledForDeletion(facts) ?? ForeignSecret(facts) ?? InterruptedRotation(facts, roles) ?? VanishedCurrentKey(facts, roles);
        if (gate is not null)
        {
            return [gate];
        }

        var (current, adoptionGate) = CurrentOrAdopted(facts, roles);
        gate = adoptionGate ?? InactiveCurrentKey(current!) ?? RotationInProgress(facts, roles, attempt, now);
        if (gate is not null)
        {
            return [gate];
        }

        // Rules 11-21 (and 27): one rule for each other key; the plan continues.
        var handOffAt = HandOffTime(current!, facts.Secret);
        var stale = facts.DestinationsNotHolding(current!.AccessKeyId);
        var others = facts.Keys.Where(k => k != current)
            .OrderBy(k => k.CreateDate).ThenBy(k => k.AccessKeyId, StringComparer.Ordinal)
            .Select(k => roles[k.AccessKeyId] switch
            {
                KeyRole.Previous when k.IsActive => PreviousKeyActive(k, ClocksStart(k, handOffAt, facts.Secret), stale, policy, now),
                KeyRole.Previous => PreviousKeyInactive(k, facts.Secret!, policy, now),
                KeyRole.Pending => StalePendingKey(k),
                _ when IsOrphan(k, attempt) => Orphan(k, attempt!.Value, now),
                _ => UntrackedKey(k),
            })
            .ToList();

        // Rules 22-25: the rotation; then rule 26: the destinations, unless the rotation writes them.
        var plan = NotDue(current!, others, policy, now) ?? SlotHeld(current!, others, policy, now) ?? Rotate(current!, others, policy, now);
        return StaleDestinations(facts, current!, stale, plan);
    }

    // ---- Rules 1-10: gates ----

    /// <summary>Rule 1.</summary>
    private static PlannedAction? Exempt(UserFacts facts)
    {
        if (!facts.Exemption.Exempt)
        {
            return null;
        }

        var until = facts.Exemption.Until is { } u ? $" until {Day(u)}" : "";
        return new(PlannedActionKind.Skip, $"exempt{until}: {facts.Exemption.Reason}");
    }

    /// <summary>
    /// Rule 2: a secret scheduled for deletion takes no new value until it is restored, so no key is created for it;
    /// whoever created it, a person decides whether it comes back.
    /// </summary>
    private static PlannedAction? SecretScheduledForDeletion(UserFacts facts) => facts.Secret?.DeletedDate is { } deleted
        ? new(PlannedActionKind.Block, $"the user's secret is scheduled for deletion (DeletedDate {Day(deleted)}) and takes no new value, so no key is created. "
            + "Restore it (as the rotator role: its resource policy lets no one else change it) or wait until Secrets Manager has deleted it, or change secrets.nameTemplate")
        : null;

    /// <summary>Rule 3.</summary>
    private static PlannedAction? ForeignSecret(UserFacts facts) => facts.Secret is { ManagedByUs: false }
        ? new(PlannedActionKind.Block, "a secret with this user's secret name exists but was not created by OrgKeyRotation; it is never overwritten. Delete or rename it, or change secrets.nameTemplate")
        : null;

    /// <summary>Rule 4: an interrupted rotation is finished before anything else; its key is already in the secret.</summary>
    private static PlannedAction? InterruptedRotation(UserFacts facts, Dictionary<string, KeyRole> roles) =>
        facts.Keys.FirstOrDefault(k => roles[k.AccessKeyId] == KeyRole.Pending) is { IsActive: true } pending
            ? new(PlannedActionKind.CompleteRotation, $"a rotation stopped after staging key {pending.AccessKeyId} as AWSPENDING; verifying and promoting it", pending.AccessKeyId)
            : null;

    /// <summary>Rule 5.</summary>
    private static PlannedAction? VanishedCurrentKey(UserFacts facts, Dictionary<string, KeyRole> roles) =>
        facts.Secret?.CurrentKeyId is { } tracked && !roles.ContainsValue(KeyRole.Current)
            ? new(PlannedActionKind.Block, $"the secret's AWSCURRENT holds key {tracked}, which no longer exists in IAM: consumers of the secret cannot authenticate. Rotate by hand or restore access, then the next sweep takes over")
            : null;

    /// <summary>
    /// The current key, or rules 6-8 without one (no secret yet, or a secret whose first rotation was interrupted):
    /// nothing to rotate, two candidates to choose from (a person decides), or the older active key adopted.
    /// </summary>
    private static (KeyFacts? Current, PlannedAction? Gate) CurrentOrAdopted(UserFacts facts, Dictionary<string, KeyRole> roles)
    {
        if (facts.Keys.FirstOrDefault(k => roles[k.AccessKeyId] == KeyRole.Current) is { } current)
        {
            return (current, null);
        }

        var active = facts.Keys.Where(k => k.IsActive).OrderBy(k => k.CreateDate).ThenBy(k => k.AccessKeyId, StringComparer.Ordinal).ToList();
        if (active.Count == 0)
        {
            // Rule 6.
            return (null, new(PlannedActionKind.Skip, "no active access key: nothing to rotate"));
        }

        if (active.Count > 1 && !IsNeverUsed(active[1]))
        {
            // Rule 7: the newer key is in use too, so which one consumers depend on is a person's call.
            return (null, new(PlannedActionKind.Block, $"two active keys ({active[0].AccessKeyId}, {active[1].AccessKeyId}) and neither is tracked by the secret: find which one consumers use, deactivate the other, and the next sweep adopts the remaining one"));
        }

        // Rule 8.
        roles[active[0].AccessKeyId] = KeyRole.Current;
        return (active[0], null);
    }

    /// <summary>Rule 9.</summary>
    private static PlannedAction? InactiveCurrentKey(KeyFacts current) => current.IsActive
        ? null
        : new(PlannedActionKind.Block, $"key {current.AccessKeyId} in the secret's AWSCURRENT is Inactive, so consumers cannot authenticate: run 'keyrot restore' for it, or rotate by hand");

    /// <summary>
    /// Rule 10: a key of the recorded attempt, inside its grace period, belongs to a rotation still running elsewhere
    /// (unless the attempt is accounted for: <see cref="OpenAttempt"/>).
    /// </summary>
    private static PlannedAction? RotationInProgress(UserFacts facts, Dictionary<string, KeyRole> roles, DateTimeOffset? attempt, DateTimeOffset now)
    {
        if (attempt is not { } attemptedAt || now - attemptedAt >= OrphanGracePeriod)
        {
            return null;
        }

        var fresh = facts.Keys.FirstOrDefault(k => roles[k.AccessKeyId] == KeyRole.Untracked && InsideAttemptWindow(k.CreateDate, attemptedAt));
        return fresh is null
            ? null
            : new(PlannedActionKind.Skip, $"a rotation appears to be in progress: key {fresh.AccessKeyId} was created at {Instant(fresh.CreateDate)}, inside the attempt recorded at {Instant(attemptedAt)}, and is not in the secret yet", fresh.AccessKeyId);
    }

    // ---- Rules 11-15: the previous key while it is active ----

    private static OtherKey PreviousKeyActive(KeyFacts previous, DateTimeOffset handOffAt, IReadOnlyList<DestinationFacts> stale, RotationPolicy policy, DateTimeOffset now)
    {
        var step = PreviousKeyGrace(previous, handOffAt, policy, now)
            ?? PreviousKeyHeld(previous, handOffAt, stale, policy, now)
            ?? PreviousKeyRetired(previous, handOffAt, policy, now)
            ?? PreviousKeyIdle(previous, handOffAt, policy, now)
            ?? PreviousKeyForced(previous, handOffAt, policy, now)
            ?? PreviousKeyInUse(previous, handOffAt, policy, now);
        var id = previous.AccessKeyId;
        var why = step.Kind == PlannedActionKind.Deactivate
            ? $"previous key {id} is deactivated in this sweep and deleted by a later one (deleteAfterDays={policy.DeleteAfterDays})"
            : $"previous key {id} is still active";
        return new OtherKey(previous, step, Slot.Waits, why);
    }

    /// <summary>Rule 11: consumers get deactivateAfterDays from the hand-off to switch.</summary>
    private static PlannedAction? PreviousKeyGrace(KeyFacts previous, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now) =>
        now - handOffAt < TimeSpan.FromDays(policy.DeactivateAfterDays)
            ? new(PlannedActionKind.Skip, $"previous key {previous.AccessKeyId} stays active until {Day(handOffAt.AddDays(policy.DeactivateAfterDays))} so consumers can switch (deactivateAfterDays={policy.DeactivateAfterDays} after the hand-off on {Day(handOffAt)})", previous.AccessKeyId)
            : null;

    /// <summary>Rule 12.</summary>
    private static PlannedAction? PreviousKeyRetired(KeyFacts previous, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now) =>
        policy.RequireOldKeyUnused
            ? null
            : new(PlannedActionKind.Deactivate, $"previous key {previous.AccessKeyId} handed off {WholeDays(now - handOffAt)} days ago (deactivateAfterDays={policy.DeactivateAfterDays}, requireOldKeyUnused=false)", previous.AccessKeyId);

    /// <summary>Rule 13: idle is never used, or not used for oldKeyIdleDays (AWS reports last use hours late).</summary>
    private static PlannedAction? PreviousKeyIdle(KeyFacts previous, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now)
    {
        if (!previous.LastUsedKnown)
        {
            return null;
        }

        var id = previous.AccessKeyId;
        var handedOff = $"handed off {WholeDays(now - handOffAt)} days ago";
        if (previous.LastUsedDate is not { } lastUsed)
        {
            return new(PlannedActionKind.Deactivate, $"previous key {id} was never used and was {handedOff} (deactivateAfterDays={policy.DeactivateAfterDays})", id);
        }

        return now - lastUsed >= TimeSpan.FromDays(policy.OldKeyIdleDays)
            ? new(PlannedActionKind.Deactivate, $"previous key {id} not used for {WholeDays(now - lastUsed)} days (last used {Instant(lastUsed)}; oldKeyIdleDays={policy.OldKeyIdleDays}) and {handedOff}", id)
            : null;
    }

    /// <summary>Rule 14: past maxDeactivationDelayDays the key goes, in use or not; a person must know (<see cref="PlannedAction.Forced"/>, and the reason says so).</summary>
    private static PlannedAction? PreviousKeyForced(KeyFacts previous, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now)
    {
        if (policy.MaxDeactivationDelayDays == 0 || now - handOffAt < TimeSpan.FromDays(policy.MaxDeactivationDelayDays))
        {
            return null;
        }

        var id = previous.AccessKeyId;
        var use = previous.LastUsedKnown ? $"was still in use at the forced deadline (last used {Instant(previous.LastUsedDate!.Value)})" : "may still be in use at the forced deadline (its last use is unknown)";
        return new(PlannedActionKind.Deactivate, $"previous key {id} {use}: deactivated anyway, maxDeactivationDelayDays={policy.MaxDeactivationDelayDays} after the hand-off on {Day(handOffAt)}. Its remaining consumers fail until they read the secret's current key; 'keyrot restore' re-activates it", id) { Forced = true };
    }

    /// <summary>
    /// Rule 15. Once the forced deadline is at most warnDaysBeforeForced whole days away (a part day not counted) the
    /// warning needs a person (<see cref="PlannedAction.DeadlineNear"/>): a consumer that never reads the secret fails
    /// at the deadline unless someone moves it. Counting whole days makes the first such warning of a daily sweep come
    /// at least warnDaysBeforeForced days before the sweep that deactivates the key, whatever minute each sweep runs.
    /// </summary>
    private static PlannedAction PreviousKeyInUse(KeyFacts previous, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now)
    {
        var id = previous.AccessKeyId;
        var use = previous.LastUsedDate is { } lastUsed
            ? $"is still in use (last used {Instant(lastUsed)}): move its consumers to the secret; it is deactivated on {Day(lastUsed.AddDays(policy.OldKeyIdleDays))} if it stays unused (oldKeyIdleDays={policy.OldKeyIdleDays})"
            : "has an unknown last use, and is not deactivated without knowing";
        if (policy.MaxDeactivationDelayDays == 0)
        {
            return new(PlannedActionKind.Warn, $"previous key {id} {use}", id);
        }

        return DeadlineWarning(id, $"previous key {id} {use}", $"every consumer still using key {id} then fails", handOffAt, policy, now);
    }

    /// <summary>
    /// Rules 15 and 27 before the forced deadline: a warning that names the deadline, action-required
    /// (<see cref="PlannedAction.DeadlineNear"/>) once it is at most warnDaysBeforeForced whole days away.
    /// </summary>
    private static PlannedAction DeadlineWarning(string id, string situation, string consequence, DateTimeOffset handOffAt, RotationPolicy policy, DateTimeOffset now)
    {
        var deadline = handOffAt.AddDays(policy.MaxDeactivationDelayDays);
        var near = policy.WarnDaysBeforeForced > 0 && deadline - now < TimeSpan.FromDays(policy.WarnDaysBeforeForced + 1);
        return near
            ? new(PlannedActionKind.Warn, $"{situation}; it is deactivated anyway at the forced deadline {Instant(deadline)} (maxDeactivationDelayDays={policy.MaxDeactivationDelayDays}, warnDaysBeforeForced={policy.WarnDaysBeforeForced}): {consequence}", id) { DeadlineNear = true }
            : new(PlannedActionKind.Warn, $"{situation}; it is deactivated anyway on {Day(deadline)}", id);
    }

    /// <summary>
    /// Rule 27, checked after rule 11's window and before rules 12-15: while a destination does not hold the current
    /// key, its consumers may still read the previous key there, so neither the idle rule nor requireOldKeyUnused=false
    /// deactivates the previous key. The forced deadline still does (<see cref="PlannedAction.Forced"/>), and the
    /// warnings before it name the destinations.
    /// </summary>
    private static PlannedAction? PreviousKeyHeld(KeyFacts previous, DateTimeOffset handOffAt, IReadOnlyList<DestinationFacts> stale, RotationPolicy policy, DateTimeOffset now)
    {
        if (stale.Count == 0)
        {
            return null;
        }

        var id = previous.AccessKeyId;
        var held = $"previous key {id} stays active while the current key is not in every destination (missing from {Names(stale)}; each sweep writes it there)";
        if (policy.MaxDeactivationDelayDays == 0)
        {
            return new(PlannedActionKind.Warn, held, id);
        }

        if (now - handOffAt >= TimeSpan.FromDays(policy.MaxDeactivationDelayDays))
        {
            return new(PlannedActionKind.Deactivate, $"previous key {id} is deactivated at the forced deadline, maxDeactivationDelayDays={policy.MaxDeactivationDelayDays} after the hand-off on {Day(handOffAt)}, although the current key is missing from {Names(stale)}: consumers reading the key there fail until it holds the current one; 'keyrot restore' re-activates the previous key", id) { Forced = true };
        }

        return DeadlineWarning(id, held, $"every consumer of {Names(stale)} still using key {id} then fails", handOffAt, policy, now);
    }

    /// <summary>
    /// Rule 26: the destinations that do not hold the current key are written from the secret's AWSCURRENT, every sweep
    /// until they do (a destination added to the configuration later included). Not when the plan rotates (the rotation
    /// writes every destination) or is blocked (a person acts first), nor for a key the secret does not hold as
    /// AWSCURRENT (adopted: its value is not known; the first rotation writes the destinations).
    /// </summary>
    private static List<PlannedAction> StaleDestinations(UserFacts facts, KeyFacts current, IReadOnlyList<DestinationFacts> stale, List<PlannedAction> plan)
    {
        if (stale.Count == 0 || facts.Secret?.CurrentKeyId != current.AccessKeyId || plan.Any(a => a.Kind is PlannedActionKind.Rotate or PlannedActionKind.Block))
        {
            return plan;
        }

        plan.Insert(0, new(PlannedActionKind.SyncDestinations, $"current key {current.AccessKeyId} is missing from {Names(stale)}: writing it there from the secret's AWSCURRENT", current.AccessKeyId));
        return plan;
    }

    /// <summary>
    /// What happens to the key a promotion replaced, in the words of the rotated alert: it becomes the previous key, so
    /// rules 11-14 decide when it is deactivated, counting from the hand-off; <paramref name="deactivatedRightAfter"/>
    /// when the plan deactivates it right after the promotion (rule 25).
    /// </summary>
    public static string ReplacedKeyFate(string replacedKeyId, RotationPolicy policy, bool deactivatedRightAfter)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (deactivatedRightAfter)
        {
            return $"Old key {replacedKeyId} is deactivated in this sweep (deactivateAfterDays=0).";
        }

        if (!policy.RequireOldKeyUnused)
        {
            // Rule 12, after rule 11's window.
            return policy.DeactivateAfterDays == 0
                ? $"Old key {replacedKeyId} stays active until the next sweep deactivates it (deactivateAfterDays=0)."
                : $"Old key {replacedKeyId} stays active for {policy.DeactivateAfterDays} days (deactivateAfterDays), then a sweep deactivates it.";
        }

        // Rule 13 after rule 11's window, or rule 14 at the deadline.
        var atLeast = policy.DeactivateAfterDays > 0 ? $" for at least {policy.DeactivateAfterDays} days (deactivateAfterDays) and" : "";
        var deadline = policy.MaxDeactivationDelayDays > 0 ? $"; it is deactivated anyway after {policy.MaxDeactivationDelayDays} days (maxDeactivationDelayDays)" : "";
        return $"Old key {replacedKeyId} stays active{atLeast} until it is idle (never used, or unused for {policy.OldKeyIdleDays} days: oldKeyIdleDays){deadline}.";
    }

    /// <summary>
    /// The latest instant the rotator deactivates the user's active previous key, so the end of the key pair's
    /// hand-off at the latest (rules 11-14): with requireOldKeyUnused false, the end of rule 11's window (rule 12);
    /// otherwise rule 14's forced deadline, never before rule 11's window ends. Null when the plan's user has no active
    /// previous key beside its current key, or nothing forces the deactivation (maxDeactivationDelayDays 0: rule 13
    /// alone waits for the key to be idle).
    /// </summary>
    public static DateTimeOffset? HandOffEnd(UserPlan plan, RotationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(policy);
        var keys = plan.Facts.Keys;
        var current = keys.FirstOrDefault(k => plan.Roles[k.AccessKeyId] == KeyRole.Current);
        if (current is null || !keys.Any(k => k.IsActive && plan.Roles[k.AccessKeyId] == KeyRole.Previous))
        {
            return null;
        }

        var handOffAt = HandOffTime(current, plan.Facts.Secret);
        int? days = !policy.RequireOldKeyUnused ? policy.DeactivateAfterDays
            : policy.MaxDeactivationDelayDays > 0 ? Math.Max(policy.MaxDeactivationDelayDays, policy.DeactivateAfterDays)
            : null;
        return days is { } d ? handOffAt.AddDays(d) : null;
    }

    // ---- Rules 16-18: the previous key once inactive ----

    private static OtherKey PreviousKeyInactive(KeyFacts previous, SecretFacts secret, RotationPolicy policy, DateTimeOffset now)
    {
        var id = previous.AccessKeyId;
        var deactivatedAt = secret.DeactivatedKeyId == id ? secret.DeactivatedAt : null;
        if (deactivatedAt is not { } at)
        {
            // Rule 16: its deletion clock starts now.
            var record = new PlannedAction(PlannedActionKind.RecordDeactivation, $"previous key {id} found inactive; its deletion is due {policy.DeleteAfterDays} days from now", id);
            return policy.DeleteAfterDays > 0
                ? new OtherKey(previous, record, Slot.Waits, $"previous key {id} was just found inactive and its restore window starts now (deleteAfterDays={policy.DeleteAfterDays})")
                : new OtherKey(previous, record, Slot.Freeable, $"inactive previous key {id} (deleteAfterDays=0: no restore window)");
        }

        if (now - at >= TimeSpan.FromDays(policy.DeleteAfterDays))
        {
            // Rule 17.
            return new OtherKey(previous, new(PlannedActionKind.Delete, $"previous key {id} inactive since {Day(at)} (deleteAfterDays={policy.DeleteAfterDays})", id), Slot.Freed);
        }

        // Rule 18: the restore window is never cut short, not even for a due rotation.
        var end = Day(at.AddDays(policy.DeleteAfterDays));
        return new OtherKey(previous, new(PlannedActionKind.Skip, $"previous key {id} inactive since {Day(at)}; deleted on {end} unless restored", id),
            Slot.Waits, $"previous key {id} is in its restore window until {end} (deleteAfterDays={policy.DeleteAfterDays})");
    }

    // ---- Rules 19-21: keys the secret does not hold as current or previous ----

    /// <summary>
    /// Rule 19: an orphan is never used, and was created inside the window of a recorded attempt that is not accounted
    /// for (<see cref="OpenAttempt"/>), whose grace is over (rule 10).
    /// </summary>
    private static bool IsOrphan(KeyFacts key, DateTimeOffset? attempt) =>
        IsNeverUsed(key) && attempt is { } attemptedAt && InsideAttemptWindow(key.CreateDate, attemptedAt);

    /// <summary>
    /// Rule 19: an orphan frees the slot once it is <see cref="OrphanMinimumAge"/> old; younger, its "never used" may
    /// be AWS's late report of a key in use, so the rotation waits for that age.
    /// </summary>
    private static OtherKey Orphan(KeyFacts key, DateTimeOffset attemptedAt, DateTimeOffset now)
    {
        var id = key.AccessKeyId;
        var trace = $"created at {Instant(key.CreateDate)} inside the attempt recorded at {Instant(attemptedAt)}, never used, not in the secret: left by an interrupted rotation";
        var deletable = key.CreateDate + OrphanMinimumAge;
        return now >= deletable
            ? new OtherKey(key, new(PlannedActionKind.Warn, $"key {id} is an orphan ({trace}); the next rotation deletes it", id), Slot.Freeable, $"orphan key {id} ({trace})")
            : new OtherKey(key, new(PlannedActionKind.Warn, $"key {id} looks like an orphan ({trace}); a rotation deletes it from {Instant(deletable)} if it is still reported never used", id),
                Slot.Waits, $"key {id} looks like an orphan, but AWS reports a key's last use up to {(int)LastUsedLagBound.TotalHours} hours late, so it may be in use: a rotation deletes it from {Instant(deletable)} ({(int)OrphanMinimumAge.TotalHours} hours after its creation) if it is still reported never used");
    }

    /// <summary>Rule 20: any key without a record of the rotator creating it, active or inactive, used or not, is never deleted by it.</summary>
    private static OtherKey UntrackedKey(KeyFacts key)
    {
        var id = key.AccessKeyId;
        var warn = key.IsActive
            ? $"key {id} is active but not tracked by the secret, and no recorded rotation attempt created it (last used {LastUsed(key)}): the rotation never deletes it. Move its consumers to the secret, then deactivate and delete it"
            : $"key {id} is Inactive and not tracked by the secret, and no recorded rotation attempt created it: the rotation never deletes it. Delete it if nobody needs it";
        return new OtherKey(key, new(PlannedActionKind.Warn, warn, id), Slot.Blocks, $"key {id} holds the second key slot and the rotation never deletes a key it has no record of creating: delete key {id} (after moving any consumers to the secret)");
    }

    /// <summary>Rule 21: an inactive key still in AWSPENDING, from a rotation that never completed (an active one is rule 4).</summary>
    private static OtherKey StalePendingKey(KeyFacts key) =>
        new(key, null, Slot.Freeable, $"inactive key {key.AccessKeyId} (staged AWSPENDING by a rotation that never completed)");

    // ---- Rules 22-25: the rotation ----

    /// <summary>Rule 22.</summary>
    private static List<PlannedAction>? NotDue(KeyFacts current, List<OtherKey> others, RotationPolicy policy, DateTimeOffset now)
    {
        if (IsDue(current, policy, now))
        {
            return null;
        }

        var actions = Steps(others);
        if (actions.Count == 0)
        {
            actions.Add(new(PlannedActionKind.Skip, $"{AgeText(current, now)}; rotation due on {Day(current.CreateDate.AddDays(policy.MaxKeyAgeDays))} (maxKeyAgeDays={policy.MaxKeyAgeDays})", current.AccessKeyId));
        }

        return actions;
    }

    /// <summary>Rule 23: IAM allows two keys, and the current key keeps one, so a rotation needs every other key gone.</summary>
    private static List<PlannedAction>? SlotHeld(KeyFacts current, List<OtherKey> others, RotationPolicy policy, DateTimeOffset now)
    {
        if (others.FirstOrDefault(o => o.Slot is Slot.Waits or Slot.Blocks) is not { } holder)
        {
            return null;
        }

        var actions = Steps(others);
        var due = $"{AgeText(current, now)} and due for rotation (maxKeyAgeDays={policy.MaxKeyAgeDays})";
        actions.Add(holder.Slot == Slot.Blocks
            ? new(PlannedActionKind.Block, $"{due}, but {holder.SlotReason}; the next sweep rotates", current.AccessKeyId)
            : new(PlannedActionKind.Skip, $"{due}, but {holder.SlotReason}: IAM allows two keys, so the rotation waits", current.AccessKeyId));
        return actions;
    }

    /// <summary>Rules 24-25: free the slot by deleting keys that cannot be in use (replacing their own step), rotate, and deactivate the old key at once if so configured.</summary>
    private static List<PlannedAction> Rotate(KeyFacts current, List<OtherKey> others, RotationPolicy policy, DateTimeOffset now)
    {
        var actions = others.Where(o => o.Slot == Slot.Freeable)
            .Select(o => new PlannedAction(PlannedActionKind.Delete, $"{o.SlotReason} is deleted to free the key slot the rotation needs", o.Key.AccessKeyId))
            .ToList();
        actions.AddRange(others.Where(o => o.Slot != Slot.Freeable).Select(o => o.Step).OfType<PlannedAction>());
        actions.Add(new(PlannedActionKind.Rotate, $"{AgeText(current, now)} (maxKeyAgeDays={policy.MaxKeyAgeDays})", current.AccessKeyId));
        if (policy.DeactivateAfterDays == 0 && !policy.RequireOldKeyUnused)
        {
            actions.Add(new(PlannedActionKind.Deactivate, $"old key {current.AccessKeyId} deactivated right after promotion (deactivateAfterDays=0, requireOldKeyUnused=false)", current.AccessKeyId));
        }

        return actions;
    }

    // ---- Times ----

    /// <summary>
    /// When the current key was handed to consumers: the hand-off record when it names the key (a promotion in a
    /// later run, e.g. CompleteRotation); else the recorded attempt when the key was created inside its window (the
    /// promotion followed within seconds); else the key's CreateDate (secrets written by older releases).
    /// </summary>
    private static DateTimeOffset HandOffTime(KeyFacts current, SecretFacts? secret)
    {
        if (secret?.HandOff is { } handOff && handOff.AccessKeyId == current.AccessKeyId)
        {
            return handOff.At;
        }

        return secret?.AttemptedAt is { } attemptedAt && InsideAttemptWindow(current.CreateDate, attemptedAt) ? attemptedAt : current.CreateDate;
    }

    /// <summary>
    /// Where the previous key's clocks start: the hand-off, or a later <c>keyrot restore</c> of that key (a restore
    /// recorded before the hand-off was of the key while it was current, and says nothing of its time as the previous key).
    /// </summary>
    private static DateTimeOffset ClocksStart(KeyFacts previous, DateTimeOffset handOffAt, SecretFacts? secret) =>
        secret?.Restored is { } restored && restored.AccessKeyId == previous.AccessKeyId ? new[] { restored.At, handOffAt }.Max() : handOffAt;

    /// <summary>
    /// The recorded attempt, unless it is accounted for: one attempt creates at most one key, so once the secret's current
    /// key is a key created inside the attempt's window, and not the key the attempt set out to replace, no other key is
    /// that attempt's orphan or a sign of its rotation still running. The current key is the only one to look at: under
    /// IAM's two-key limit, an attempt's key held as pending or previous leaves no room for a second key beside a
    /// current key IAM still has. Null without a record.
    /// </summary>
    private static DateTimeOffset? OpenAttempt(UserFacts facts) =>
        facts.Secret is { AttemptedAt: { } attemptedAt } secret
        && !facts.Keys.Any(k => k.AccessKeyId == secret.CurrentKeyId && k.AccessKeyId != secret.AttemptReplacedKeyId && InsideAttemptWindow(k.CreateDate, attemptedAt))
            ? attemptedAt
            : null;

    private static bool InsideAttemptWindow(DateTimeOffset createDate, DateTimeOffset attemptedAt) =>
        createDate >= attemptedAt - AttemptClockSkew && createDate <= attemptedAt + AttemptWindow;

    private static bool IsDue(KeyFacts current, RotationPolicy policy, DateTimeOffset now) => now - current.CreateDate >= TimeSpan.FromDays(policy.MaxKeyAgeDays);

    private static string Names(IReadOnlyList<DestinationFacts> destinations) => string.Join(", ", destinations.Select(d => d.Name));

    private static List<PlannedAction> Steps(List<OtherKey> others) => others.Select(o => o.Step).OfType<PlannedAction>().ToList();

    private static bool IsNeverUsed(KeyFacts key) => key.LastUsedKnown && key.LastUsedDate is null;

    private static string AgeText(KeyFacts current, DateTimeOffset now) => $"key {current.AccessKeyId} is {WholeDays(now - current.CreateDate)} days old";

    private static string LastUsed(KeyFacts key) => !key.LastUsedKnown ? "unknown" : key.LastUsedDate is { } d ? Instant(d) : "never";

    private static int WholeDays(TimeSpan span) => (int)Math.Floor(span.TotalDays);

    private static string Day(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
