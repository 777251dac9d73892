using System.Globalization;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Model;

namespace OrgKeyRotation.Core.Planning;

/// <summary>
/// Decides what must happen to one user's keys. Pure: the same facts, policy and instant give the same plan.
/// The rules are in docs/design.md; every action carries the reason a person reads in the plan.
/// </summary>
public static class Planner
{
    /// <summary>
    /// A never-used key that the secret does not hold and that is younger than this is taken for a rotation in progress
    /// elsewhere (another sweep between CreateAccessKey and PutSecretValue), not for an orphan. Rotations take seconds.
    /// </summary>
    public static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromMinutes(15);

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

    private static Dictionary<string, KeyRoleKind> Classify(UserFacts facts)
    {
        var roles = new Dictionary<string, KeyRoleKind>(StringComparer.Ordinal);
        var secret = facts.Secret;
        foreach (var key in facts.Keys)
        {
            var id = key.AccessKeyId;
            roles[id] = secret switch
            {
                _ when secret is null => KeyRoleKind.Untracked,
                _ when id == secret.CurrentKeyId => KeyRoleKind.Current,
                _ when id == secret.PendingKeyId => KeyRoleKind.Pending,
                _ when id == secret.PreviousKeyId || id == secret.DeactivatedKeyId => KeyRoleKind.Previous,
                _ => KeyRoleKind.Untracked,
            };
        }

        return roles;
    }

