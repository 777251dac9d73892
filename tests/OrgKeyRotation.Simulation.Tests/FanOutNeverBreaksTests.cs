using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The same promise when the sweeps go through the fan-out: the schedule enqueues a work item per account, the
/// function (played by the simulation as Lambda's SQS event source) sweeps each account, then the digest item.
/// </summary>
[Trait("Category", "Integration")]
public class FanOutNeverBreaksTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_DefaultsThroughTheFanOut_NoInvariantBreaks()
    {
        var days = Environment.GetEnvironmentVariable("SIMULATION_LONG") == "1" ? 365 : 180;
        var scenario = new Scenario("defaults (fan-out), seed 3", Promise.Defaults, Seed: 3, Days: days) { FanOut = true };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        ConsumersNeverBreakTests.AssertWholeLifecycles(result);
        Assert.Equal(days, result.Timeline.Alerts.Count(a => a.Attribute("event") == "digest"));
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }
}
