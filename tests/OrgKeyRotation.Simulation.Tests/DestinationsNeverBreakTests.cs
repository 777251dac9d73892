using System.Text.Json;
using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// Consumers that read their keys from Parameter Store destinations instead of the secret: over whole lifecycles with
/// the defaults, none is refused; while the destinations' writes are refused (a missing grant) the previous key stays
/// active until the parameter holds the new key, and at most until the forced deadline, which names the stale
/// destination in its warning and its deactivation.
/// </summary>
[Trait("Category", "Integration")]
public class DestinationsNeverBreakTests(ITestOutputHelper output)
{
    /// <summary>The consumers that read the hand-off, each from its own parameter (the replica reads its region's secret).</summary>
    private static readonly HashSet<string> ParameterReaders = ["app-reader", "app-timer", "ci-deploy"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Run_DefaultsConsumersReadParameters_NoInvariantBreaks(int seed)
    {
        var scenario = new Scenario($"defaults, consumers read parameters, seed {seed}", Promise.Defaults, seed, Days: 180) { ReadFromParameter = ParameterReaders };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        ConsumersNeverBreakTests.AssertWholeLifecycles(result);
        // The consumers read the rotated keys from their parameters, not only the keys they started with.
        var rotated = result.Timeline.Alerts.Where(a => a.Attribute("event") == "rotated").Select(a => a.Attribute("accessKeyId")).ToHashSet();
        Assert.All(ParameterReaders, u => Assert.Contains(result.Timeline.Reads, r => r.Consumer.User.UserName == u && rotated.Contains(r.AccessKeyId)));
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }

    /// <summary>
    /// Short grace (forced at 3 days, warned a day before), the CI job's parameter refused for 10 days: its previous
    /// key is held to the forced deadline, not a day less, because the parameter never held the new key; the warning and
    /// the forced deactivation name the parameter. The job, which still reads nothing there, is then refused (the
    /// promise ends at the forced deadline) until the writes go through and it reads the current key.
    /// </summary>
    [Fact]
    public async Task Run_ParameterWritesRefusedPastForcedDeadline_OldKeyHeldToTheDeadline()
    {
        var scenario = new Scenario("short grace, the CI job reads a parameter, writes refused for 10 days", Promise.ShortGrace, Seed: 7, Days: 20)
        {
            FirstRotationWithinDays = 3,
            ReadFromParameter = new HashSet<string> { "ci-deploy" },
            ParameterWritesRefusedDays = 10,
        };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        output.WriteLine(result.Report());
        AssertCiKeyHeldToTheForcedDeadline(result, "ssm:/params/");
    }

    /// <summary>
    /// Under short grace, with the CI job's destination (named starting with <paramref name="destination"/>) refused past
    /// the forced deadline: the job's previous key is deactivated at the deadline (by the sweep after it), not before;
    /// that deactivation and a warning before it name the destination; the only breaks are the job refused after it;
    /// and once the writes go through (<see cref="Scenario.DestinationWritesRefusedDays"/>) the job calls with the new key.
    /// </summary>
    internal static void AssertCiKeyHeldToTheForcedDeadline(SimulationResult result, string destination)
    {
        var ci = result.Users.Single(u => u.UserName == "ci-deploy");
        var mine = result.Timeline.Alerts.Where(a => a.Attribute("userName") == ci.UserName).ToList();
        var rotation = mine.First(a => a.Body.Contains("\"events\":[\"rotated\"", StringComparison.Ordinal));
        var original = JsonDocument.Parse(rotation.Body).RootElement.GetProperty("keys").GetProperty("replaced").GetString()!;
        var deadline = rotation.At.AddDays(Promise.ShortGrace.Policy.MaxDeactivationDelayDays);
        var forced = mine.Single(a => a.Attribute("severity") == "action-required" && a.Body.Contains("\"deactivated\"", StringComparison.Ordinal) && Timeline.KeysNamed(a).Contains(original));
        Assert.InRange(forced.At, deadline - TimeSpan.FromMinutes(2), deadline + TimeSpan.FromDays(1));
        Assert.Contains(destination, Timeline.DetailsOf(forced), StringComparison.Ordinal);
        Assert.Contains(mine, a => a.At < forced.At && a.Body.Contains("\"warning\"", StringComparison.Ordinal) && Timeline.DetailsOf(a).Contains(destination, StringComparison.Ordinal));
        // The only breaks: the CI job refused with its original key after the forced deadline.
        Assert.All(result.Violations, v => Assert.True(v.Invariant == Invariants.NeverRefused && v.User == ci && v.At >= forced.At, v.Why));
        Assert.Contains(result.Timeline.Calls, c => c.Consumer.User == ci && c.AccessKeyId == original && c.Accepted && c.At > forced.At - TimeSpan.FromDays(1));
        var writable = SimulationRun.Start.AddDays(result.Scenario.DestinationWritesRefusedDays + 1);
        Assert.Contains(result.Timeline.Calls, c => c.Consumer.User == ci && c.At > writable && c.AccessKeyId == rotation.Attribute("accessKeyId") && c.Accepted);
    }

    /// <summary>A parameter write answered but dropped: the record claims the new key, the old key goes, the job that reads the parameter is refused and the run reports it.</summary>
    [Fact]
    public async Task Run_ParameterWriteDroppedButRecorded_NeverRefusedReported()
    {
        var scenario = new Scenario("retire a day after the hand-off, the CI job reads a parameter whose writes are dropped", Promise.RetireAfterADay, Seed: 7, Days: 15)
        {
            FirstRotationWithinDays = 3,
            ReadFromParameter = new HashSet<string> { "ci-deploy" },
            BreakEngine = BrokenRules.DropsParameterWrites,
        };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Report());
        Assert.Contains(result.Violations, v => v.Invariant == Invariants.NeverRefused && v.User.UserName == "ci-deploy");
    }