    private static List<PlannedAction> Decide(UserFacts facts, Dictionary<string, KeyRoleKind> roles, RotationPolicy policy, DateTimeOffset now)
    {
        var secret = facts.Secret;
        if (facts.Exemption.Exempt)
        {
            var until = facts.Exemption.Until is { } u ? $" until {Day(u)}" : "";
            return [new(PlannedActionKind.Skip, $"exempt{until}: {facts.Exemption.Reason}")];
        }

        if (secret is { ManagedByUs: false })
        {
            return [new(PlannedActionKind.Block, "a secret with this user's secret name exists but was not created by OrgKeyRotation; it is never overwritten. Delete or rename it, or change secrets.nameTemplate")];
        }

        // An interrupted rotation is finished before anything else: its key is already in the secret.
        var pending = facts.Keys.FirstOrDefault(k => roles[k.AccessKeyId] == KeyRoleKind.Pending);
        if (pending is { IsActive: true })
        {
            return [new(PlannedActionKind.CompleteRotation, $"a rotation stopped after staging key {pending.AccessKeyId} as AWSPENDING; verifying and promoting it", pending.AccessKeyId)];
        }

        var current = facts.Keys.FirstOrDefault(k => roles[k.AccessKeyId] == KeyRoleKind.Current);
        if (current is null)
        {
            if (secret?.CurrentKeyId is { } vanished)
            {
                return [new(PlannedActionKind.Block, $"the secret's AWSCURRENT holds key {vanished}, which no longer exists in IAM: consumers of the secret cannot authenticate. Rotate by hand or restore access, then the next sweep takes over")];
            }

            var active = facts.Keys.Where(k => k.IsActive).OrderBy(k => k.CreateDate).ThenBy(k => k.AccessKeyId, StringComparer.Ordinal).ToList();
            switch (active.Count)
            {
                case 0:
                    return [new(PlannedActionKind.Skip, "no active access key: nothing to rotate")];
                case 1:
                    current = active[0];
                    break;
                default:
                    // Two active keys and no secret: the newer one is only ours to clean up if it was never used (a lost response).
                    if (!IsNeverUsed(active[1]))
                    {
                        return [new(PlannedActionKind.Block, $"two active keys ({active[0].AccessKeyId}, {active[1].AccessKeyId}) and neither is tracked by the secret: find which one consumers use, deactivate the other, and the next sweep adopts the remaining one")];
                    }

                    current = active[0];
                    break;
            }

            roles[current.AccessKeyId] = KeyRoleKind.Current;
        }

        if (!current.IsActive)
        {
            return [new(PlannedActionKind.Block, $"key {current.AccessKeyId} in the secret's AWSCURRENT is Inactive, so consumers cannot authenticate: run 'keyrot restore' for it, or rotate by hand")];
        }

        var actions = new List<PlannedAction>();
        var orphans = new List<KeyFacts>();
        var freeable = new List<(KeyFacts Key, string Why)>();
        KeyFacts? holdingSlot = null;
        string? slotReason = null;

        foreach (var other in facts.Keys.Where(k => k != current).OrderBy(k => k.CreateDate).ThenBy(k => k.AccessKeyId, StringComparer.Ordinal))
        {
            var role = roles[other.AccessKeyId];
            if (role == KeyRoleKind.Previous && other.IsActive)
            {
                var step = PlanPreviousActive(other, current, policy, now);
                actions.Add(step);
                if (step.Kind != PlannedActionKind.Deactivate)
                {
                    holdingSlot = other;
                    slotReason = $"previous key {other.AccessKeyId} is still active";
                }
                else
                {
                    freeable.Add((other, $"previous key {other.AccessKeyId} is deactivated this sweep"));
                }
            }
            else if (role == KeyRoleKind.Previous)
            {
                // An inactive previous key is deleted only when its restore window (deleteAfterDays) has ended: a due
                // rotation waits for that rather than cut the window short.
                var step = PlanPreviousInactive(other, secret, policy, now);
                if (step.Kind != PlannedActionKind.Delete && policy.DeleteAfterDays > 0)
                {
                    holdingSlot = other;
                    slotReason = step.Kind == PlannedActionKind.RecordDeactivation
                        ? $"previous key {other.AccessKeyId} was just found inactive and its restore window starts now (deleteAfterDays={policy.DeleteAfterDays})"
                        : $"previous key {other.AccessKeyId} is in its restore window until {Day(secret!.DeactivatedAt!.Value.AddDays(policy.DeleteAfterDays))} (deleteAfterDays={policy.DeleteAfterDays})";
                }
                else if (step.Kind != PlannedActionKind.Delete)
                {
                    freeable.Add((other, $"inactive previous key {other.AccessKeyId}"));
                }

                actions.Add(step);
            }
            else if (!other.IsActive)
            {
                freeable.Add((other, $"inactive key {other.AccessKeyId} (not tracked by the secret)"));
            }
            else if (IsNeverUsed(other) && other.CreateDate > current.CreateDate)
            {
                if (now - other.CreateDate < OrphanGracePeriod)
                {
                    return [new(PlannedActionKind.Skip, $"a rotation appears to be in progress: key {other.AccessKeyId} was created at {Instant(other.CreateDate)} and is not in the secret yet", other.AccessKeyId)];
                }

                orphans.Add(other);
            }
            else
            {
                holdingSlot = other;
                slotReason = $"key {other.AccessKeyId} is active and not managed by the rotation (last used {LastUsed(other)})";
                actions.Add(new(PlannedActionKind.Warn, $"second active key {other.AccessKeyId} is not tracked by the secret (last used {LastUsed(other)}): move its consumers to the secret and deactivate it", other.AccessKeyId));
            }
        }

        var age = now - current.CreateDate;
        var due = age >= TimeSpan.FromDays(policy.MaxKeyAgeDays);
        var ageText = $"key {current.AccessKeyId} is {WholeDays(age)} days old";
        if (!due)
        {
            foreach (var orphan in orphans)
            {
                actions.Add(new(PlannedActionKind.Warn, $"key {orphan.AccessKeyId} is active, never used and not in the secret: probably left by an interrupted rotation; the next rotation deletes it", orphan.AccessKeyId));
            }

            if (actions.Count == 0)
            {
                actions.Add(new(PlannedActionKind.Skip, $"{ageText}; rotation due on {Day(current.CreateDate.AddDays(policy.MaxKeyAgeDays))} (maxKeyAgeDays={policy.MaxKeyAgeDays})", current.AccessKeyId));
            }

            return actions;
        }

        if (holdingSlot is not null)
        {
            var kind = roles[holdingSlot.AccessKeyId] == KeyRoleKind.Previous ? PlannedActionKind.Skip : PlannedActionKind.Block;
            actions.Add(new(kind, $"{ageText} and due for rotation, but {slotReason}: IAM allows two keys, so the rotation waits", current.AccessKeyId));
            return actions;
        }

        // Free the one slot a new key needs, only by deleting keys that cannot be in use: inactive ones and orphans.
        var remaining = facts.Keys.Count - actions.Count(a => a.Kind == PlannedActionKind.Delete);
        var deletions = new List<PlannedAction>();
        foreach (var orphan in orphans)
        {
            deletions.Add(new(PlannedActionKind.Delete, $"orphan key {orphan.AccessKeyId} (never used, not in the secret, newer than the current key: left by an interrupted rotation) is deleted before a new key is created", orphan.AccessKeyId));
        }

        foreach (var (key, why) in freeable)
        {
            if (remaining - deletions.Count < 2)
            {
                break;
            }

            if (key.IsActive)
            {
                // Deactivated in this same sweep: deleting it at once would skip the restore window.
                actions.Add(new(PlannedActionKind.Skip, $"{ageText} and due for rotation, but {why}; the rotation waits for its deletion", current.AccessKeyId));
                return actions;
            }

            deletions.Add(new(PlannedActionKind.Delete, $"{why} is deleted to free the key slot the rotation needs", key.AccessKeyId));
        }

        // Slot-freeing deletions replace any lifecycle step planned for the same keys.
        var deleted = deletions.Select(d => d.AccessKeyId).ToHashSet(StringComparer.Ordinal);
        actions.RemoveAll(a => a.AccessKeyId is { } id && deleted.Contains(id));
        actions.InsertRange(0, deletions);

        actions.Add(new(PlannedActionKind.Rotate, $"{ageText} (maxKeyAgeDays={policy.MaxKeyAgeDays})", current.AccessKeyId));
        if (policy.DeactivateAfterDays == 0 && !policy.RequireOldKeyUnused)
        {
            actions.Add(new(PlannedActionKind.Deactivate, $"old key {current.AccessKeyId} deactivated right after promotion (deactivateAfterDays=0, requireOldKeyUnused=false)", current.AccessKeyId));
        }

        return actions;
    }

