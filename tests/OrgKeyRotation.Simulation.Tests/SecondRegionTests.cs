using OrgKeyRotation.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// Kind 5 calls from a second region, where IAM may make a new key usable later than in the region the engine
/// verifies it in. It reads the secret when its owner hears of a rotation (two minutes after the sweep started) and
/// retries with AWS's backoff (1, 2, 4, 8, 16 s) when refused.
/// </summary>
[Trait("Category", "Integration")]
public class SecondRegionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_SecondRegionWithinTheBackoff_Kind5NeverBreaks()
    {
        var scenario = new Scenario("second region 2 min 10 s", Promise.Defaults, Seed: 11, Days: 10) { FirstRotationWithinDays = 3, SecondRegionPropagation = TimeSpan.FromSeconds(130) };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        Assert.Contains(result.Timeline.Calls, c => c.Consumer.Kind == ConsumerKind.SecondRegion && !c.Accepted);
    }

    /// <summary>
    /// A known break, kept as a test so that it is seen: the engine verifies a new key in its own region only, so a
    /// second region slower than kind 5's backoff refuses the key the secret already hands out. The setting that
    /// verifies the key in every region consumers use must make this run clean; this test then fails, and becomes
    /// "no violation".
    /// </summary>
    [Fact]
    public async Task Run_SecondRegionSlowerThanTheBackoff_Kind5BreaksUntilTheEngineVerifiesInThatRegion()
    {
        var scenario = new Scenario("second region 5 min", Promise.Defaults, Seed: 11, Days: 10) { FirstRotationWithinDays = 3, SecondRegionPropagation = TimeSpan.FromMinutes(5) };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Report());
        var broken = Assert.Single(result.Violations.Select(v => (v.Invariant, v.User.UserName)).Distinct());
        Assert.Equal((Invariants.NeverRefused, "replica-eu"), broken);
    }
}
