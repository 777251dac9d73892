using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using static OrgKeyRotation.Core.Tests.Planning.Scenario;

namespace OrgKeyRotation.Core.Tests.Planning;

/// <summary>
/// Every combination of a small domain (0-2 keys x status x role in the secret x last use x age x policy, and the
/// attempt and hand-off records) is planned and checked against the invariants that keep consumers working, keep IAM
/// within its two-key limit and never delete a key the rotator did not create. The invariants are stated here from
/// docs/design.md, independently of the planner's code.
/// </summary>
public class PlannerPropertyTests
{
    private enum Role { Current, Pending, Previous, PreviousRecordedRecently, PreviousRecordedLongAgo, Untracked }

    private sealed record Slot(AccessKeyStatus Status, TimeSpan Age, Use LastUsed, Role Role);

    private const string K1 = "AKIAFIRST0000000001";
    private const string K2 = "AKIASECOND000000002";

    private static readonly TimeSpan[] Ages = [TimeSpan.FromMinutes(10), TimeSpan.FromHours(2), TimeSpan.FromDays(3), TimeSpan.FromDays(40), TimeSpan.FromDays(100)];
    private static readonly Use[] Uses = [Use.Never, Use.Unknown, Use.DaysAgo(1), Use.DaysAgo(35)];

    /// <summary>
    /// Attempts recorded 30 s before the 10-minute-old keys were created (their rotation still in its grace period), 30 s
    /// before the 2-hour-old keys were created (grace over, but too young for their last use to be trusted), and 30 s
    /// before the 3-day-old keys were created (orphans if never used).
    /// </summary>
    private static readonly DateTimeOffset?[] Attempts = [null, .. new[] { TimeSpan.FromMinutes(10), TimeSpan.FromHours(2), TimeSpan.FromDays(3) }.Select(age => (DateTimeOffset?)(Now - age - TimeSpan.FromSeconds(30)))];

    private static readonly Lazy<List<UserFacts>> BaseUsers = new(() => Users().ToList());

    private static IEnumerable<Slot> Slots() =>
        from status in Enum.GetValues<AccessKeyStatus>()
        from age in Ages
        from use in Uses
        where use.Ago is not { } ago || ago <= age
        from role in Enum.GetValues<Role>()
        select new Slot(status, age, use, role);

    private static IEnumerable<RotationPolicy> Policies() =>
        from maxAge in new[] { 1, 90 }
        from deactivate in new[] { 0, 7 }
        from delete in new[] { 0, 7 }
        from requireUnused in new[] { true, false }
        from maxDelay in new[] { 0, 30 }
        select new RotationPolicy { MaxKeyAgeDays = maxAge, DeactivateAfterDays = deactivate, DeleteAfterDays = delete, RequireOldKeyUnused = requireUnused, MaxDeactivationDelayDays = maxDelay };

    /// <summary>
    /// Fewer policies for the records, which decide orphans (due or not) and the hand-off (deactivateAfterDays, the
    /// idle rule); deleteAfterDays and requireOldKeyUnused=false do not depend on them.
    /// </summary>
    private static IEnumerable<RotationPolicy> RecordPolicies() =>
        from maxAge in new[] { 1, 90 }
        from deactivate in new[] { 0, 7 }
        from idle in new[] { 1, 7 }
        select new RotationPolicy { MaxKeyAgeDays = maxAge, DeactivateAfterDays = deactivate, OldKeyIdleDays = idle };

