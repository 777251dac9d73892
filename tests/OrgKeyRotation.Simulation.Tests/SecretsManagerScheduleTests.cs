using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The same promise when Secrets Manager's own schedule runs too (central secrets, secrets.rotationLambdaArn): on the
/// day a secret's schedule is due Secrets Manager invokes the function's four steps, and the daily sweeps run as well.
/// The schedule counts from Secrets Manager's own last rotation, so it comes due near the day a sweep rotated: each
/// of its rotations creates a key only when a sweep would, and ends without a failure either way.
/// </summary>
[Trait("Category", "Integration")]
public class SecretsManagerScheduleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_DefaultsWithSecretsManagersSchedule_NoInvariantBreaks()
    {
        var days = Environment.GetEnvironmentVariable("SIMULATION_LONG") == "1" ? 365 : 180;
        var scenario = new Scenario("defaults (Secrets Manager schedule), seed 5", Promise.Defaults, Seed: 5, Days: days) { SecretsManagerSchedule = true };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        ConsumersNeverBreakTests.AssertWholeLifecycles(result);
        var scheduled = result.Timeline.Happenings.Where(h => h.Text.StartsWith("Secrets Manager's scheduled rotation", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scheduled);
        Assert.All(scheduled, h => Assert.Equal("Secrets Manager's scheduled rotation", h.Text));
        Assert.DoesNotContain(result.Timeline.Alerts, a => a.Attribute("event") == "failed");
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }
}
