using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The promise over whole lifecycles: 180 simulated days of daily sweeps with a consumer of every kind per user, for
/// each seed, and no invariant breaks (docs/reliability.md, "Consumers never break"). One class per policy.
/// SIMULATION_LONG=1 runs 365 days and five seeds.
/// </summary>
public abstract class ConsumersNeverBreakTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("SIMULATION_LONG") == "1";

    public static TheoryData<int> Seeds() => Long ? new TheoryData<int>(1, 2, 3, 4, 5) : new TheoryData<int>(1, 2);

    internal abstract Promise Promise { get; }

    /// <summary>Sweeps through the fan-out instead of one process.</summary>
    internal virtual bool FanOut => false;

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Run_Seed_NoInvariantBreaks(int seed)
    {
        var days = Long ? 365 : 180;
        var scenario = new Scenario($"{Promise}{(FanOut ? " (fan-out)" : "")}, seed {seed}", Promise, seed, days) { FanOut = FanOut };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        AssertWholeLifecycles(result);
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }

    /// <summary>Every user's key was rotated, and some user's twice: a key the rotator made went through the whole lifecycle too.</summary>
    internal static void AssertWholeLifecycles(SimulationResult result)
    {
        var rotations = result.Users.ToDictionary(u => u, u => result.Timeline.Alerts.Count(a => a.Attribute("event") == "rotated" && a.Attribute("userName") == u.UserName));
        Assert.True(rotations.Values.All(n => n >= 1) && rotations.Values.Any(n => n >= 2), $"rotations per user: {string.Join(", ", rotations.Select(r => $"{r.Key.UserName} {r.Value}"))}");
    }
}

[Trait("Category", "Integration")]
public sealed class DefaultsNeverBreakTests(ITestOutputHelper output) : ConsumersNeverBreakTests(output)
{
    internal override Promise Promise => Promise.Defaults;
}

[Trait("Category", "Integration")]
public sealed class OneActiveKeyNeverBreaksTests(ITestOutputHelper output) : ConsumersNeverBreakTests(output)
{
    internal override Promise Promise => Promise.OneActiveKey;
}

[Trait("Category", "Integration")]
public sealed class ShortGraceNeverBreaksTests(ITestOutputHelper output) : ConsumersNeverBreakTests(output)
{
    internal override Promise Promise => Promise.ShortGrace;
}
