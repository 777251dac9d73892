using OrgKeyRotation.Simulation.Tests.Simulation;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.GitHub;
using Xunit.Abstractions;

namespace OrgKeyRotation.Simulation.Tests;

/// <summary>
/// The CI job (kind 3) reads its key from GitHub Actions secrets instead of the secret: at each run it gets
/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of its repository, which the engine's GitHub destination writes with the
/// GitHub App. Over whole lifecycles with the defaults it is never refused; while the app lacks the secrets permission
/// (GitHub's 403) the previous key stays active until the secrets hold the new key, and at most until the forced
/// deadline, whose warning and deactivation name the repository. GitHub is the contract server, whose independent
/// sealed-box oracle (node, libsodium-wrappers) opens every value the engine seals; without it the tests are skipped.
/// </summary>
[Trait("Category", "Integration")]
public class GitHubDestinationsNeverBreakTests(OracleFixture oracle, ITestOutputHelper output) : IClassFixture<OracleFixture>
{
    private const string Job = "ci-deploy";

    /// <summary>The job's destination as alerts name it.</summary>
    private const string Repository = "github:" + SimulatedGitHub.Owner + "/" + Job;

    private static readonly HashSet<string> GitHubReaders = [Job];

    [OracleTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Run_DefaultsCiJobReadsGitHubSecrets_NoInvariantBreaks(int seed)
    {
        var scenario = new Scenario($"defaults, the CI job reads GitHub secrets, seed {seed}", Promise.Defaults, seed, Days: 180) { ReadFromGitHub = GitHubReaders };

        var result = await SimulationRun.RunAsync(scenario, oracle: oracle.Oracle);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        ConsumersNeverBreakTests.AssertWholeLifecycles(result);
        // Each key the job was rotated to reached it through its repository's secrets, written once.
        var rotated = result.Timeline.Alerts.Where(a => a.Attribute("userName") == Job && a.Attribute("event") == "rotated").Select(a => a.Attribute("accessKeyId")).ToList();
        Assert.All(rotated, k => Assert.Contains(result.Timeline.Reads, r => r.Consumer.User.UserName == Job && r.AccessKeyId == k));
        Assert.Equal(rotated.Count, result.GitHubCalls.GetValueOrDefault("PUT AWS_ACCESS_KEY_ID"));
        Assert.Equal(rotated.Count, result.GitHubCalls.GetValueOrDefault("PUT AWS_SECRET_ACCESS_KEY"));
        SecretScan.AssertClean("alert", result.Timeline.Alerts.Select(a => a.Body));
    }

    /// <summary>
    /// Short grace (forced at 3 days, warned a day before), the app without the secrets permission for 10 days: the
    /// job's previous key is held to the forced deadline, not a day less, because the secrets never held the new key;
    /// the warning and the forced deactivation name the repository. The job, whose repository still holds nothing, is
    /// then refused (the promise ends at the forced deadline) until the permission is granted and it reads the current key.
    /// </summary>
    [OracleFact]
    public async Task Run_GitHubWritesRefusedPastForcedDeadline_OldKeyHeldToTheDeadline()
    {
        var scenario = new Scenario("short grace, the CI job reads GitHub secrets, writes refused for 10 days", Promise.ShortGrace, Seed: 7, Days: 20)
        {
            FirstRotationWithinDays = 3,
            ReadFromGitHub = GitHubReaders,
            GitHubWritesRefusedDays = 10,
        };

        var result = await SimulationRun.RunAsync(scenario, oracle: oracle.Oracle);

        output.WriteLine(result.Summary());
        output.WriteLine(result.Report());
        DestinationsNeverBreakTests.AssertCiKeyHeldToTheForcedDeadline(result, Repository);
    }

    /// <summary>
    /// The previous key retired a day after the hand-off whatever its use, the app without the secrets permission for
    /// the first 10 days: only rule 27 keeps the job's original key active while its repository holds nothing, and no
    /// consumer is refused; once granted, the secrets hold the new key and the previous key goes at the next sweep.
    /// </summary>
    [OracleFact]
    public async Task Run_CiReadsStaleThenCurrentGitHubSecrets_NoInvariantBreaks()
    {
        var scenario = new Scenario("retire a day after the hand-off, the CI job reads GitHub secrets, writes refused for 10 days", Promise.RetireAfterADay, Seed: 7, Days: 30)
        {
            FirstRotationWithinDays = 5,
            ReadFromGitHub = GitHubReaders,
            GitHubWritesRefusedDays = 10,
        };

        var result = await SimulationRun.RunAsync(scenario, oracle: oracle.Oracle);

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0, result.Report());
        DestinationsNeverBreakTests.AssertCiReadStaleThenCurrent(result, Repository);
    }

    /// <summary>A secret write answered 204 but never sent: the record claims the new key, the old key goes, the job that reads the repository is refused and the run reports it.</summary>
    [OracleFact]
    public async Task Run_GitHubWriteDroppedButRecorded_NeverRefusedReported()
    {
        var scenario = new Scenario("retire a day after the hand-off, the CI job reads GitHub secrets whose writes are dropped", Promise.RetireAfterADay, Seed: 7, Days: 15)
        {
            FirstRotationWithinDays = 3,
            ReadFromGitHub = GitHubReaders,
            BreakEngine = BrokenRules.DropsGitHubWrites,
        };

        var result = await SimulationRun.RunAsync(scenario, oracle: oracle.Oracle);

        output.WriteLine(result.Report());
        Assert.Contains(result.Violations, v => v.Invariant == Invariants.NeverRefused && v.User.UserName == Job);
    }
}
