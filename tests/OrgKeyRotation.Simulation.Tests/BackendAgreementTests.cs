using OrgKeyRotation.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The long runs answer AWS in memory (<see cref="InMemoryAws"/>) because moto is too slow for months of days in CI.
/// They are evidence only while the two agree: each short scenario here runs against moto and in memory, and every
/// user's timeline (keys, consumer reads and calls, alerts) must be the same.
/// </summary>
[Trait("Category", "Integration")]
public class BackendAgreementTests(SimulationFixture fixture, ITestOutputHelper output) : IClassFixture<SimulationFixture>
{
    public static TheoryData<string, bool> Scenarios() => new()
    {
        { Promise.Defaults.Name, false },
        { Promise.OneActiveKey.Name, false },
        { Promise.ShortGrace.Name, false },
        { Promise.Defaults.Name, true },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Run_SameScenarioOnMotoAndInMemory_SameTimelines(string promise, bool fanOut)
    {
        var named = new[] { Promise.Defaults, Promise.OneActiveKey, Promise.ShortGrace }.Single(p => p.Name == promise);
        var scenario = new Scenario($"{promise}{(fanOut ? " (fan-out)" : "")} agreement", named, Seed: 4, Days: 30) { FirstRotationWithinDays = 8, FanOut = fanOut };

        var onMoto = await SimulationRun.RunAsync(scenario with { Backend = BackendKind.Moto }, fixture.Moto);
        var inMemory = await SimulationRun.RunAsync(scenario with { Backend = BackendKind.InMemory });

        output.WriteLine(onMoto.Summary());
        output.WriteLine(inMemory.Summary());
        Assert.True(onMoto.Rotations >= 5, $"only {onMoto.Rotations} rotations: the scenario does not exercise the lifecycle");
        foreach (var user in onMoto.Users)
        {
            Assert.Equal(onMoto.Timeline.Render(user), inMemory.Timeline.Render(user));
        }

        // Two users' alerts of one batch may arrive in either order: the violations are compared as a set.
        Assert.Equal(Sorted(onMoto), Sorted(inMemory));
    }

    private static List<(string Invariant, SimulatedUser User, DateTimeOffset At)> Sorted(SimulationResult result) =>
        result.Violations.Select(v => (v.Invariant, v.User, v.At))
            .OrderBy(v => v.At).ThenBy(v => v.User.UserName, StringComparer.Ordinal).ThenBy(v => v.Invariant, StringComparer.Ordinal).ToList();
}
