using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using static OrgKeyRotation.Core.Tests.Planning.Scenario;

namespace OrgKeyRotation.Core.Tests.Planning;

/// <summary>
/// The planner's decision table. Each row: the user's keys (id, status, age in days, last use), the secret, exemption
/// and policy overrides, and the expected actions in order as "Kind Key" (" action-required" on a warning within
/// warnDaysBeforeForced of the forced deadline). Default policy: maxKeyAgeDays 90,
/// deactivateAfterDays 7, deleteAfterDays 7, requireOldKeyUnused true, maxDeactivationDelayDays 30, warnDaysBeforeForced 7.
/// oldKeyIdleDays 7. Without a hand-off or attempt record, the current key's age is the time since its hand-off.
/// </summary>
public class PlannerTableTests
{
    internal sealed record Row(KeySpec[] Keys, SecretSpec? Secret, string Expected, RotationPolicy Policy, ExemptionFacts Exemption, DestSpec[] Destinations)
    {
        public UserFacts UserFacts() => WithDestinations(Facts(Keys, Secret, Exemption), Destinations, Unconfigured);

        public UserPlan Plan() => Planner.Plan(UserFacts(), Policy, Now);

        public DestSpec[]? Unconfigured { get; init; }
    }

    private static readonly RotationPolicy Default = new();
    private static readonly ExemptionFacts ExemptUntil = new(true, "member of group key-rotation-exempt", new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero));
    private static readonly Use Recently = Use.DaysAgo(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>An attempt recorded long enough ago that its grace period is over and its keys are old enough to be orphans.</summary>
    private static readonly TimeSpan AttemptAgo = Planner.OrphanMinimumAge + TimeSpan.FromHours(2);

    internal static readonly Dictionary<string, Row> Rows = [];

    private static void Add(string name, KeySpec[] keys, SecretSpec? secret, string expected, RotationPolicy? policy = null, ExemptionFacts? exemption = null, DestSpec[]? destinations = null, DestSpec[]? unconfigured = null) =>
        Rows.Add(name, new Row(keys, secret, expected, policy ?? Default, exemption ?? ExemptionFacts.None, destinations ?? []) { Unconfigured = unconfigured });

    static PlannerTableTests()
    {
        // No key.
        Add("0 keys, no secret", [], null, "Skip");
        Add("0 keys, secret holds a vanished key", [], Tracks(current: Gone), "Block");

        // One key.
        Add("1 active, fresh, no secret", [Key(Cur, Active, 10, Recently)], null, "Skip Cur");
        Add("1 active, due, no secret", [Key(Cur, Active, 100, Recently)], null, "Rotate Cur");
        Add("1 active, exactly maxKeyAgeDays old", [KeyAged(Cur, Active, TimeSpan.FromDays(90), Recently)], null, "Rotate Cur");
        Add("1 active, a minute short of maxKeyAgeDays", [KeyAged(Cur, Active, TimeSpan.FromDays(90) - Minute, Recently)], null, "Skip Cur");
        Add("1 active, due, never used", [Key(Cur, Active, 100, Use.Never)], null, "Rotate Cur");
        Add("1 active, due, last use unknown", [Key(Cur, Active, 100, Use.Unknown)], null, "Rotate Cur");
        Add("1 inactive, no secret", [Key(Other, Inactive, 100, Use.DaysAgo(50))], null, "Skip");
        Add("1 active tracked as current, fresh", [Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "Skip Cur");
        Add("1 active tracked as current, due", [Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Rotate Cur");
        Add("1 active, secret without current, due", [Key(Cur, Active, 100, Recently)], Tracks(), "Rotate Cur");
        Add("current tracked but inactive", [Key(Cur, Inactive, 10, Recently)], Tracks(current: Cur), "Block");
        Add("secret holds a vanished key, another key active", [Key(Other, Active, 100, Recently)], Tracks(current: Gone), "Block");
        Add("unmanaged secret, due", [Key(Cur, Active, 100, Recently)], Unmanaged, "Block");
        Add("unmanaged secret, fresh", [Key(Cur, Active, 1, Recently)], Unmanaged, "Block");
        Add("exempt with an end date, due", [Key(Cur, Active, 400, Recently)], Tracks(current: Cur), "Skip", exemption: ExemptUntil);
        Add("exempt beats an unmanaged secret", [Key(Cur, Active, 400, Recently)], Unmanaged, "Skip", exemption: new(true, "tag key-rotation:exempt", null));
        Add("secret scheduled for deletion, due", [Key(Cur, Active, 100, Recently)], Tracks(current: Cur).ScheduledForDeletion(2), "Block");
        Add("secret scheduled for deletion, fresh", [Key(Cur, Active, 1, Recently)], Tracks(current: Cur).ScheduledForDeletion(2), "Block");
        Add("secret scheduled for deletion, no key", [], Tracks().ScheduledForDeletion(2), "Block");
        Add("secret scheduled for deletion while a staged key waits", [Key(Cur, Active, 100, Recently), Key(Pend, Active, 0, Use.Never)], Tracks(current: Cur, pending: Pend).ScheduledForDeletion(2), "Block");
        Add("exempt beats a secret scheduled for deletion", [Key(Cur, Active, 400, Recently)], Tracks(current: Cur).ScheduledForDeletion(2), "Skip", exemption: ExemptUntil);
        Add("maxKeyAgeDays=0 rotates a minute-old key", [KeyAged(Cur, Active, Minute, Use.Never)], Tracks(current: Cur), "Rotate Cur", Default with { MaxKeyAgeDays = 0 });
        Add("deactivateAfterDays=0 + requireOldKeyUnused=false: rotate, then deactivate the old key", [Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Rotate Cur, Deactivate Cur",
            Default with { DeactivateAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 });
        Add("deactivateAfterDays=0 alone keeps the old key active", [Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Rotate Cur", Default with { DeactivateAfterDays = 0 });

        // Two keys: current + previous active.
        Add("previous active within deactivateAfterDays", [Key(Prev, Active, 93, Use.DaysAgo(4)), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev), "Skip Prev");
        Add("previous active, exactly deactivateAfterDays after promotion, unused since", [Key(Prev, Active, 97, Use.DaysAgo(8)), Key(Cur, Active, 7, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous active past grace, unused since promotion", [Key(Prev, Active, 100, Use.DaysAgo(11)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous active past grace, never used", [Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous last used exactly at promotion", [Key(Prev, Active, 100, Use.DaysAgo(10)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous active, in use", [Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Warn Prev");
        Add("previous in use, a day before maxDeactivationDelayDays", [Key(Prev, Active, 119, Recently), Key(Cur, Active, 29, Recently)], Tracks(Cur, previous: Prev), "Warn Prev action-required");
        Add("previous in use, deadline exactly warnDaysBeforeForced + 1 days away", [Key(Prev, Active, 112, Recently), KeyAged(Cur, Active, TimeSpan.FromDays(22), Recently)], Tracks(Cur, previous: Prev), "Warn Prev");
        Add("previous in use, deadline a second less than warnDaysBeforeForced + 1 days away (7 whole days)", [Key(Prev, Active, 112, Recently), KeyAged(Cur, Active, TimeSpan.FromDays(22) + Second, Recently)], Tracks(Cur, previous: Prev), "Warn Prev action-required");
        Add("previous in use, deadline exactly warnDaysBeforeForced days away", [Key(Prev, Active, 113, Recently), KeyAged(Cur, Active, TimeSpan.FromDays(23), Recently)], Tracks(Cur, previous: Prev), "Warn Prev action-required");
        Add("previous last use unknown inside warnDaysBeforeForced", [Key(Prev, Active, 115, Use.Unknown), Key(Cur, Active, 25, Recently)], Tracks(Cur, previous: Prev), "Warn Prev action-required");
        Add("warnDaysBeforeForced counts from the recorded hand-off", [Key(Prev, Active, 140, Recently), Key(Cur, Active, 50, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 21), "Warn Prev");
        Add("warnDaysBeforeForced=0: no warning before the deadline needs a person", [Key(Prev, Active, 120, Recently), KeyAged(Cur, Active, TimeSpan.FromDays(30) - Second, Recently)], Tracks(Cur, previous: Prev), "Warn Prev", Default with { WarnDaysBeforeForced = 0 });
        Add("previous in use, exactly maxDeactivationDelayDays: forced", [Key(Prev, Active, 120, Recently), Key(Cur, Active, 30, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous in use, past maxDeactivationDelayDays: forced", [Key(Prev, Active, 121, Recently), Key(Cur, Active, 31, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        // A restore hands the previous key to its consumers again: its clocks start at the restore.
        Add("previous in use past the forced deadline, restored a day ago", [Key(Prev, Active, 121, Recently), Key(Cur, Active, 31, Recently)], Tracks(Cur, previous: Prev).Restored(Prev, 1), "Skip Prev");
        Add("previous in use, restored maxDeactivationDelayDays ago: forced", [Key(Prev, Active, 151, Recently), Key(Cur, Active, 61, Recently)], Tracks(Cur, previous: Prev).Restored(Prev, 30), "Deactivate Prev");
        Add("previous in use, restored, deadline within warnDaysBeforeForced", [Key(Prev, Active, 145, Recently), Key(Cur, Active, 55, Recently)], Tracks(Cur, previous: Prev).Restored(Prev, 24), "Warn Prev action-required");
        Add("previous idle, restored past deactivateAfterDays: deactivated", [Key(Prev, Active, 130, Use.DaysAgo(9)), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).Restored(Prev, 8), "Deactivate Prev");
        Add("a restore of the key while it was current says nothing of its time as the previous key", [Key(Prev, Active, 121, Recently), Key(Cur, Active, 31, Recently)], Tracks(Cur, previous: Prev).Restored(Prev, 40), "Deactivate Prev");
        Add("a restore record of another key does not move the previous key's clocks", [Key(Prev, Active, 121, Recently), Key(Cur, Active, 31, Recently)], Tracks(Cur, previous: Prev).Restored(Other, 1), "Deactivate Prev");
        Add("maxDeactivationDelayDays=0 never forces", [Key(Prev, Active, 170, Recently), Key(Cur, Active, 80, Recently)], Tracks(Cur, previous: Prev), "Warn Prev", Default with { MaxDeactivationDelayDays = 0 });
        Add("requireOldKeyUnused=false deactivates a previous key in use", [Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev", Default with { RequireOldKeyUnused = false });
        Add("requireOldKeyUnused=false still waits deactivateAfterDays", [Key(Prev, Active, 93, Recently), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev), "Skip Prev", Default with { RequireOldKeyUnused = false });
        Add("previous active, last use unknown", [Key(Prev, Active, 100, Use.Unknown), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Warn Prev");

        // The idle rule: deactivated once not used for oldKeyIdleDays (consumers use the old key after the hand-off until they switch).
        Add("previous used after the hand-off, idle for 8 days", [Key(Prev, Active, 100, Use.DaysAgo(8)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous last used exactly oldKeyIdleDays ago", [Key(Prev, Active, 100, Use.DaysAgo(7)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev");
        Add("previous last used a minute short of oldKeyIdleDays ago", [Key(Prev, Active, 100, Use.Before(TimeSpan.FromDays(7) - Minute)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Warn Prev");
        Add("oldKeyIdleDays=1: previous last used a day ago", [Key(Prev, Active, 100, Use.DaysAgo(1)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev", Default with { OldKeyIdleDays = 1 });
        Add("oldKeyIdleDays=30: previous last used before the hand-off, 11 days ago", [Key(Prev, Active, 100, Use.DaysAgo(11)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Warn Prev", Default with { OldKeyIdleDays = 30 });

        // The hand-off time: the hand-off record when it names the current key, else the attempt when the current key was created inside its window, else the key's CreateDate.
        Add("CompleteRotation 38 days after the key's creation, previous in use: its grace counts from the hand-off", [Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 2), "Skip Prev");
        Add("hand-off recorded 2 days ago, previous never used: still within deactivateAfterDays", [Key(Prev, Active, 130, Use.Never), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 2), "Skip Prev");
        Add("hand-off recorded 29 days ago, previous in use: not forced yet", [Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 29), "Warn Prev action-required");
        Add("hand-off recorded 30 days ago, previous in use: forced", [Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 30), "Deactivate Prev");
        Add("hand-off record of another key: counted from the current key's creation", [Key(Prev, Active, 130, Use.Never), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Gone, 2), "Deactivate Prev");
        Add("right after a rotation: the new current key inside the attempt's grace is no rotation in progress", [Key(Prev, Active, 90, Recently), KeyAged(Cur, Active, Minute, Use.Never)], Tracks(Cur, previous: Prev).Attempted(Minute + Second), "Skip Prev");
        Add("same-run rotation: the hand-off is the recorded attempt", [Key(Prev, Active, 100, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(10), Recently)], Tracks(Cur, previous: Prev).Attempted(TimeSpan.FromDays(7)), "Deactivate Prev");
        Add("same-run rotation, key created exactly AttemptWindow after the attempt", [Key(Prev, Active, 100, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(7) - Planner.AttemptWindow, Recently)], Tracks(Cur, previous: Prev).Attempted(TimeSpan.FromDays(7)), "Deactivate Prev");
        Add("current key created after the attempt window: the hand-off is its creation", [Key(Prev, Active, 100, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(7) - Planner.AttemptWindow - Second, Recently)], Tracks(Cur, previous: Prev).Attempted(TimeSpan.FromDays(7)), "Skip Prev");
        Add("current key created AttemptClockSkew before the attempt: the hand-off is the attempt", [Key(Prev, Active, 100, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(7) - Minute + Planner.AttemptClockSkew, Recently)], Tracks(Cur, previous: Prev).Attempted(TimeSpan.FromDays(7) - Minute), "Skip Prev");
        Add("current key created more than AttemptClockSkew before the attempt: the hand-off is its creation", [Key(Prev, Active, 100, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(7) - Minute + Planner.AttemptClockSkew + Second, Recently)], Tracks(Cur, previous: Prev).Attempted(TimeSpan.FromDays(7) - Minute), "Deactivate Prev");

        // Two keys: current + previous inactive.
        Add("previous inactive, deactivation not recorded", [Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "RecordDeactivation Prev");
        Add("previous inactive, recorded 2 days ago", [Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], TracksDeactivated(Cur, Prev, 2), "Skip Prev");
        Add("previous inactive, recorded exactly deleteAfterDays ago", [Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], TracksDeactivated(Cur, Prev, 7), "Delete Prev");
        Add("previous inactive, recorded long ago", [Key(Prev, Inactive, 150, Use.DaysAgo(60)), Key(Cur, Active, 60, Recently)], TracksDeactivated(Cur, Prev, 40), "Delete Prev");
        Add("previous known only by the deactivation tag", [Key(Prev, Inactive, 150, Use.DaysAgo(60)), Key(Cur, Active, 60, Recently)], new SecretSpec(true, Cur, null, null, Prev, TimeSpan.FromDays(40)), "Delete Prev");
        Add("current due + previous inactive recorded long ago", [Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], TracksDeactivated(Cur, Prev, 90), "Delete Prev, Rotate Cur");
        Add("current due + previous inactive recorded recently: the rotation waits out the restore window", [Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], TracksDeactivated(Cur, Prev, 1), "Skip Prev, Skip Cur");
        Add("current due + previous inactive not recorded: its restore window starts now", [Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "RecordDeactivation Prev, Skip Cur");
        Add("deleteAfterDays=0, current due + previous inactive not recorded: no restore window, deleted instead of recorded", [Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "Delete Prev, Rotate Cur", Default with { DeleteAfterDays = 0 });

        // Two keys: current due + previous active: the rotation waits for the slot.
        Add("current due + previous active within grace (maxKeyAgeDays=1)", [Key(Prev, Active, 10, Use.DaysAgo(4)), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev), "Skip Prev, Skip Cur", Default with { MaxKeyAgeDays = 1 });
        Add("current due + previous in use", [Key(Prev, Active, 200, Recently), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "Warn Prev, Skip Cur", Default with { MaxDeactivationDelayDays = 0 });
        Add("current due + previous unused: deactivated now, rotation waits", [Key(Prev, Active, 200, Use.DaysAgo(101)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev, Skip Cur");
        Add("deactivateAfterDays=0 + requireOldKeyUnused=false, previous active in use", [Key(Prev, Active, 200, Recently), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev, Skip Cur",
            Default with { DeactivateAfterDays = 0, RequireOldKeyUnused = false });

        // Two keys: current + untracked.
        Add("current + untracked active in use", [Key(Other, Active, 200, Recently), Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "Warn Other");
        Add("current due + untracked active in use", [Key(Other, Active, 200, Recently), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("current due + untracked active, last use unknown", [Key(Other, Active, 200, Use.Unknown), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("current + untracked inactive, not due", [Key(Other, Inactive, 200, Use.DaysAgo(150)), Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "Warn Other");
        Add("current due + untracked inactive: never deleted, the rotation is blocked", [Key(Other, Inactive, 200, Use.DaysAgo(150)), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("current due + untracked inactive never used, no attempt recorded", [Key(Cur, Active, 100, Recently), KeyAged(Other, Inactive, TimeSpan.FromHours(1), Use.Never)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("untracked never-used key older than current is not an orphan", [Key(Other, Active, 200, Use.Never), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("untracked newer key with unknown last use is not an orphan", [KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Unknown), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur");

        // Untracked keys: only a key created inside the window of the recorded attempt is the rotator's own.
        Add("a person's unused second key while the current key is due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], Tracks(current: Cur), "Warn Other, Block Cur");
        Add("a person's unused second key, not due", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], Tracks(current: Cur), "Warn Other");
        Add("a brand-new untracked key without an attempt record is no rotation in progress", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks(current: Cur), "Warn Other");
        Add("a person's key created days after the recorded attempt, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromDays(3)), "Warn Other, Block Cur");
        Add("key of the recorded attempt within the grace period", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(5) + Second), "Skip Other");
        Add("a person's older key while an attempt recorded minutes ago has made no key yet: no rotation in progress", [Key(Cur, Active, 100, Recently), Key(Other, Active, 30, Recently)], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(5)), "Warn Other, Block Cur");
        Add("key of the recorded attempt within the grace period, current due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(14), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(14) + Second), "Skip Other");
        Add("key of the recorded attempt a second before the grace period ends", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, Planner.OrphanGracePeriod - 2 * Second, Use.Never)], Tracks(current: Cur).Attempted(Planner.OrphanGracePeriod - Second), "Skip Other");
        Add("current inactive while a key of the recorded attempt is in its grace period: a person must act first", [Key(Cur, Inactive, 100, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(5) + Second), "Block");
        Add("key of the recorded attempt within the grace period, already used", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Before(Minute))], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(5) + Second), "Skip Other");
        Add("orphan exactly at the end of the grace period, not due", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, Planner.OrphanGracePeriod - Second, Use.Never)], Tracks(current: Cur).Attempted(Planner.OrphanGracePeriod), "Warn Other");
        Add("orphan after the grace period, not due", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Warn Other");
        Add("orphan after the grace period, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Delete Other, Rotate Cur");
        Add("inactive orphan, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Inactive, AttemptAgo - Second, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Delete Other, Rotate Cur");
        Add("orphan created exactly AttemptClockSkew before the attempt, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo + Planner.AttemptClockSkew, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Delete Other, Rotate Cur");
        Add("key created more than AttemptClockSkew before the attempt is not an orphan", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo + Planner.AttemptClockSkew + Second, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Warn Other, Block Cur");
        Add("orphan created exactly AttemptWindow after the attempt, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Planner.AttemptWindow, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Delete Other, Rotate Cur");
        Add("key created after the attempt window is not an orphan", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Planner.AttemptWindow - Second, Use.Never)], Tracks(current: Cur).Attempted(AttemptAgo), "Warn Other, Block Cur");
        Add("a used key inside the attempt window is not an orphan", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Before(TimeSpan.FromHours(1)))], Tracks(current: Cur).Attempted(AttemptAgo), "Warn Other, Block Cur");
        Add("a key of unknown last use inside the attempt window is not an orphan", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Unknown)], Tracks(current: Cur).Attempted(AttemptAgo), "Warn Other, Block Cur");
        Add("orphan of an interrupted first rotation (secret without AWSCURRENT), due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Never)], Tracks().Attempted(AttemptAgo), "Delete Other, Rotate Cur");
        Add("key of an interrupted first rotation within the grace period", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks().Attempted(TimeSpan.FromMinutes(5) + Second), "Skip Other");

        // An orphan is deleted only once AWS's report of its last use can be trusted (Planner.OrphanMinimumAge).
        Add("orphan younger than OrphanMinimumAge, not due", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromHours(2), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromHours(2) + Second), "Warn Other");
        Add("orphan younger than OrphanMinimumAge, due: the rotation waits", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(2), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromHours(2) + Second), "Warn Other, Skip Cur");
        Add("orphan a second short of OrphanMinimumAge, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, Planner.OrphanMinimumAge - Second, Use.Never)], Tracks(current: Cur).Attempted(Planner.OrphanMinimumAge), "Warn Other, Skip Cur");
        Add("orphan exactly OrphanMinimumAge old, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, Planner.OrphanMinimumAge, Use.Never)], Tracks(current: Cur).Attempted(Planner.OrphanMinimumAge + Second), "Delete Other, Rotate Cur");
        Add("inactive orphan younger than OrphanMinimumAge, due", [Key(Cur, Active, 100, Recently), KeyAged(Other, Inactive, TimeSpan.FromHours(1), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromHours(1) + Second), "Warn Other, Skip Cur");

        // One attempt creates one key: when the secret holds a key created inside the attempt's window, the attempt is accounted for.
        Add("a person's key made minutes after a rotation (old key deleted by hand), within the grace period: no rotation in progress", [KeyAged(Cur, Active, TimeSpan.FromMinutes(10), Use.Never), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)],
            Tracks(Cur, previous: Gone).Attempted(TimeSpan.FromMinutes(10) + Second), "Warn Other");
        Add("a person's key made minutes after a rotation (old key deleted by hand), rotation due: never an orphan", [KeyAged(Cur, Active, Planner.OrphanMinimumAge + TimeSpan.FromMinutes(10), Recently), KeyAged(Other, Active, Planner.OrphanMinimumAge + TimeSpan.FromMinutes(5), Use.Never)],
            Tracks(Cur, previous: Gone).Attempted(Planner.OrphanMinimumAge + TimeSpan.FromMinutes(10) + Second), "Warn Other, Block Cur", Default with { MaxKeyAgeDays = 0 });
        Add("a person's key made minutes after a rotation that recorded the key it replaced, rotation due", [KeyAged(Cur, Active, Planner.OrphanMinimumAge + TimeSpan.FromMinutes(10), Recently), KeyAged(Other, Active, Planner.OrphanMinimumAge + TimeSpan.FromMinutes(5), Use.Never)],
            Tracks(Cur, previous: Gone).Attempted(Planner.OrphanMinimumAge + TimeSpan.FromMinutes(10) + Second, replacing: Gone), "Warn Other, Block Cur", Default with { MaxKeyAgeDays = 0 });
        Add("an attempt minutes after the last rotation, interrupted: the current key it set out to replace does not account for it", [KeyAged(Cur, Active, AttemptAgo + Minute, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Never)],
            Tracks(Cur).Attempted(AttemptAgo, replacing: Cur), "Delete Other, Rotate Cur", Default with { MaxKeyAgeDays = 0 });
        Add("interrupted first rotation of a key made a minute before it: the adopted key does not account for the attempt", [KeyAged(Cur, Active, AttemptAgo + Minute, Recently), KeyAged(Other, Active, AttemptAgo - Second, Use.Never)],
            Tracks(previous: Cur).Attempted(AttemptAgo), "Delete Other, Rotate Cur", Default with { MaxKeyAgeDays = 0 });

        // Two active keys and no secret: there is no attempt record, so the newer key is never taken for an orphan.
        Add("no secret, two active keys both used", [Key(Cur, Active, 100, Recently), Key(Other, Active, 10, Recently)], null, "Block");
        Add("no secret, two active keys both used, fresh", [Key(Cur, Active, 20, Recently), Key(Other, Active, 10, Recently)], null, "Block");
        Add("no secret, older never used, newer used", [Key(Other, Active, 200, Use.Never), Key(Cur, Active, 10, Recently)], null, "Block");
        Add("no secret, newer never used, 5 minutes old: older adopted, newer warned", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], null, "Warn Other");
        Add("no secret, newer never used, not due: older adopted, newer warned", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], null, "Warn Other");
        Add("no secret, newer never used, due: the rotation is blocked by the newer key", [Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], null, "Warn Other, Block Cur");

        // Interrupted rotations.
        Add("pending active", [Key(Cur, Active, 100, Recently), KeyAged(Pend, Active, TimeSpan.FromMinutes(10), Use.Never)], Tracks(Cur, pending: Pend), "CompleteRotation Pend");
        Add("pending active while current is inactive", [Key(Cur, Inactive, 100, Recently), KeyAged(Pend, Active, TimeSpan.FromMinutes(10), Use.Never)], Tracks(Cur, pending: Pend), "CompleteRotation Pend");
        Add("pending active while AWSCURRENT names a vanished key: promoting it repairs the secret", [KeyAged(Pend, Active, TimeSpan.FromMinutes(10), Use.Never)], Tracks(Gone, pending: Pend), "CompleteRotation Pend");
        Add("pending key gone: stale label ignored, fresh", [Key(Cur, Active, 10, Recently)], Tracks(Cur, pending: Gone), "Skip Cur");
        Add("pending key gone: stale label ignored, due", [Key(Cur, Active, 100, Recently)], Tracks(Cur, pending: Gone), "Rotate Cur");
        Add("pending inactive, due: deleted to free the slot", [Key(Cur, Active, 100, Recently), Key(Pend, Inactive, 1, Use.Never)], Tracks(Cur, pending: Pend), "Delete Pend, Rotate Cur");

        // Destinations (rules 26 and 27): the current key goes to every destination; the previous key waits for them.
        DestSpec[] stale = [Dest("a", Prev)];
        Add("destination holds the current key: nothing to write", [Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "Skip Cur", destinations: [Dest("a", Cur)]);
        Add("destination never written: SyncDestinations", [Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "SyncDestinations Cur, Skip Cur", destinations: [Dest("a")]);
        Add("only a record of a destination no longer configured names the current key", [Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "SyncDestinations Cur, Skip Cur", destinations: [Dest("a")], unconfigured: [Dest("gone", Cur)]);
        Add("destination holds the previous key, previous inactive", [Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], TracksDeactivated(Cur, Prev, 2), "SyncDestinations Cur, Skip Prev", destinations: stale);
        Add("due with a stale destination: the rotation writes it", [Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Rotate Cur", destinations: stale);
        Add("first rotation with destinations", [Key(Cur, Active, 100, Recently)], null, "Rotate Cur", destinations: [Dest("a")]);
        Add("adopted key, not due: its value is unknown, the first rotation writes the destinations", [Key(Cur, Active, 10, Recently)], Tracks(), "Skip Cur", destinations: [Dest("a")]);
        Add("no secret, not due: nothing to write from", [Key(Cur, Active, 10, Recently)], null, "Skip Cur", destinations: [Dest("a")]);
        Add("exempt user: its destinations are not written", [Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "Skip", exemption: ExemptUntil, destinations: [Dest("a")]);
        Add("blocked user: its destinations are not written", [Key(Cur, Inactive, 10, Recently)], Tracks(current: Cur), "Block", destinations: [Dest("a")]);
        Add("interrupted rotation: its promotion writes the destinations", [Key(Cur, Active, 100, Recently), KeyAged(Pend, Active, TimeSpan.FromMinutes(10), Use.Never)], Tracks(Cur, pending: Pend), "CompleteRotation Pend", destinations: [Dest("a", Cur)]);
        Add("rotation in progress: nothing is written", [Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks(current: Cur).Attempted(TimeSpan.FromMinutes(5) + Second), "Skip Other", destinations: [Dest("a")]);
        Add("untracked key blocks the due rotation: nothing is written until a person acts", [Key(Other, Active, 200, Recently), Key(Cur, Active, 100, Recently)], Tracks(current: Cur), "Warn Other, Block Cur", destinations: [Dest("a")]);
        Add("untracked key while not due: the destinations are written", [Key(Other, Active, 200, Recently), Key(Cur, Active, 10, Recently)], Tracks(current: Cur), "SyncDestinations Cur, Warn Other", destinations: [Dest("a")]);
        Add("previous never used past grace, every destination current: deactivated", [Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "Deactivate Prev", destinations: [Dest("a", Cur), Dest("b", Cur)]);
        Add("previous never used past grace, a destination stale: held", [Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", destinations: stale);
        Add("previous idle, one of two destinations stale: held", [Key(Prev, Active, 100, Use.DaysAgo(9)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", destinations: [Dest("a", Cur), Dest("b")]);
        Add("requireOldKeyUnused=false, a destination stale: held", [Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", Default with { RequireOldKeyUnused = false }, destinations: stale);
        Add("previous in use, a destination stale: held", [Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", destinations: stale);
        Add("held previous key within deactivateAfterDays: the grace comes first", [Key(Prev, Active, 93, Use.Never), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Skip Prev", destinations: stale);
        Add("held, deadline exactly warnDaysBeforeForced + 1 days away", [Key(Prev, Active, 112, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(22), Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", destinations: stale);
        Add("held, deadline a second less than warnDaysBeforeForced + 1 days away", [Key(Prev, Active, 112, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(22) + Second, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev action-required", destinations: stale);
        Add("held, warnDaysBeforeForced=0: no warning before the deadline needs a person", [Key(Prev, Active, 112, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(30) - Second, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", Default with { WarnDaysBeforeForced = 0 }, destinations: stale);
        Add("held, a second before maxDeactivationDelayDays", [Key(Prev, Active, 120, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(30) - Second, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev action-required", destinations: stale);
        Add("held, exactly maxDeactivationDelayDays: forced", [Key(Prev, Active, 120, Use.Never), KeyAged(Cur, Active, TimeSpan.FromDays(30), Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Deactivate Prev", destinations: stale);
        Add("held, maxDeactivationDelayDays=0: warned, never forced", [Key(Prev, Active, 300, Use.Never), Key(Cur, Active, 80, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev", Default with { MaxDeactivationDelayDays = 0 }, destinations: stale);
        Add("held previous key keeps the slot of a due rotation", [Key(Prev, Active, 200, Use.Never), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), "SyncDestinations Cur, Warn Prev, Skip Cur", Default with { MaxDeactivationDelayDays = 0 }, destinations: stale);
    }

    public static TheoryData<string> RowNames => new(Rows.Keys);

    private static readonly Dictionary<string, string> ShortNames = new()
    {
        [Cur] = "Cur", [Prev] = "Prev", [Other] = "Other", [Pend] = "Pend", [Gone] = "Gone",
    };

    private static string Short(PlannedAction a) =>
        (a.AccessKeyId is { } id ? $"{a.Kind} {ShortNames[id]}" : a.Kind.ToString()) + (a.DeadlineNear ? " action-required" : "");

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Plan_DecisionTableRow_ProducesExpectedActionsInOrder(string row)
    {
        var plan = Rows[row].Plan();

        Assert.Equal(Rows[row].Expected, string.Join(", ", plan.Actions.Select(Short)));
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Plan_DecisionTableRow_EveryReasonIsReadableAndNamesItsKey(string row)
    {
        var plan = Rows[row].Plan();

        Assert.All(plan.Actions, a =>
        {
            Assert.False(string.IsNullOrWhiteSpace(a.Reason));
            if (a.AccessKeyId is { } id)
            {
                Assert.Contains(id, a.Reason, StringComparison.Ordinal);
            }
        });
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Plan_SameInputTwice_GivesEqualPlans(string row)
    {
        var facts = Rows[row].UserFacts();

        var first = Planner.Plan(facts, Rows[row].Policy, Now);
        var second = Planner.Plan(facts, Rows[row].Policy, Now);
        var reordered = Planner.Plan(facts with { Keys = facts.Keys.Reverse().ToList() }, Rows[row].Policy, Now);

        Assert.Equal(first.Actions, second.Actions);
        Assert.Equal(first.Actions, reordered.Actions);
        Assert.Equal(first.Roles.OrderBy(r => r.Key, StringComparer.Ordinal), reordered.Roles.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Plan_Table_CoversEveryActionKindButRestore()
    {
        var kinds = Rows.Values.SelectMany(r => r.Plan().Actions).Select(a => a.Kind).ToHashSet();

        Assert.Equal(Enum.GetValues<PlannedActionKind>().Where(k => k != PlannedActionKind.Reactivate).Order(), kinds.Order());
    }
}
