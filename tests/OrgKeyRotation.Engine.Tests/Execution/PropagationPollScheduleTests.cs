using OrgKeyRotation.Engine.Execution;

namespace OrgKeyRotation.Engine.Tests.Execution;

public class PropagationPollScheduleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Jitter = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan Plenty = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(0.0, 1000)]
    [InlineData(0.5, 1400)]
    [InlineData(0.999, 1799.2)]
    public void DelayBeforeNext_InstantAttempt_WaitsTheIntervalPlusItsShareOfTheJitter(double random, double expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PropagationPollSchedule.DelayBeforeNext(TimeSpan.Zero, Interval, Jitter, random, Plenty));

    [Fact]
    public void DelayBeforeNext_AttemptTookAWhile_CountsFromItsStart()
    {
        var delay = PropagationPollSchedule.DelayBeforeNext(TimeSpan.FromMilliseconds(300), Interval, Jitter, 0.5, Plenty);

        Assert.Equal(TimeSpan.FromMilliseconds(1100), delay);
    }

    [Fact]
    public void DelayBeforeNext_AttemptTookLongerThanTheGap_NextStartsAtOnce() =>
        Assert.Equal(TimeSpan.Zero, PropagationPollSchedule.DelayBeforeNext(TimeSpan.FromSeconds(3), Interval, Jitter, 0.9, Plenty));

    [Fact]
    public void DelayBeforeNext_EndComesFirst_LastAttemptLandsOnTheEnd() =>
        Assert.Equal(TimeSpan.FromMilliseconds(250), PropagationPollSchedule.DelayBeforeNext(TimeSpan.Zero, Interval, Jitter, 0.5, TimeSpan.FromMilliseconds(250)));

    [Theory]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void DelayBeforeNext_RandomOutsideTheUnitRange_StaysWithinIntervalPlusJitter(double random)
    {
        var delay = PropagationPollSchedule.DelayBeforeNext(TimeSpan.Zero, Interval, Jitter, random, Plenty);

        Assert.InRange(delay, Interval, Interval + Jitter);
    }
}
