using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Planning;
using static OrgKeyRotation.Core.Tests.Planning.Scenario;

namespace OrgKeyRotation.Core.Tests.Planning;

/// <summary>
/// Every combination of a small domain (0-2 keys x status x role in the secret x last use x age x policy) is planned
/// and checked against the invariants that keep consumers working and IAM within its two-key limit.
/// </summary>
public class PlannerPropertyTests
{
    private enum Role { Current, Pending, Previous, PreviousRecordedRecently, PreviousRecordedLongAgo, Untracked }

    private sealed record Slot(AccessKeyStatus Status, TimeSpan Age, Use LastUsed, Role Role);

    private const string K1 = "AKIAFIRST0000000001";
    private const string K2 = "AKIASECOND000000002";

    private static readonly TimeSpan[] Ages = [TimeSpan.FromMinutes(10), TimeSpan.FromDays(3), TimeSpan.FromDays(40), TimeSpan.FromDays(100)];
    private static readonly Use[] Uses = [Use.Never, Use.Unknown, Use.DaysAgo(1), Use.DaysAgo(35)];

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

    /// <summary>Every user: keys with their slots, and every secret that can describe them.</summary>
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

    private static bool IsPrevious(Role role) => role is Role.Previous or Role.PreviousRecordedRecently or Role.PreviousRecordedLongAgo;

    [Fact]
    public void Plan_EveryCombination_KeepsTheInvariants()
    {
        var policies = Policies().ToList();
        var violations = new List<string>();
        var plans = 0;
        foreach (var user in Users())
        {
            foreach (var policy in policies)
            {
                var plan = Planner.Plan(user, policy, Now);
                plans++;
                foreach (var broken in Check(plan, policy))
                {
                    violations.Add($"{broken}\n    keys: {string.Join("; ", user.Keys)}\n    secret: {user.Secret}\n    policy: {policy}\n    plan: {string.Join(" | ", plan.Actions.Select(a => $"{a.Kind} {a.AccessKeyId}: {a.Reason}"))}");
                }
            }
        }

        Assert.True(plans > 100_000, $"only {plans} combinations were planned");
        Assert.True(violations.Count == 0, $"{violations.Count} of {plans} plans break an invariant ({string.Join(", ", violations.Select(v => v.Split('\n')[0]).Distinct())}), e.g.:\n" + string.Join("\n", violations.Take(5)));
    }

    private static IEnumerable<string> Check(UserPlan plan, RotationPolicy policy)
    {
        var facts = plan.Facts;
        var actions = plan.Actions.ToList();
        var keys = facts.Keys.ToDictionary(k => k.AccessKeyId, StringComparer.Ordinal);
        var currentId = plan.Roles.Where(r => r.Value == KeyRoleKind.Current).Select(r => r.Key).SingleOrDefault();
        var current = currentId is null ? null : keys[currentId];
        var rotates = actions.Count(a => a.Kind == PlannedActionKind.Rotate);
        var deleted = actions.Where(a => a.Kind == PlannedActionKind.Delete).Select(a => a.AccessKeyId!).ToHashSet(StringComparer.Ordinal);

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

        if (rotates == 1 && facts.Keys.Count - deleted.Count + 1 > 2)
        {
            yield return "Rotate would exceed IAM's two keys after the planned deletions";
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
            && (actions.Count != 1 || plan.Roles[complete.AccessKeyId!] != KeyRoleKind.Pending || !keys[complete.AccessKeyId!].IsActive))
        {
            yield return "CompleteRotation not alone or not of an active pending key";
        }

        foreach (var delete in actions.Where(a => a.Kind == PlannedActionKind.Delete))
        {
            var key = keys[delete.AccessKeyId!];
            var role = plan.Roles[key.AccessKeyId];
            if (role == KeyRoleKind.Current)
            {
                yield return "Delete of the current key";
            }

            if (key.IsActive)
            {
                var orphan = role == KeyRoleKind.Untracked && key.LastUsedKnown && key.LastUsedDate is null
                    && current is not null && key.CreateDate > current.CreateDate && Now - key.CreateDate >= Planner.OrphanGracePeriod;
                if (!orphan)
                {
                    yield return "Delete of an active key that is not an orphan";
                }

                if (rotates == 0)
                {
                    yield return "orphan deleted without a rotation that needs its slot";
                }
            }
            else if (facts.Secret?.DeactivatedKeyId == key.AccessKeyId && facts.Secret.DeactivatedAt is { } at
                && Now - at < TimeSpan.FromDays(policy.DeleteAfterDays))
            {
                yield return "inactive previous key deleted before deleteAfterDays (its restore window cut short)";
            }
            else if (role == KeyRoleKind.Previous && facts.Secret?.DeactivatedKeyId != key.AccessKeyId && policy.DeleteAfterDays > 0)
            {
                yield return "inactive previous key deleted before its deactivation was recorded (no restore window)";
            }
        }

        foreach (var deactivate in actions.Where(a => a.Kind == PlannedActionKind.Deactivate))
        {
            var id = deactivate.AccessKeyId!;
            if (deleted.Contains(id))
            {
                yield return "Deactivate and Delete of the same key in one sweep (no restore window)";
            }

            if (!keys[id].IsActive)
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
            else if (plan.Roles[id] != KeyRoleKind.Previous)
            {
                yield return "Deactivate of a key the rotation did not replace";
            }
            else if (current is null || Now - current.CreateDate < TimeSpan.FromDays(policy.DeactivateAfterDays))
            {
                yield return "previous key deactivated before deactivateAfterDays";
            }
            else if (policy.RequireOldKeyUnused && keys[id].LastUsedDate > current.CreateDate
                && (policy.MaxDeactivationDelayDays == 0 || Now - current.CreateDate < TimeSpan.FromDays(policy.MaxDeactivationDelayDays)))
            {
                yield return "previous key in use deactivated before maxDeactivationDelayDays";
            }
        }

        if (facts.Secret is { ManagedByUs: false } && (actions.Count != 1 || actions[0].Kind != PlannedActionKind.Block))
        {
            yield return "an unmanaged secret did not block";
        }

        var reordered = Planner.Plan(facts with { Keys = facts.Keys.Reverse().ToList() }, policy, Now);
        if (!reordered.Actions.SequenceEqual(actions))
        {
            yield return "the plan depends on the order IAM lists the keys in";
        }
    }
}
