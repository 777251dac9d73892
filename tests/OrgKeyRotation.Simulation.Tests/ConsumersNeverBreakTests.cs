using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The promise over whole lifecycles: for each policy and seed, 180 simulated days of daily sweeps with consumers of
/// every kind, and no invariant breaks. SIMULATION_LONG=1 runs 365 days and more seeds.
/// </summary>
[Trait("Category", "Integration")]
public class ConsumersNeverBreakTests(SimulationFixture fixture, ITestOutputHelper output) : IClassFixture<SimulationFixture>
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("SIMULATION_LONG") == "1";

    private static int Days => Long ? 365 : 180;

    public static TheoryData<string, int> PoliciesAndSeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var promise in new[] { Promise.Defaults.Name, Promise.OneActiveKey.Name, Promise.ShortGrace.Name })
        {
            foreach (var seed in Long ? new[] { 1, 2, 3, 4, 5 } : [1, 2])
            {
                data.Add(promise, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PoliciesAndSeeds))]
    public async Task Run_PolicyAndSeed_NoInvariantBreaks(string promise, int seed)
    {
        var result = await SimulationRun.RunAsync(fixture.Moto, new Scenario($"{promise}, seed {seed}", PromiseNamed(promise), seed, Days));

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        Assert.True(result.Rotations >= 5, $"only {result.Rotations} rotations in {Days} days: the run did not exercise the lifecycle");
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }

    internal static Promise PromiseNamed(string name) =>
        new[] { Promise.Defaults, Promise.OneActiveKey, Promise.ShortGrace }.Single(p => p.Name == name);
}