    /// <summary>Every user: keys with their slots, and every secret (without attempt or hand-off records) that can describe them.</summary>
    private static IEnumerable<UserFacts> Users()
    {
        var slots = Slots().ToList();
        var keySets = new List<(string Id, Slot Slot)[]> { Array.Empty<(string, Slot)>() };
        keySets.AddRange(slots.Select(s => new[] { (K1, s) }));
        keySets.AddRange(
            from a in slots
            from b in slots
            where a.Role == Role.Untracked || a.Role != b.Role
            where !(IsPrevious(a.Role) && IsPrevious(b.Role))
            select new[] { (K1, a), (K2, b) });

        foreach (var keys in keySets)
        {
            // The second key is a second younger: IAM never lists two keys with one CreateDate for a user in practice.
            var facts = keys.Select(k => new KeySpec(k.Id, k.Slot.Status, k.Id == K2 ? k.Slot.Age - TimeSpan.FromSeconds(1) : k.Slot.Age, k.Slot.LastUsed).At(Now)).ToList();
            if (keys.All(k => k.Slot.Role == Role.Untracked))
            {
                yield return new UserFacts("111111111111", "alice", facts, null, ExemptionFacts.None);
                yield return new UserFacts("111111111111", "alice", facts, new SecretFacts(false, null, null, null, null, null), ExemptionFacts.None);
            }

            string? With(Role role) => keys.Where(k => k.Slot.Role == role).Select(k => k.Id).FirstOrDefault();
            var previous = keys.Where(k => IsPrevious(k.Slot.Role)).Select(k => k.Id).FirstOrDefault();
            var recorded = keys.Where(k => k.Slot.Role is Role.PreviousRecordedRecently or Role.PreviousRecordedLongAgo).Select(k => k.Slot.Role).FirstOrDefault();
            DateTimeOffset? deactivatedAt = recorded switch
            {
                Role.PreviousRecordedRecently => Now.AddDays(-2),
                Role.PreviousRecordedLongAgo => Now.AddDays(-30),
                _ => null,
            };

            var current = With(Role.Current);
            foreach (var currentId in current is null ? new[] { null, Gone } : [current])
            {
                yield return new UserFacts("111111111111", "alice", facts,
                    new SecretFacts(true, currentId, With(Role.Pending), previous, deactivatedAt is null ? null : previous, deactivatedAt), ExemptionFacts.None);
            }
        }
    }

    /// <summary>
    /// The managed secrets of <see cref="Users"/> with every attempt record (with and without the current key as the key
    /// it set out to replace), and a hand-off of the current key 2 days ago.
    /// </summary>
    private static IEnumerable<UserFacts> UsersWithRecords() =>
        from user in BaseUsers.Value
        where user.Secret is { ManagedByUs: true }
        from attempt in Attempts
        from replaced in attempt is not null && user.Secret!.CurrentKeyId is { } replacing ? new[] { null, replacing } : [null]
        from handOff in user.Secret!.CurrentKeyId is { } current ? new[] { null, new KeyHandOff(current, Now.AddDays(-2)) } : [null]
        where attempt is not null || handOff is not null
        select user with { Secret = user.Secret! with { AttemptedAt = attempt, AttemptReplacedKeyId = replaced, HandOff = handOff } };

    private static bool IsPrevious(Role role) => role is Role.Previous or Role.PreviousRecordedRecently or Role.PreviousRecordedLongAgo;

    [Fact]
    public void Plan_EveryCombination_KeepsTheInvariants() =>
        AssertInvariants(BaseUsers.Value, Policies().ToList(), checkListingOrder: true, minimumPlans: 900_000);

    [Fact]
    public void Plan_EveryCombinationWithAttemptAndHandOffRecords_KeepsTheInvariants() =>
        AssertInvariants(UsersWithRecords().ToList(), RecordPolicies().ToList(), checkListingOrder: false, minimumPlans: 800_000);

    /// <summary>
    /// The users of <see cref="Users"/> with one destination that holds no key, one that holds the previous key, or one
    /// that holds the current key, under the policies that decide the previous key's deactivation.
    /// </summary>
    [Fact]
    public void Plan_EveryCombinationWithADestination_KeepsTheInvariants()
    {
        var users =
            from user in BaseUsers.Value
            from holds in new[] { null, user.Secret?.PreviousKeyId, user.Secret?.CurrentKeyId }.Distinct()
            select user with
            {
                Destinations = [new DestinationFacts("d1", "ssm:/d1")],
                Secret = user.Secret is { } secret && holds is not null
                    ? secret with { Destinations = new Dictionary<string, DestinationRecord> { ["d1"] = new(holds, Now.AddDays(-1)) } }
                    : user.Secret,
            };
        var policies =
            from maxAge in new[] { 1, 90 }
            from requireUnused in new[] { true, false }
            from maxDelay in new[] { 0, 30 }
            select new RotationPolicy { MaxKeyAgeDays = maxAge, RequireOldKeyUnused = requireUnused, MaxDeactivationDelayDays = maxDelay };
        AssertInvariants(users.ToList(), policies.ToList(), checkListingOrder: false, minimumPlans: 400_000);
    }

