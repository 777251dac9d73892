using OrgKeyRotation.Simulation.Tests.Simulation;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>A run is a function of its seed: the same seed twice renders the same timeline for every user.</summary>
[Trait("Category", "Integration")]
public class DeterminismTests
{
    [Fact]
    public async Task Run_SameSeedTwice_SameTimelines()
    {
        var scenario = new Scenario("determinism", Promise.ShortGrace, Seed: 5, Days: 30) { FirstRotationWithinDays = 10 };

        var first = await SimulationRun.RunAsync(scenario);
        var second = await SimulationRun.RunAsync(scenario);

        Assert.True(first.Rotations > 0, "no rotation: nothing to compare");
        Assert.Equal(first.Users.Select(first.Timeline.Render), second.Users.Select(second.Timeline.Render));
    }
}
