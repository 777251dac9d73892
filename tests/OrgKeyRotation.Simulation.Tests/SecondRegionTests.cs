using OrgKeyRotation.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// Kind 5 calls from a second region, where IAM may make a new key usable later than in the region the engine
/// verifies it in. It reads the secret when its owner hears of a rotation (two minutes after the sweep started) and
/// retries with AWS's backoff (1, 2, 4, 8, 16 s) when refused. verification.regions listing its region makes the
/// engine hand the key over only once that region accepts it.
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
    /// A second region slower than kind 5's backoff (and than the 60 s verification timeout): with the engine verifying
    /// in its own region only, kind 5 is refused the key the secret already hands out. Verified there too
    /// (verification.regions), a later rotation's key is handed over only once that region accepts it (the next sweep
    /// completes it when the first one's verification ran out of time), and a first rotation's key, current at once in
    /// a new secret, is reported unverified and its old key stays active.
    /// </summary>
    [Fact]
    public async Task Run_SecondRegionSlowerThanTheBackoffVerifiedThere_Kind5NeverBreaks()
    {
        var scenario = new Scenario("second region 5 min, verified there", Promise.Defaults, Seed: 11, Days: 10)
        {
            FirstRotationWithinDays = 3,
            SecondRegionPropagation = TimeSpan.FromMinutes(5),
            VerificationRegions = [Scenario.HomeRegion, Scenario.SecondRegionName],
        };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Report());
        Assert.True(result.Violations.Count == 0, result.Report());
        // The engine asked the second region's STS, which refused the key for longer than the verification lasts.
        Assert.Contains(result.Timeline.Alerts, a => a.Body.Contains($"did not authenticate in {Scenario.SecondRegionName} within 60 s", StringComparison.Ordinal));
    }
}
