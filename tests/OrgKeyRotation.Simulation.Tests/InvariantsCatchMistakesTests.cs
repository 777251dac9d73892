using OrgKeyRotation.Simulation.Tests.Simulation;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// Each invariant catches a real mistake: the engine runs with one rule broken on purpose (a policy other than the
/// one the promise judges, or a handler that carries a step out wrongly), and the run must report that invariant.
/// The pairs are listed in docs/reliability.md. Runs are short: every key's first rotation falls in the first days.
/// </summary>
[Trait("Category", "Integration")]
public class InvariantsCatchMistakesTests(ITestOutputHelper output)
{
    private static readonly Promise Defaults = Promise.Defaults;

    public static TheoryData<string, string> Mistakes() => new()
    {
        { "old key deactivated right after the promotion, whoever uses it", Invariants.NeverRefused },
        { "forced deadline at 10 days instead of 30", Invariants.WorksUntilForced },
        { "no action-required warning before the forced deadline", Invariants.WarnedBeforeForced },
        { "restore reports success but leaves the key inactive", Invariants.RestoreBringsItBack },
        { "deactivating the old key deactivates the new one too", Invariants.AWorkingKey },
        { "deactivated key deleted after 60 days instead of 7", Invariants.OldKeyRetired },
        { "a key still in use is never forced off: a warning every day", Invariants.AlertsBounded },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Run_RuleBrokenOnPurpose_InvariantReportsIt(string mistake, string invariant)
    {
        // Seed 6: the timer consumer calls between the promotion and its next read, which one seed in a few does.
        var scenario = Broken(mistake, new Scenario(mistake, Defaults, Seed: 6, Days: 50) { FirstRotationWithinDays = 3 });

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        output.WriteLine(result.Report());
        Assert.Contains(result.Violations, v => v.Invariant == invariant);
    }

    private static Scenario Broken(string mistake, Scenario scenario) => mistake switch
    {
        "old key deactivated right after the promotion, whoever uses it" => scenario with { EnginePolicy = Promise.OneActiveKey.Policy },
        "forced deadline at 10 days instead of 30" => scenario with { EnginePolicy = Defaults.Policy with { MaxDeactivationDelayDays = 10, WarnDaysBeforeForced = 2 } },
        "no action-required warning before the forced deadline" => scenario with { EnginePolicy = Defaults.Policy with { WarnDaysBeforeForced = 0 } },
        "restore reports success but leaves the key inactive" => scenario with { BreakEngine = BrokenRules.RestoreWithoutReactivating },
        "deactivating the old key deactivates the new one too" => scenario with { BreakEngine = BrokenRules.DeactivatesEveryKey },
        "deactivated key deleted after 60 days instead of 7" => scenario with { EnginePolicy = Defaults.Policy with { DeleteAfterDays = 60 } },
        "a key still in use is never forced off: a warning every day" => scenario with { EnginePolicy = Defaults.Policy with { MaxDeactivationDelayDays = 0 } },
        _ => throw new ArgumentOutOfRangeException(nameof(mistake), mistake, "no such mistake"),
    };
}