    private static PlannedAction PlanPreviousActive(KeyFacts previous, KeyFacts current, RotationPolicy policy, DateTimeOffset now)
    {
        // Promotion follows the new key's creation within seconds, so its CreateDate is the promotion time.
        var promotedAt = current.CreateDate;
        var since = now - promotedAt;
        var id = previous.AccessKeyId;
        if (since < TimeSpan.FromDays(policy.DeactivateAfterDays))
        {
            return new(PlannedActionKind.Skip, $"previous key {id} stays active until {Day(promotedAt.AddDays(policy.DeactivateAfterDays))} so consumers can switch (deactivateAfterDays={policy.DeactivateAfterDays})", id);
        }

        if (!policy.RequireOldKeyUnused)
        {
            return new(PlannedActionKind.Deactivate, $"previous key {id} replaced {WholeDays(since)} days ago (deactivateAfterDays={policy.DeactivateAfterDays}, requireOldKeyUnused=false)", id);
        }

        // Past maxDeactivationDelayDays the key goes, in use or not: an unknown last use is no reason to keep it longer.
        var forced = policy.MaxDeactivationDelayDays > 0 && since >= TimeSpan.FromDays(policy.MaxDeactivationDelayDays);
        var lastUsed = previous.LastUsedDate;
        var inUse = lastUsed is not null && lastUsed > promotedAt;
        if (!previous.LastUsedKnown || inUse)
        {
            var use = inUse ? $"is still in use (last used {Instant(lastUsed!.Value)}, after the new key was promoted)" : "has an unknown last use";
            if (forced)
            {
                return new(PlannedActionKind.Deactivate, $"previous key {id} {use}, but maxDeactivationDelayDays={policy.MaxDeactivationDelayDays} is reached: deactivating it anyway", id);
            }

            var until = policy.MaxDeactivationDelayDays > 0 ? $"; it is deactivated anyway on {Day(promotedAt.AddDays(policy.MaxDeactivationDelayDays))}" : "";
            return new(PlannedActionKind.Warn, $"previous key {id} {use}: move its consumers to the secret{until}", id);
        }

        return new(PlannedActionKind.Deactivate, $"previous key {id} not used since the new key was promoted {WholeDays(since)} days ago (deactivateAfterDays={policy.DeactivateAfterDays})", id);
    }

    private static PlannedAction PlanPreviousInactive(KeyFacts previous, SecretFacts? secret, RotationPolicy policy, DateTimeOffset now)
    {
        var id = previous.AccessKeyId;
        var deactivatedAt = secret?.DeactivatedKeyId == id ? secret.DeactivatedAt : null;
        if (deactivatedAt is null)
        {
            return new(PlannedActionKind.RecordDeactivation, $"previous key {id} found inactive; its deletion is due {policy.DeleteAfterDays} days from now", id);
        }

        if (now - deactivatedAt.Value >= TimeSpan.FromDays(policy.DeleteAfterDays))
        {
            return new(PlannedActionKind.Delete, $"previous key {id} inactive since {Day(deactivatedAt.Value)} (deleteAfterDays={policy.DeleteAfterDays})", id);
        }

        return new(PlannedActionKind.Skip, $"previous key {id} inactive since {Day(deactivatedAt.Value)}; deleted on {Day(deactivatedAt.Value.AddDays(policy.DeleteAfterDays))} unless restored", id);
    }

    private static bool IsNeverUsed(KeyFacts key) => key.LastUsedKnown && key.LastUsedDate is null;

    private static string LastUsed(KeyFacts key) => !key.LastUsedKnown ? "unknown" : key.LastUsedDate is { } d ? Instant(d) : "never";

    private static int WholeDays(TimeSpan span) => (int)Math.Floor(span.TotalDays);

    private static string Day(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
