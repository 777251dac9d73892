using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing.GitHub;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>A run is a function of its seed: the same seed twice renders the same timeline for every user.</summary>
[Trait("Category", "Integration")]
public class DeterminismTests(OracleFixture oracle) : IClassFixture<OracleFixture>
{
    [Fact]
    public async Task Run_SameSeedTwice_SameTimelines()
    {
        var scenario = new Scenario("determinism", Promise.ShortGrace, Seed: 5, Days: 30) { FirstRotationWithinDays = 10 };

        await AssertSameTimelinesAsync(scenario, null);
    }

    /// <summary>
    /// The engine also writes to the GitHub contract server, a loopback server of this process that waits on node for
    /// each sealed value: the clock must stand still while it answers, refusals (403) included.
    /// </summary>
    [OracleFact]
    public async Task Run_SameSeedTwiceWithGitHubDestination_SameTimelines()
    {
        var scenario = new Scenario("determinism, the CI job reads GitHub secrets", Promise.ShortGrace, Seed: 5, Days: 30)
        {
            FirstRotationWithinDays = 10,
            ReadFromGitHub = new HashSet<string> { "ci-deploy" },
            GitHubWritesRefusedDays = 8,
        };

        await AssertSameTimelinesAsync(scenario, oracle.Oracle);
    }

    private static async Task AssertSameTimelinesAsync(Scenario scenario, SodiumOracle? oracle)
    {
        var first = await SimulationRun.RunAsync(scenario, oracle: oracle);
        var second = await SimulationRun.RunAsync(scenario, oracle: oracle);

        Assert.True(first.Rotations > 0, "no rotation: nothing to compare");
        Assert.Equal(first.Users.Select(first.Timeline.Render), second.Users.Select(second.Timeline.Render));
    }
}
