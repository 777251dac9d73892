using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using static OrgKeyRotation.Core.Tests.Planning.Scenario;

namespace OrgKeyRotation.Core.Tests.Planning;

/// <summary>Reasons, roles and restore: what the decision table does not show.</summary>
public class PlannerTests
{
    private static readonly RotationPolicy Policy = new();
    private static readonly Use Recently = Use.DaysAgo(1);

    private static UserPlan Plan(KeySpec[] keys, SecretSpec? secret, ExemptionFacts? exemption = null, RotationPolicy? policy = null) =>
        Planner.Plan(Facts(keys, secret, exemption), policy ?? Policy, Now);

    [Fact]
    public void Plan_ExemptWithEndDate_SkipReasonGivesDateAndWhy()
    {
        var plan = Plan([Key(Cur, Active, 400, Recently)], Tracks(Cur), new ExemptionFacts(true, "tag key-rotation:exempt", new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero)));

        var action = Assert.Single(plan.Actions);
        Assert.Equal(PlannedActionKind.Skip, action.Kind);
        Assert.Contains("until 2026-12-31", action.Reason, StringComparison.Ordinal);
        Assert.Contains("tag key-rotation:exempt", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SecretHoldsVanishedKey_BlockReasonNamesTheKey()
    {
        var action = Assert.Single(Plan([Key(Other, Active, 10, Recently)], Tracks(Gone)).Actions);

        Assert.Equal(PlannedActionKind.Block, action.Kind);
        Assert.Contains(Gone, action.Reason, StringComparison.Ordinal);
        Assert.Contains("no longer exists", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CurrentInactive_BlockReasonNamesTheKeyAndTheRestoreCommand()
    {
        var action = Assert.Single(Plan([Key(Cur, Inactive, 10, Recently)], Tracks(Cur)).Actions);

        Assert.Equal(PlannedActionKind.Block, action.Kind);
        Assert.Contains(Cur, action.Reason, StringComparison.Ordinal);
        Assert.Contains("keyrot restore", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TwoActiveUntrackedKeys_BlockReasonNamesBoth()
    {
        var action = Assert.Single(Plan([Key(Cur, Active, 100, Recently), Key(Other, Active, 10, Recently)], null).Actions);

        Assert.Equal(PlannedActionKind.Block, action.Kind);
        Assert.Contains(Cur, action.Reason, StringComparison.Ordinal);
        Assert.Contains(Other, action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UnmanagedSecret_BlockReasonSaysItIsNeverOverwritten()
    {
        var action = Assert.Single(Plan([Key(Cur, Active, 100, Recently)], Unmanaged).Actions);

        Assert.Equal(PlannedActionKind.Block, action.Kind);
        Assert.Contains("never overwritten", action.Reason, StringComparison.Ordinal);
        Assert.Contains("secrets.nameTemplate", action.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Plan_SecretScheduledForDeletion_BlockReasonGivesTheDateAndWhatToDoWhoeverMadeIt(bool managed)
    {
        var secret = (managed ? Tracks(Cur) : Unmanaged).ScheduledForDeletion(2);

        var action = Assert.Single(Plan([Key(Cur, Active, 100, Recently)], secret).Actions);

        Assert.Equal(new PlannedAction(PlannedActionKind.Block,
            $"the user's secret is scheduled for deletion (DeletedDate {Now.AddDays(-2):yyyy-MM-dd}) and takes no new value, so no key is created. "
            + "Restore it (as the rotator role: its resource policy lets no one else change it) or wait until Secrets Manager has deleted it, or change secrets.nameTemplate"), action);
    }

    [Fact]
    public void Plan_FreshKey_SkipReasonGivesTheDueDate()
    {
        var action = Assert.Single(Plan([Key(Cur, Active, 10, Recently)], Tracks(Cur)).Actions);

        Assert.Contains("10 days old", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"rotation due on {Now.AddDays(80):yyyy-MM-dd}", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousWithinGrace_SkipReasonGivesTheDeactivationDate()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 93, Use.DaysAgo(4)), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Contains($"stays active until {Now.AddDays(4):yyyy-MM-dd}", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousInUse_WarnReasonGivesTheForcedDeactivationDate()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.Contains($"deactivated anyway on {Now.AddDays(20):yyyy-MM-dd}", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousInUseWithinWarnDaysBeforeForced_WarnNamesTheKeyAndTheDeadlineForAPerson()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 115, Recently), Key(Cur, Active, 25, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.True(action.DeadlineNear);
        Assert.Contains($"previous key {Prev}", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"forced deadline {Now.AddDays(5):yyyy-MM-dd HH:mm} UTC", action.Reason, StringComparison.Ordinal);
        Assert.Contains("warnDaysBeforeForced=7", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"every consumer still using key {Prev} then fails", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousInUseWithoutForcing_WarnReasonPromisesNoDate()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), policy: Policy with { MaxDeactivationDelayDays = 0 }).Actions);

        Assert.DoesNotContain("anyway", action.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(oldKeyIdleDays=7)", action.Reason, StringComparison.Ordinal);
    }

    private static UserPlan PlanWithDestinations(KeySpec[] keys, SecretSpec secret, DestSpec[] destinations, RotationPolicy? policy = null) =>
        Planner.Plan(WithDestinations(Facts(keys, secret), destinations), policy ?? Policy, Now);

    [Fact]
    public void Plan_DestinationsMissingTheCurrentKey_SyncReasonNamesEachAndWhereTheKeyComesFrom()
    {
        var plan = PlanWithDestinations([Key(Cur, Active, 10, Recently)], Tracks(Cur), [Dest("a"), Dest("b", Prev), Dest("c", Cur)]);

        var sync = plan.Actions[0];
        Assert.Equal(PlannedActionKind.SyncDestinations, sync.Kind);
        Assert.Equal(Cur, sync.AccessKeyId);
        Assert.Equal($"current key {Cur} is missing from ssm:/a, ssm:/b: writing it there from the secret's AWSCURRENT", sync.Reason);
    }

    [Fact]
    public void Plan_PreviousHeldWithoutForcing_WarnReasonNamesTheDestinationsAndPromisesNoDate()
    {
        var action = PlanWithDestinations([Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), [Dest("a", Prev), Dest("b")], Policy with { MaxDeactivationDelayDays = 0 }).Actions[1];

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.False(action.DeadlineNear);
        Assert.Equal($"previous key {Prev} stays active while the current key is not in every destination (missing from ssm:/a, ssm:/b; each sweep writes it there)", action.Reason);
    }

    [Fact]
    public void Plan_PreviousHeld_WarnReasonGivesTheForcedDate()
    {
        var action = PlanWithDestinations([Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), [Dest("a")]).Actions[1];

        Assert.False(action.DeadlineNear);
        Assert.Equal($"previous key {Prev} stays active while the current key is not in every destination (missing from ssm:/a; each sweep writes it there); it is deactivated anyway on {Now.AddDays(20):yyyy-MM-dd}", action.Reason);
    }

    [Fact]
    public void Plan_PreviousHeldWithinWarnDaysBeforeForced_WarnNamesTheDestinationsAndTheDeadlineForAPerson()
    {
        var action = PlanWithDestinations([Key(Prev, Active, 115, Use.Never), Key(Cur, Active, 25, Recently)], Tracks(Cur, previous: Prev), [Dest("a")]).Actions[1];

        Assert.True(action.DeadlineNear);
        Assert.Equal(
            $"previous key {Prev} stays active while the current key is not in every destination (missing from ssm:/a; each sweep writes it there); it is deactivated anyway at the forced deadline {Now.AddDays(5):yyyy-MM-dd HH:mm} UTC (maxDeactivationDelayDays=30, warnDaysBeforeForced=7): every consumer of ssm:/a still using key {Prev} then fails",
            action.Reason);
    }

    [Fact]
    public void Plan_PreviousHeldAtTheForcedDeadline_IsDeactivatedAndTheReasonNamesTheDestinations()
    {
        var action = PlanWithDestinations([Key(Prev, Active, 130, Use.Never), Key(Cur, Active, 30, Recently)], Tracks(Cur, previous: Prev), [Dest("a")]).Actions[1];

        Assert.Equal(PlannedActionKind.Deactivate, action.Kind);
        Assert.True(action.Forced);
        Assert.Equal(
            $"previous key {Prev} is deactivated at the forced deadline, maxDeactivationDelayDays=30 after the hand-off on {Now.AddDays(-30):yyyy-MM-dd}, although the current key is missing from ssm:/a: consumers reading the key there fail until it holds the current one; 'keyrot restore' re-activates the previous key",
            action.Reason);
    }

    [Fact]
    public void DestinationsNotHolding_EachRecord_ComparedWithTheKey()
    {
        var facts = WithDestinations(Facts([Key(Cur, Active, 10, Recently)], Tracks(Cur)), [Dest("a", Cur), Dest("b", Prev), Dest("c")], unconfigured: [Dest("gone", Prev)]);

        Assert.Equal(["b", "c"], facts.DestinationsNotHolding(Cur).Select(d => d.Id));
        Assert.Equal(["a", "c"], facts.DestinationsNotHolding(Prev).Select(d => d.Id));
        Assert.Equal(["a"], (facts with { Secret = null }).DestinationsNotHolding(Cur).Select(d => d.Id).Take(1));
        Assert.Equal(3, (facts with { Secret = null }).DestinationsNotHolding(Cur).Count);
    }

    [Fact]
    public void Plan_ExemptWithoutEndDate_ReasonIsJustWhy() =>
        Assert.Equal("exempt: tag key-rotation:exempt", Assert.Single(Plan([Key(Cur, Active, 400, Recently)], Tracks(Cur), new ExemptionFacts(true, "tag key-rotation:exempt", null)).Actions).Reason);

    [Fact]
    public void Plan_NullArguments_AreRefused()
    {
        var facts = Facts([Key(Cur, Active, 10, Recently)], Tracks(Cur));

        Assert.Throws<ArgumentNullException>("facts", () => Planner.Plan(null!, Policy, Now));
        Assert.Throws<ArgumentNullException>("policy", () => Planner.Plan(facts, null!, Now));
        Assert.Throws<ArgumentNullException>("facts", () => Planner.PlanRestore(null!, Cur));
        Assert.Throws<ArgumentNullException>("policy", () => Planner.ReplacedKeyFate(Cur, null!, deactivatedRightAfter: false));
        Assert.Throws<ArgumentNullException>("plan", () => Planner.HandOffEnd(null!, Policy));
        Assert.Throws<ArgumentNullException>("policy", () => Planner.HandOffEnd(Planner.Plan(facts, Policy, Now), null!));
    }

    /// <summary>
    /// IAM never lists more than two keys, so at most one key besides the current one gets a step; with more (beyond
    /// IAM's limit) the steps still follow the keys' creation order, then key id, whatever the listing order.
    /// </summary>
    [Theory]
    [InlineData(200, 100, "Warn AKIAOTHER00000000001, Skip AKIAPREVIOUS00000001")]
    [InlineData(100, 200, "Skip AKIAPREVIOUS00000001, Warn AKIAOTHER00000000001")]
    [InlineData(100, 100, "Warn AKIAOTHER00000000001, Skip AKIAPREVIOUS00000001")]
    public void Plan_MoreKeysThanIamAllows_StepsFollowCreationOrderThenKeyId(double otherAgeDays, double previousAgeDays, string expected)
    {
        var facts = Facts([Key(Prev, Active, previousAgeDays, Recently), Key(Other, Active, otherAgeDays, Recently), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev));

        var listed = Planner.Plan(facts, Policy, Now);
        var reversed = Planner.Plan(facts with { Keys = facts.Keys.Reverse().ToList() }, Policy, Now);

        Assert.Equal(expected, string.Join(", ", listed.Actions.Select(Render)));
        Assert.Equal(listed.Actions, reversed.Actions);
    }

    [Fact]
    public void Plan_PreviousInactiveRecently_SkipReasonGivesTheDeletionDate()
    {
        var action = Assert.Single(Plan([Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], TracksDeactivated(Cur, Prev, 2)).Actions);

        Assert.Contains($"deleted on {Now.AddDays(5):yyyy-MM-dd} unless restored", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_InProgressRotation_SkipReasonGivesTheCreationInstant()
    {
        var action = Assert.Single(Plan([Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromMinutes(5), Use.Never)], Tracks(Cur).Attempted(TimeSpan.FromMinutes(6))).Actions);

        Assert.Contains("in progress", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"{Now.AddMinutes(-5):yyyy-MM-dd HH:mm} UTC", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoSecretNewerNeverUsed_AdoptsOlderAsCurrentAndLeavesTheNewerAlone()
    {
        var plan = Plan([Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], null);

        Assert.Equal(KeyRole.Current, plan.Roles[Cur]);
        Assert.Equal(KeyRole.Untracked, plan.Roles[Other]);
        Assert.DoesNotContain(plan.Actions, a => a.Kind == PlannedActionKind.Delete);
        Assert.DoesNotContain("orphan", plan.Actions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PersonsUnusedKeyWhileDue_WarnsItIsNeverDeletedAndTheBlockNamesIt()
    {
        // A key a person made and has not used yet is no orphan: deleting it for the slot would break whoever it is for.
        var plan = Plan([Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], Tracks(Cur));

        var warn = Assert.Single(plan.Actions, a => a.Kind == PlannedActionKind.Warn);
        Assert.Equal(Other, warn.AccessKeyId);
        Assert.Contains("never deletes", warn.Reason, StringComparison.Ordinal);
        Assert.Contains("last used never", warn.Reason, StringComparison.Ordinal);
        Assert.Contains("Move its consumers to the secret", warn.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("orphan", warn.Reason, StringComparison.Ordinal);
        var block = Assert.Single(plan.Actions, a => a.Kind == PlannedActionKind.Block);
        Assert.Contains(Other, block.Reason, StringComparison.Ordinal);
        Assert.Contains($"delete key {Other}", block.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_InactiveUntrackedKey_WarnSaysToDeleteItIfNobodyNeedsIt()
    {
        var action = Assert.Single(Plan([Key(Other, Inactive, 200, Use.DaysAgo(150)), Key(Cur, Active, 10, Recently)], Tracks(Cur)).Actions);

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.Contains("Inactive", action.Reason, StringComparison.Ordinal);
        Assert.Contains("never deletes", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OrphanDue_DeleteReasonNamesTheRecordedAttempt()
    {
        var plan = Plan([Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(10) - TimeSpan.FromSeconds(1), Use.Never)], Tracks(Cur).Attempted(TimeSpan.FromHours(10)));

        var delete = plan.Actions[0];
        Assert.Equal(PlannedActionKind.Delete, delete.Kind);
        Assert.Contains("orphan", delete.Reason, StringComparison.Ordinal);
        Assert.Contains($"attempt recorded at {Now.AddHours(-10):yyyy-MM-dd HH:mm} UTC", delete.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OrphanNotDue_WarnSaysTheNextRotationDeletesIt()
    {
        var action = Assert.Single(Plan([Key(Cur, Active, 10, Recently), KeyAged(Other, Active, TimeSpan.FromHours(10), Use.Never)], Tracks(Cur).Attempted(TimeSpan.FromHours(10) + TimeSpan.FromSeconds(1))).Actions);

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.Contains("the next rotation deletes it", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_YoungOrphanDue_RotationWaitsUntilItsLastUseCanBeTrusted()
    {
        var plan = Plan([Key(Cur, Active, 100, Recently), KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Never)], Tracks(Cur).Attempted(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)));

        var warn = plan.Actions[0];
        Assert.Equal(PlannedActionKind.Warn, warn.Kind);
        Assert.Contains($"from {Now.AddHours(7):yyyy-MM-dd HH:mm} UTC if it is still reported never used", warn.Reason, StringComparison.Ordinal);
        var wait = plan.Actions[1];
        Assert.Equal(PlannedActionKind.Skip, wait.Kind);
        Assert.Contains("up to 4 hours late, so it may be in use", wait.Reason, StringComparison.Ordinal);
        Assert.Contains("(8 hours after its creation)", wait.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Actions, a => a.Kind == PlannedActionKind.Delete);
    }

    [Fact]
    public void Plan_PreviousInUseAtTheForcedDeadline_ReasonSaysSoForAPerson()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 120, Recently), Key(Cur, Active, 30, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Deactivate, action.Kind);
        Assert.True(action.Forced);
        Assert.Contains("still in use at the forced deadline", action.Reason, StringComparison.Ordinal);
        Assert.Contains("maxDeactivationDelayDays=30", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"last used {Now.AddDays(-1):yyyy-MM-dd HH:mm} UTC", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousUsedRecently_WarnGivesTheIdleRuleAndTheForcedDate()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Use.DaysAgo(2)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Warn, action.Kind);
        Assert.Contains("oldKeyIdleDays=7", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"on {Now.AddDays(5):yyyy-MM-dd} if it stays unused", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"deactivated anyway on {Now.AddDays(20):yyyy-MM-dd}", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousIdle_DeactivateReasonGivesTheLastUse()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Use.DaysAgo(8)), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Deactivate, action.Kind);
        Assert.Contains("not used for 8 days", action.Reason, StringComparison.Ordinal);
        Assert.Contains("oldKeyIdleDays=7", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HandOffRecorded_GraceAndForcedDateCountFromIt()
    {
        var wait = Assert.Single(Plan([Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 2)).Actions);
        var warn = Assert.Single(Plan([Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 10)).Actions);

        Assert.Contains($"stays active until {Now.AddDays(5):yyyy-MM-dd}", wait.Reason, StringComparison.Ordinal);
        Assert.Contains($"deactivated anyway on {Now.AddDays(20):yyyy-MM-dd}", warn.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SecretStages_ClassifyEveryKey()
    {
        var plan = Plan([Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], new SecretSpec(true, Cur, Gone, null, Prev, TimeSpan.FromDays(1)));

        Assert.Equal(KeyRole.Current, plan.Roles[Cur]);
        Assert.Equal(KeyRole.Previous, plan.Roles[Prev]);
        Assert.Equal(2, plan.Roles.Count);
    }

    [Fact]
    public void Plan_UnmanagedSecretNamingAPendingKey_BlocksInsteadOfCompletingIt()
    {
        // The facts collector reads no stages of a secret without the managed tag; should any reach the planner, a
        // secret that is not ours still only blocks.
        var plan = Plan([Key(Cur, Active, 100, Recently), KeyAged(Pend, Active, TimeSpan.FromMinutes(30), Use.Never)], new SecretSpec(false, Cur, Pend, null, null, null));

        Assert.Equal(PlannedActionKind.Block, Assert.Single(plan.Actions).Kind);
    }

    [Fact]
    public void Plan_DeactivationRecordedForAnotherKey_RecordsThisOne()
    {
        var secret = new SecretSpec(true, Cur, null, Prev, Gone, TimeSpan.FromDays(30));

        var action = Assert.Single(Plan([Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], secret).Actions);

        Assert.Equal(PlannedActionKind.RecordDeactivation, action.Kind);
        Assert.Equal(Prev, action.AccessKeyId);
    }

    [Theory]
    [InlineData(PlannedActionKind.Rotate, true)]
    [InlineData(PlannedActionKind.CompleteRotation, true)]
    [InlineData(PlannedActionKind.Deactivate, true)]
    [InlineData(PlannedActionKind.Delete, true)]
    [InlineData(PlannedActionKind.Reactivate, true)]
    [InlineData(PlannedActionKind.RecordDeactivation, true)]
    [InlineData(PlannedActionKind.SyncDestinations, true)]
    [InlineData(PlannedActionKind.Skip, false)]
    [InlineData(PlannedActionKind.Warn, false)]
    [InlineData(PlannedActionKind.Block, false)]
    public void ChangesState_EachKind_TrueOnlyForStepsADryRunLeavesOut(PlannedActionKind kind, bool changes) =>
        Assert.Equal(changes, new PlannedAction(kind, "reason").ChangesState);

    [Fact]
    public void ChangesState_EveryKind_IsCoveredAbove() => Assert.Equal(10, Enum.GetValues<PlannedActionKind>().Length);

    [Fact]
    public void Plan_ClockAdvancedPastDueDate_RotatesOnlyAtTheLaterInstant()
    {
        var time = Clock();
        var facts = Facts([Key(Cur, Active, 89, Recently)], Tracks(Cur), now: time.GetUtcNow());

        var before = Planner.Plan(facts, Policy, time.GetUtcNow());
        time.Advance(TimeSpan.FromDays(1));
        var after = Planner.Plan(facts, Policy, time.GetUtcNow());

        Assert.Equal(PlannedActionKind.Skip, Assert.Single(before.Actions).Kind);
        Assert.Equal(PlannedActionKind.Rotate, Assert.Single(after.Actions).Kind);
    }

    [Fact]
    public void Plan_PreviousLastUseUnknownPastMaxDeactivationDelay_IsDeactivated()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 200, Use.Unknown), Key(Cur, Active, 60, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Equal(PlannedActionKind.Deactivate, action.Kind);
        Assert.Equal(Prev, action.AccessKeyId);
        Assert.True(action.Forced);
        Assert.Contains("may still be in use at the forced deadline (its last use is unknown)", action.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, int?, bool> DeactivationsNotForced => new()
    {
        // Past maxDeactivationDelayDays (30) too: the idle or retired rule decides first, so no person needs to look.
        { "idle for oldKeyIdleDays", 120, 8, true },
        { "never used", 120, null, true },
        { "requireOldKeyUnused=false", 120, 1, false },
    };

    [Theory]
    [MemberData(nameof(DeactivationsNotForced))]
    public void Plan_PreviousDeactivatedByAnotherRuleThanTheDeadline_IsNotForced(string why, int previousAgeDays, int? lastUsedDaysAgo, bool requireOldKeyUnused)
    {
        var use = lastUsedDaysAgo is { } days ? Use.DaysAgo(days) : Use.Never;
        var plan = Plan([Key(Prev, Active, previousAgeDays, use), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev), policy: Policy with { RequireOldKeyUnused = requireOldKeyUnused });

        var action = Assert.Single(plan.Actions);
        Assert.Equal(PlannedActionKind.Deactivate, action.Kind);
        Assert.False(action.Forced, why);
        Assert.DoesNotContain("anyway", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CurrentDeactivatedRightAfterItsRotation_IsNotForced()
    {
        var plan = Plan([Key(Cur, Active, 100, Recently)], Tracks(Cur), policy: Policy with { DeactivateAfterDays = 0, RequireOldKeyUnused = false });

        Assert.Equal([PlannedActionKind.Rotate, PlannedActionKind.Deactivate], plan.Actions.Select(a => a.Kind));
        Assert.All(plan.Actions, a => Assert.False(a.Forced));
    }

    [Fact]
    public void Plan_PreviousDeactivatedThisSweepWhileDue_WaitReasonNamesThePreviousKey()
    {
        var plan = Plan([Key(Prev, Active, 200, Use.DaysAgo(101)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev));

        Assert.Equal([PlannedActionKind.Deactivate, PlannedActionKind.Skip], plan.Actions.Select(a => a.Kind));
        Assert.Contains($"previous key {Prev} is deactivated in this sweep", plan.Actions[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousActiveWhileDue_WaitReasonSaysItIsStillActive()
    {
        var plan = Plan([Key(Prev, Active, 200, Recently), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), policy: Policy with { MaxDeactivationDelayDays = 0 });

        Assert.Contains($"previous key {Prev} is still active", plan.Actions[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousInactiveWhileDue_WaitReasonsGiveTheRestoreWindow()
    {
        var found = Plan([Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev));
        var recorded = Plan([Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], TracksDeactivated(Cur, Prev, 1));

        Assert.Contains("deletion is due 7 days from now", found.Actions[0].Reason, StringComparison.Ordinal);
        Assert.Contains("restore window starts now", found.Actions[1].Reason, StringComparison.Ordinal);
        Assert.Contains($"restore window until {Now.AddDays(6):yyyy-MM-dd}", recorded.Actions[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SlotFreeingDeletes_ReasonsSayWhyTheKeyCannotBeInUse()
    {
        var previous = Plan([Key(Prev, Inactive, 200, Use.DaysAgo(100)), Key(Cur, Active, 100, Recently)], Tracks(Cur, previous: Prev), policy: Policy with { DeleteAfterDays = 0 });
        var pending = Plan([Key(Cur, Active, 100, Recently), Key(Pend, Inactive, 1, Use.Never)], Tracks(Cur, pending: Pend));

        Assert.Contains("no restore window", previous.Actions[0].Reason, StringComparison.Ordinal);
        Assert.Contains("free the key slot", previous.Actions[0].Reason, StringComparison.Ordinal);
        Assert.Contains("staged AWSPENDING by a rotation that never completed", pending.Actions[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousNeverUsed_DeactivateReasonSaysSo()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Use.Never), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Contains("was never used", action.Reason, StringComparison.Ordinal);
        Assert.Contains("handed off 10 days ago", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RequireOldKeyUnusedOff_DeactivateReasonNamesTheSetting()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Recently), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev), policy: Policy with { RequireOldKeyUnused = false }).Actions);

        Assert.Contains("handed off 10 days ago", action.Reason, StringComparison.Ordinal);
        Assert.Contains("requireOldKeyUnused=false", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PreviousLastUseUnknown_WarnSaysItIsNotDeactivatedWithoutKnowing()
    {
        var action = Assert.Single(Plan([Key(Prev, Active, 100, Use.Unknown), Key(Cur, Active, 10, Recently)], Tracks(Cur, previous: Prev)).Actions);

        Assert.Contains("unknown last use", action.Reason, StringComparison.Ordinal);
        Assert.Contains($"deactivated anyway on {Now.AddDays(20):yyyy-MM-dd}", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TwoActiveKeysWithOneCreateDate_AdoptsTheLowerKeyId()
    {
        // The tie-break is arbitrary but fixed: the same facts always adopt the same key.
        var plan = Plan([Key(Other, Active, 10, Use.Never), Key(Cur, Active, 10, Use.Never)], null);

        Assert.Equal(KeyRole.Current, plan.Roles[Cur]);
        Assert.Equal(KeyRole.Untracked, plan.Roles[Other]);
    }

    [Fact]
    public void Plan_KeyAgeBetweenWholeDays_IsRoundedDown() =>
        Assert.Contains("10 days old", Assert.Single(Plan([Key(Cur, Active, 10.9, Recently)], Tracks(Cur)).Actions).Reason, StringComparison.Ordinal);

    [Fact]
    public void Plan_UntrackedKeyOfUnknownLastUse_WarnSaysSo() =>
        Assert.Contains("last used unknown", Plan([KeyAged(Other, Active, TimeSpan.FromHours(1), Use.Unknown), Key(Cur, Active, 10, Recently)], Tracks(Cur)).Actions[0].Reason, StringComparison.Ordinal);

    [Fact]
    public void Plan_TwoKeysWithOneCreateDate_DoesNotDependOnListingOrder()
    {
        var facts = Facts([Key(Cur, Active, 10, Use.Never), Key(Other, Active, 10, Use.Never)], null);

        var listed = Planner.Plan(facts, Policy, Now);
        var reversed = Planner.Plan(facts with { Keys = facts.Keys.Reverse().ToList() }, Policy, Now);

        Assert.Equal(listed.Actions, reversed.Actions);
    }

    [Fact]
    public void PlanRestore_MissingKey_Blocks()
    {
        var action = Planner.PlanRestore(Facts([Key(Cur, Active, 10, Recently)], Tracks(Cur)), Gone);

        Assert.Equal(PlannedActionKind.Block, action.Kind);
        Assert.Equal(Gone, action.AccessKeyId);
        Assert.Contains("cannot be restored", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanRestore_ActiveKey_Skips()
    {
        var action = Planner.PlanRestore(Facts([Key(Cur, Active, 10, Recently)], Tracks(Cur)), Cur);

        Assert.Equal(PlannedActionKind.Skip, action.Kind);
        Assert.Contains("already Active", action.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanRestore_InactiveKey_Reactivates()
    {
        var action = Planner.PlanRestore(Facts([Key(Prev, Inactive, 100, Use.DaysAgo(20)), Key(Cur, Active, 10, Recently)], TracksDeactivated(Cur, Prev, 2)), Prev);

        Assert.Equal(new PlannedAction(PlannedActionKind.Reactivate, action.Reason, Prev), action);
        Assert.Contains(Prev, action.Reason, StringComparison.Ordinal);
        Assert.True(action.ChangesState);
    }

    [Fact]
    public void PlanRestore_KeyIdsDifferingInCase_AreDifferentKeys() =>
        Assert.Equal(PlannedActionKind.Block, Planner.PlanRestore(Facts([Key(Prev, Inactive, 100, Use.Never)], null), Prev.ToLowerInvariant()).Kind);

    public static TheoryData<RotationPolicy, bool, string> ReplacedKeyFates => new()
    {
        // Rule 25: the plan deactivates it right after the promotion.
        { new() { DeactivateAfterDays = 0, RequireOldKeyUnused = false }, true, $"Old key {Cur} is deactivated in this sweep (deactivateAfterDays=0)." },
        // Rule 12, with and without rule 11's window.
        { new() { DeactivateAfterDays = 0, RequireOldKeyUnused = false }, false, $"Old key {Cur} stays active until the next sweep deactivates it (deactivateAfterDays=0)." },
        { new() { DeactivateAfterDays = 1, RequireOldKeyUnused = false }, false, $"Old key {Cur} stays active for 1 days (deactivateAfterDays), then a sweep deactivates it." },
        // Rules 11, 13 and 14 together; each part only while its setting is above 0.
        {
            new() { DeactivateAfterDays = 7, RequireOldKeyUnused = true, OldKeyIdleDays = 30, MaxDeactivationDelayDays = 90 }, false,
            $"Old key {Cur} stays active for at least 7 days (deactivateAfterDays) and until it is idle (never used, or unused for 30 days: oldKeyIdleDays); it is deactivated anyway after 90 days (maxDeactivationDelayDays)."
        },
        {
            new() { DeactivateAfterDays = 1, RequireOldKeyUnused = true, OldKeyIdleDays = 1, MaxDeactivationDelayDays = 1 }, false,
            $"Old key {Cur} stays active for at least 1 days (deactivateAfterDays) and until it is idle (never used, or unused for 1 days: oldKeyIdleDays); it is deactivated anyway after 1 days (maxDeactivationDelayDays)."
        },
        {
            new() { DeactivateAfterDays = 0, RequireOldKeyUnused = true, OldKeyIdleDays = 7, MaxDeactivationDelayDays = 0 }, false,
            $"Old key {Cur} stays active until it is idle (never used, or unused for 7 days: oldKeyIdleDays)."
        },
    };

    [Theory]
    [MemberData(nameof(ReplacedKeyFates))]
    public void ReplacedKeyFate_EachPolicy_SaysWhichRuleDeactivatesTheKeyAndWhen(RotationPolicy policy, bool deactivatedRightAfter, string expected) =>
        Assert.Equal(expected, Planner.ReplacedKeyFate(Cur, policy, deactivatedRightAfter));

    public static TheoryData<string, RotationPolicy, double?> HandOffEnds => new()
    {
        // Rule 14's forced deadline, counted from the hand-off (the key's creation here: no records).
        { "forced deadline", new() { DeactivateAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 30 }, 30 - 3 },
        // Rule 11's window comes first when it is the longer one.
        { "deadline inside the window", new() { DeactivateAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 5 }, 7 - 3 },
        // Rule 12: with requireOldKeyUnused false, the end of rule 11's window.
        { "retired after the window", new() { DeactivateAfterDays = 7, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 30 }, 7 - 3 },
        // Rule 13 alone: nothing forces the deactivation.
        { "idle rule alone", new() { DeactivateAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 0 }, null },
    };

    [Theory]
    [MemberData(nameof(HandOffEnds))]
    public void HandOffEnd_ActivePreviousKey_IsTheLatestInstantTheRotatorDeactivatesIt(string situation, RotationPolicy policy, double? daysFromNow)
    {
        var plan = Planner.Plan(Facts([Key(Prev, Active, 93, Recently), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev)), policy, Now);

        Assert.True(daysFromNow is null ? Planner.HandOffEnd(plan, policy) is null : Planner.HandOffEnd(plan, policy) == Now.AddDays(daysFromNow.Value), situation);
    }

    [Fact]
    public void HandOffEnd_CountsFromTheRecordedHandOff() =>
        Assert.Equal(Now.AddDays(28), Planner.HandOffEnd(Planner.Plan(Facts([Key(Prev, Active, 130, Recently), Key(Cur, Active, 40, Recently)], Tracks(Cur, previous: Prev).HandedOff(Cur, 2)), Policy, Now), Policy));

    [Theory]
    [InlineData("previous key inactive")]
    [InlineData("untracked second key")]
    [InlineData("no current key")]
    public void HandOffEnd_NoActivePreviousBesideTheCurrentKey_IsNull(string situation)
    {
        UserFacts facts = situation switch
        {
            "previous key inactive" => Facts([Key(Prev, Inactive, 93, Recently), Key(Cur, Active, 3, Recently)], Tracks(Cur, previous: Prev)),
            "untracked second key" => Facts([Key(Other, Active, 93, Recently), Key(Cur, Active, 3, Recently)], Tracks(Cur)),
            _ => Facts([Key(Prev, Active, 93, Recently)], Tracks(Gone, previous: Prev)),
        };

        Assert.Null(Planner.HandOffEnd(Planner.Plan(facts, Policy, Now), Policy));
    }
}
