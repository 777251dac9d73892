using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The same promise when Secrets Manager's own schedule rotates too (central secrets, secrets.rotationLambdaArn): on the
/// day a secret is due Secrets Manager invokes the function's four steps, and the daily sweeps run as well.
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
        Assert.Contains(result.Timeline.Alerts, a => a.Attribute("event") == "rotated" && a.Attribute("sweepId")?.StartsWith("rotation-", StringComparison.Ordinal) == true);
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }
}