    private static void AssertInvariants(List<UserFacts> users, List<RotationPolicy> policies, bool checkListingOrder, int minimumPlans)
    {
        var violations = new List<string>();
        var plans = 0;
        foreach (var user in users)
        {
            foreach (var policy in policies)
            {
                var plan = Planner.Plan(user, policy, Now);
                plans++;
                var broken = Check(plan, policy).ToList();
                if (checkListingOrder && !Planner.Plan(user with { Keys = user.Keys.Reverse().ToList() }, policy, Now).Actions.SequenceEqual(plan.Actions))
                {
                    broken.Add("the plan depends on the order IAM lists the keys in");
                }

                violations.AddRange(broken.Select(b => $"{b}\n    keys: {string.Join("; ", user.Keys)}\n    secret: {user.Secret}\n    policy: {policy}\n    plan: {string.Join(" | ", plan.Actions.Select(a => $"{a.Kind} {a.AccessKeyId}: {a.Reason}"))}"));
            }
        }

        Assert.True(plans > minimumPlans, $"only {plans} combinations were planned");
        Assert.True(violations.Count == 0, $"{violations.Count} of {plans} plans break an invariant ({string.Join(", ", violations.Select(v => v.Split('\n')[0]).Distinct())}), e.g.:\n" + string.Join("\n", violations.Take(5)));
    }

    private static bool InsideAttemptWindow(DateTimeOffset createDate, DateTimeOffset? attemptedAt) =>
        attemptedAt is { } at && createDate >= at - Planner.AttemptClockSkew && createDate <= at + Planner.AttemptWindow;