    /// <summary>
    /// A CI job (kind 3) and a cached app (kind 2, re-reading every 6 hours) whose parameters' writes are refused for
    /// the first 10 days: the previous keys stay active until the parameters hold the new keys and a day more (the app
    /// read its parameter before the write), and no consumer is refused.
    /// </summary>
    [Fact]
    public async Task Run_CiReadsAStaleThenCurrentParameter_NoInvariantBreaks()
    {
        var scenario = new Scenario("retire a day after the hand-off, two consumers read parameters, writes refused for 10 days", Promise.RetireAfterADay, Seed: 7, Days: 30)
        {
            FirstRotationWithinDays = 5,
            ReadFromParameter = new HashSet<string> { "ci-deploy", "app-timer" },
            ParameterWritesRefusedDays = 10,
        };

        var result = await SimulationRun.RunAsync(scenario);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        AssertCiReadStaleThenCurrent(result, "ssm:/params/");
        Assert.True(result.AwsCalls.GetValueOrDefault("ssm:PutParameter") > 0);
    }

    /// <summary>
    /// The CI job's destination (named starting with <paramref name="destination"/>) refused for the first
    /// <see cref="Scenario.DestinationWritesRefusedDays"/>: while the writes were refused the destination held nothing
    /// and the job went on with its original key, which stayed active (no call of it was refused); the action-required
    /// alert named the destination; afterwards the job read the rotated key there, and the previous key went the
    /// policy's way, deactivated at the next sweep.
    /// </summary>
    internal static void AssertCiReadStaleThenCurrent(SimulationResult result, string destination)
    {
        var ci = result.Users.Single(u => u.UserName == "ci-deploy");
        var reads = result.Timeline.Reads.Where(r => r.Consumer.User == ci).ToList();
        // The first rotation's message is a failure too (the destination), so it is found by its events.
        var firstRotated = result.Timeline.Alerts.First(a => a.Attribute("userName") == ci.UserName && a.Body.Contains("\"events\":[\"rotated\"", StringComparison.Ordinal));
        var refusedUntil = SimulationRun.Start.AddDays(result.Scenario.DestinationWritesRefusedDays);
        Assert.Contains(reads, r => r.At > firstRotated.At && r.At < refusedUntil && r.AccessKeyId is null);
        Assert.Contains(result.Timeline.Calls, c => c.Consumer.User == ci && c.At > firstRotated.At && c.At < refusedUntil && c.Accepted);
        Assert.Contains(reads, r => r.At > refusedUntil.AddDays(1) && r.AccessKeyId is not null);
        Assert.Contains(result.Timeline.Alerts, a => a.Attribute("userName") == ci.UserName && a.At > refusedUntil && a.Body.Contains("\"deactivated\"", StringComparison.Ordinal));
        Assert.Contains(result.Timeline.Alerts, a => a.Attribute("userName") == ci.UserName && a.Attribute("severity") == "action-required" && a.Body.Contains(destination, StringComparison.Ordinal));
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }
}