    private static IEnumerable<string> Check(UserPlan plan, RotationPolicy policy)
    {
        var facts = plan.Facts;
        var secret = facts.Secret;
        var actions = plan.Actions.ToList();
        var keys = facts.Keys.ToDictionary(k => k.AccessKeyId, StringComparer.Ordinal);
        var currentId = plan.Roles.Where(r => r.Value == KeyRole.Current).Select(r => r.Key).SingleOrDefault();
        var current = currentId is null ? null : keys[currentId];
        var rotates = actions.Count(a => a.Kind == PlannedActionKind.Rotate);
        var deleted = actions.Where(a => a.Kind == PlannedActionKind.Delete).Select(a => a.AccessKeyId!).ToHashSet(StringComparer.Ordinal);
        var attemptedAt = secret?.AttemptedAt;
        var handOffAt = current is null ? (DateTimeOffset?)null
            : secret?.HandOff is { } h && h.AccessKeyId == currentId ? h.At
            : InsideAttemptWindow(current.CreateDate, attemptedAt) ? attemptedAt
            : current.CreateDate;

        var destinationsStale = facts.Destinations.Any(d => currentId is null || secret?.Destinations.GetValueOrDefault(d.Id)?.AccessKeyId != currentId);
        if (actions.Count == 0)
        {
            yield return "empty plan";
        }

        if (actions.Any(a => string.IsNullOrWhiteSpace(a.Reason)))
        {
            yield return "an action without a reason";
        }

        if (actions.Any(a => a.AccessKeyId is { } id && !keys.ContainsKey(id)))
        {
            yield return "an action names a key the user does not have";
        }

        if (actions.Any(a => a.Kind == PlannedActionKind.Reactivate))
        {
            yield return "Reactivate outside a restore";
        }

        if (rotates > 1)
        {
            yield return "more than one Rotate";
        }

        if (facts.Keys.Count - deleted.Count + rotates > 2)
        {
            yield return "more than two keys after the plan (IAM's limit)";
        }

        if (rotates == 1)
        {
            var rotate = actions.Single(a => a.Kind == PlannedActionKind.Rotate);
            if (current is null || rotate.AccessKeyId != currentId || !current.IsActive)
            {
                yield return "Rotate of a key that is not the active current key";
            }
            else if (Now - current.CreateDate < TimeSpan.FromDays(policy.MaxKeyAgeDays))
            {
                yield return "Rotate before maxKeyAgeDays";
            }

            if (actions.Any(a => a.Kind == PlannedActionKind.Delete && actions.IndexOf(a) > actions.IndexOf(rotate)))
            {
                yield return "a slot-freeing Delete after the Rotate";
            }
        }

        if (actions.Any(a => a.Kind == PlannedActionKind.Block) && actions.Any(a => a.ChangesState))
        {
            yield return "Block together with a change";
        }

        if (actions.FirstOrDefault(a => a.Kind == PlannedActionKind.CompleteRotation) is { } complete
            && (actions.Count != 1 || plan.Roles[complete.AccessKeyId!] != KeyRole.Pending || !keys[complete.AccessKeyId!].IsActive))
        {
            yield return "CompleteRotation not alone or not of an active pending key";
        }

        var changedTwice = actions.Where(a => a.ChangesState && a.AccessKeyId is not null).GroupBy(a => a.AccessKeyId)
            .Any(g => g.Count() > 1 && !(g.Key == currentId && g.Select(a => a.Kind).SequenceEqual([PlannedActionKind.Rotate, PlannedActionKind.Deactivate])));
        if (changedTwice)
        {
            yield return "two changes of one key in one plan (other than Rotate then Deactivate of the old current key)";
        }

        // One attempt creates one key: once the secret's current key is a key of its window other than the one it set out
        // to replace, it is accounted for.
        var accounted = facts.Keys.Any(k => k.AccessKeyId == secret?.CurrentKeyId && k.AccessKeyId != secret.AttemptReplacedKeyId && InsideAttemptWindow(k.CreateDate, attemptedAt));
        var inProgress = !accounted && attemptedAt is { } attempted && Now - attempted < Planner.OrphanGracePeriod
            && facts.Keys.Any(k => plan.Roles[k.AccessKeyId] == KeyRole.Untracked && InsideAttemptWindow(k.CreateDate, attemptedAt));
        if (inProgress && actions.Any(a => a.ChangesState && a.Kind != PlannedActionKind.CompleteRotation))
        {
            yield return "a change while a recorded rotation is in progress (inside its grace period)";
        }

        foreach (var id in deleted)
        {
            var key = keys[id];
            var role = plan.Roles[id];
            if (role == KeyRole.Current)
            {
                yield return "Delete of the current key";
            }
            else if (role == KeyRole.Untracked)
            {
                var orphan = !accounted && key.LastUsedKnown && key.LastUsedDate is null && InsideAttemptWindow(key.CreateDate, attemptedAt)
                    && Now - attemptedAt!.Value >= Planner.OrphanGracePeriod;
                if (!orphan)
                {
                    yield return "Delete of an untracked key that is not an orphan of a recorded attempt that no key in the secret accounts for (a person's key)";
                }

                if (Now - key.CreateDate < Planner.OrphanMinimumAge)
                {
                    yield return "Delete of an orphan younger than OrphanMinimumAge (its last use may not be reported yet)";
                }

                if (rotates == 0)
                {
                    yield return "orphan deleted without a rotation that needs its slot";
                }
            }
            else if (key.IsActive)
            {
                yield return "Delete of an active key the secret tracks";
            }
            else if (role == KeyRole.Pending && rotates == 0)
            {
                yield return "stale pending key deleted without a rotation that needs its slot";
            }
            else if (role == KeyRole.Previous && secret?.DeactivatedKeyId == id && secret.DeactivatedAt is { } at
                && Now - at < TimeSpan.FromDays(policy.DeleteAfterDays))
            {
                yield return "inactive previous key deleted before deleteAfterDays (its restore window cut short)";
            }
            else if (role == KeyRole.Previous && secret?.DeactivatedKeyId != id && (policy.DeleteAfterDays > 0 || rotates == 0))
            {
                yield return "inactive previous key deleted before its deactivation was recorded (no restore window)";
            }
        }

        if (actions.Any(a => a.Forced && a.Kind != PlannedActionKind.Deactivate))
        {
            yield return "Forced on an action other than Deactivate";
        }

        if (actions.Any(a => a.DeadlineNear && (a.Kind != PlannedActionKind.Warn || a.AccessKeyId == currentId)))
        {
            yield return "DeadlineNear on an action other than a warning about the previous key";
        }

        foreach (var deactivate in actions.Where(a => a.Kind == PlannedActionKind.Deactivate))
        {
            var id = deactivate.AccessKeyId!;
            var key = keys[id];
            var onlyTheDeadlineAllows = id != currentId && (destinationsStale || policy.RequireOldKeyUnused
                && !(key.LastUsedKnown && (key.LastUsedDate is null || Now - key.LastUsedDate.Value >= TimeSpan.FromDays(policy.OldKeyIdleDays))));
            if (deactivate.Forced != onlyTheDeadlineAllows)
            {
                yield return "Forced is not exactly the deactivation of a previous key that only maxDeactivationDelayDays allows";
            }

            if (!key.IsActive)
            {
                yield return "Deactivate of an inactive key";
            }

            if (id == currentId)
            {
                var rotateIndex = actions.FindIndex(a => a.Kind == PlannedActionKind.Rotate && a.AccessKeyId == id);
                if (rotateIndex < 0 || rotateIndex > actions.IndexOf(deactivate) || policy.DeactivateAfterDays != 0 || policy.RequireOldKeyUnused)
                {
                    yield return "Deactivate of the current key outside the immediate-deactivation-after-Rotate case";
                }
            }
            else if (plan.Roles[id] != KeyRole.Previous)
            {
                yield return "Deactivate of a key the rotation did not replace";
            }
            else if (Now - handOffAt!.Value < TimeSpan.FromDays(policy.DeactivateAfterDays))
            {
                yield return "previous key deactivated before deactivateAfterDays after its hand-off";
            }
            else if (policy.RequireOldKeyUnused || destinationsStale)
            {
                var idle = !destinationsStale && key.LastUsedKnown && (key.LastUsedDate is null || Now - key.LastUsedDate.Value >= TimeSpan.FromDays(policy.OldKeyIdleDays));
                var forced = policy.MaxDeactivationDelayDays > 0 && Now - handOffAt.Value >= TimeSpan.FromDays(policy.MaxDeactivationDelayDays);
                if (!idle && !forced)
                {
                    yield return "previous key deactivated while used within oldKeyIdleDays (or of unknown use) before maxDeactivationDelayDays";
                }
            }
        }

        // Destinations: written from the secret's AWSCURRENT when the plan does not rotate; the previous key waits for them.
        var syncs = actions.Where(a => a.Kind == PlannedActionKind.SyncDestinations).ToList();
        if (syncs.Count > 0 && (syncs.Count > 1 || actions[0] != syncs[0] || !destinationsStale || syncs[0].AccessKeyId != currentId
            || secret?.CurrentKeyId != currentId || !current!.IsActive || actions.Any(a => a.Kind is PlannedActionKind.Rotate or PlannedActionKind.CompleteRotation)))
        {
            yield return "SyncDestinations other than once, first, of the active current key in AWSCURRENT, with a stale destination and no rotation";
        }

        if (syncs.Count == 0 && destinationsStale && current is { IsActive: true } && secret?.CurrentKeyId == currentId
            && actions.All(a => a.Kind != PlannedActionKind.Block) && actions.Any(a => a.Kind is PlannedActionKind.Deactivate or PlannedActionKind.Warn && a.AccessKeyId != currentId))
        {
            yield return "a stale destination left unwritten while the plan acts on another key";
        }

        if (destinationsStale && actions.Any(a => a.Kind == PlannedActionKind.Deactivate && a.AccessKeyId != currentId && !a.Forced))
        {
            yield return "previous key deactivated before the forced deadline while a destination does not hold the current key";
        }

        if (secret is { ManagedByUs: false } && (actions.Count != 1 || actions[0].Kind != PlannedActionKind.Block))
        {
            yield return "an unmanaged secret did not block";
        }
    }
}
