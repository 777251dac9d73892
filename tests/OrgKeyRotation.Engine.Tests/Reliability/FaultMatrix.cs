using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Engine.Tests.Support;
using OrgKeyRotation.Testing;
using static OrgKeyRotation.Engine.Tests.Support.EngineHarness;

namespace OrgKeyRotation.Engine.Tests.Reliability;

/// <summary>A lifecycle step the matrix faults, call by call.</summary>
public enum MatrixStep
{
    FirstRotation,
    Deactivate,
    Delete,
    CreateSecret,
    TestSecret,
    FinishSecret,
    RotationToDestination,
    SyncDestination,
}

/// <summary>
/// The fault matrix: for each step, each AWS call it makes and each <see cref="FaultKind"/>, inject the fault at that
/// call, check the invariants, recover (Secrets Manager retries its step, then a clean sweep), check convergence and
/// that one more sweep changes nothing. Outcomes go to artifacts/reliability-matrix.md.
/// </summary>
internal static class FaultMatrix
{
    public const string User = "alice";
    public const string Token = "7d3f2a10-9c4b-4e8a-b1f6-2e5d8c0a9b37";

    private static readonly RotationPolicy Policy = new() { MaxKeyAgeDays = 30, DeactivateAfterDays = 7, DeleteAfterDays = 7, RequireOldKeyUnused = true, MaxDeactivationDelayDays = 20 };
    private static readonly RotationPolicy RotateNow = Policy with { MaxKeyAgeDays = 0 };
    private static readonly ConcurrentDictionary<(MatrixStep, string, FaultKind), string> Outcomes = new();
    private static readonly Lock FileLock = new();

    /// <summary>
    /// The calls each step makes today, in a stable order (FactsCollector's reads run concurrently). A test records
    /// the real calls and compares, and docs/reliability.md must list the same, so neither can drift silently.
    /// </summary>
    public static readonly IReadOnlyDictionary<MatrixStep, IReadOnlyList<string>> Calls = new Dictionary<MatrixStep, IReadOnlyList<string>>
    {
        [MatrixStep.FirstRotation] = ["AssumeRole#1", "ListSecrets#1", "GetGroup#1", "GetUser#1", "ListAccessKeys#1", "CreateSecret#1", "PutResourcePolicy#1", "CreateAccessKey#1", "PutSecretValue#1", "GetCallerIdentity#1", "PublishBatch#1"],
        [MatrixStep.Deactivate] = ["AssumeRole#1", "GetGroup#1", "ListSecrets#1", "GetUser#1", "ListAccessKeys#1", "DescribeSecret#1", "GetAccessKeyLastUsed#1", "GetResourcePolicy#1", "TagResource#1", "UpdateAccessKey#1", "PublishBatch#1"],
        [MatrixStep.Delete] = ["AssumeRole#1", "GetGroup#1", "ListSecrets#1", "ListAccessKeys#1", "GetUser#1", "DescribeSecret#1", "GetAccessKeyLastUsed#1", "GetResourcePolicy#1", "DeleteAccessKey#1", "PublishBatch#1"],
        [MatrixStep.CreateSecret] = ["AssumeRole#1", "DescribeSecret#1", "ListSecrets#1", "GetGroup#1", "GetUser#1", "ListAccessKeys#1", "DescribeSecret#2", "GetAccessKeyLastUsed#1", "GetResourcePolicy#1", "DeleteAccessKey#1", "TagResource#1", "CreateAccessKey#1", "PutSecretValue#1", "PublishBatch#1"],
        [MatrixStep.TestSecret] = ["AssumeRole#1", "DescribeSecret#1", "GetSecretValue#1", "GetCallerIdentity#1"],
        [MatrixStep.FinishSecret] = ["AssumeRole#1", "DescribeSecret#1", "GetSecretValue#1", "GetUser#1", "GetResourcePolicy#1", "GetSecretValue#2", "TagResource#1", "UpdateSecretVersionStage#1", "PublishBatch#1"],
        [MatrixStep.RotationToDestination] = ["AssumeRole#1", "GetGroup#1", "ListSecrets#1", "GetUser#1", "ListAccessKeys#1", "CreateSecret#1", "PutResourcePolicy#1", "CreateAccessKey#1", "PutSecretValue#1", "GetCallerIdentity#1", "PutParameter#1", "AddTagsToResource#1", "TagResource#1", "PublishBatch#1"],
        [MatrixStep.SyncDestination] = ["AssumeRole#1", "GetGroup#1", "ListSecrets#1", "GetUser#1", "ListAccessKeys#1", "DescribeSecret#1", "GetAccessKeyLastUsed#1", "GetResourcePolicy#1", "GetSecretValue#1", "PutParameter#1", "AddTagsToResource#1", "TagResource#1", "PublishBatch#1"],
    };

    /// <summary>The destination of the destination steps: the user's key in a Parameter Store parameter of its account.</summary>
    private static readonly DestinationsConfig Destination = new() { Defaults = [new SsmDestinationConfig("/keys/{accountId}/{userName}")] };

    private const string Parameter = $"/keys/{AccountA}/{User}";

    public static string Title(MatrixStep step) => step switch
    {
        MatrixStep.FirstRotation => "first rotation (sweep)",
        MatrixStep.Deactivate => "deactivate after grace (sweep)",
        MatrixStep.Delete => "delete after deleteAfterDays (sweep)",
        MatrixStep.CreateSecret => "createSecret",
        MatrixStep.TestSecret => "testSecret",
        MatrixStep.FinishSecret => "finishSecret",
        MatrixStep.RotationToDestination => "first rotation with a destination (sweep)",
        _ => "destination added later (sweep, SyncDestinations)",
    };

    public static TheoryData<string, FaultKind> Cases(MatrixStep step)
    {
        var data = new TheoryData<string, FaultKind>();
        foreach (var call in Calls[step])
        {
            foreach (var fault in Enum.GetValues<FaultKind>())
            {
                data.Add(call, fault);
            }
        }

        return data;
    }

    /// <summary>Arranges moto so that <paramref name="step"/> is the next thing to happen; returns the engine config for it.</summary>
    public static async Task<Scenario> ArrangeAsync(MotoServer server, MatrixStep step)
    {
        var h = await EngineHarness.StartAsync(server);
        var original = await h.UserWithKeyAsync(AccountA, User);
        if (step == MatrixStep.FirstRotation)
        {
            return new Scenario(h, step, h.Config(policy: RotateNow), original, null, null);
        }

        if (step == MatrixStep.RotationToDestination)
        {
            return new Scenario(h, step, h.Config(policy: RotateNow) with { Destinations = Destination }, original, null, null);
        }

        // A Secrets Manager rotation creates a key only when the sweep's plan would rotate: the key must be due.
        var config = h.Config(policy: step is MatrixStep.Deactivate or MatrixStep.Delete or MatrixStep.SyncDestination ? Policy : RotateNow)
            with { Destinations = step == MatrixStep.SyncDestination ? Destination : new DestinationsConfig() };
        await Reliability.Service(h, h.Config(policy: RotateNow)).SweepAsync(new SweepRequest(), default);
        var current = (await h.KeyInSecretAsync(AccountA, User))!;
        var arn = (await h.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, User))).GetProperty("ARN").GetString()!;
        var scenario = new Scenario(h, step, config, original, current, arn);
        switch (step)
        {
            case MatrixStep.Deactivate:
                h.Time.Advance(TimeSpan.FromDays(8));
                break;
            case MatrixStep.Delete:
                h.Time.Advance(TimeSpan.FromDays(8));
                await Reliability.Service(h, config).SweepAsync(new SweepRequest(), default);
                h.Time.Advance(TimeSpan.FromDays(8));
                break;
            case MatrixStep.SyncDestination:
                // The destination is in the configuration from now on; the rotated key is current and not due.
                break;
            default:
                // As after a finished lifecycle: the original key is inactive and past its restore window, so
                // createSecret deletes it for the slot. The deactivation record is back-dated rather than the clock
                // moved on, because moto dates new keys with the real clock.
                await h.Seed.SetAccessKeyStatusAsync(AccountA, User, original, active: false);
                await h.Seed.TagSecretAsync(AccountA, arn, new Dictionary<string, string> { [ManagedSecret.DeactivatedTag] = ManagedSecret.DeactivationTagValue(original, h.Time.GetUtcNow().AddDays(-8)) });
                foreach (var earlier in RotationSteps.Names.TakeWhile(s => s != StepName(step)))
                {
                    var done = await scenario.RunAsync(Reliability.Service(h, config), earlier);
                    Assert.Equal(Outcome.Succeeded, done.Outcome);
                }

                break;
        }

        return scenario;
    }

    public static async Task RunCellAsync(MotoServer server, MatrixStep step, string call, FaultKind fault)
    {
        var s = await ArrangeAsync(server, step);
        var h = s.Harness;
        var faults = new FaultInjectingHandler();
        var (operation, occurrence) = Reliability.ParseLabel(call);
        Reliability.Arm(faults, operation, occurrence, fault);
        var probe = new InvariantProbe(h, AccountA, User, new CallCountingHandler(faults));

        var afterFault = await s.RunFaultedAsync(Reliability.Service(h, s.Config, probe), fault);
        Assert.True(faults.Seen(operation) >= occurrence, $"{call} was never made: the step's calls changed, update FaultMatrix.Calls");
        Assert.Equal(Expected(operation, fault), afterFault);
        Assert.Empty(probe.Violations);
        await s.AssertInvariantsAsync();

        h.Time.Advance(Planner.OrphanMinimumAge + TimeSpan.FromMinutes(1));
        await s.RecoverAsync();
        await s.AssertInvariantsAsync();
        await s.AssertConvergedAsync();
        await s.AssertFurtherSweepChangesNothingAsync();

        Record(step, call, fault, $"{afterFault}, converged");
    }

    /// <summary>The cell as the matrix test asserts it (and as docs/reliability.md must show it).</summary>
    public static string ExpectedCell((MatrixStep Step, string Call, FaultKind Fault) cell) =>
        Expected(Reliability.ParseLabel(cell.Call).Operation, cell.Fault) + ", converged";

    /// <summary>
    /// What the faulted run must report: retries absorb every transient fault except where AWS may have applied a
    /// non-idempotent CreateAccessKey (a 500 or a lost response: the run fails and a later run reconciles).
    /// </summary>
    private static string Expected(string operation, FaultKind fault) => fault switch
    {
        FaultKind.Crash when operation == "PublishBatch" => "done (alert failure logged)",
        FaultKind.Crash => "crashed",
        FaultKind.Http500 or FaultKind.ResponseLost when operation == "CreateAccessKey" => "failed",
        _ => "done",
    };

    private static string StepName(MatrixStep step) => step switch
    {
        MatrixStep.CreateSecret => "createSecret",
        MatrixStep.TestSecret => "testSecret",
        MatrixStep.FinishSecret => "finishSecret",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "not a Secrets Manager step"),
    };

    private static void Record(MatrixStep step, string call, FaultKind fault, string outcome)
    {
        Outcomes[(step, call, fault)] = outcome;
        lock (FileLock)
        {
            var dir = Path.Combine(Reliability.RepositoryRoot(), "artifacts");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "reliability-matrix.md"), Table(c => Outcomes.GetValueOrDefault(c, "not run")));
        }
    }

    /// <summary>The matrix as a markdown table; <paramref name="cell"/> gives each (step, call, fault) outcome.</summary>
    public static string Table(Func<(MatrixStep, string, FaultKind), string> cell)
    {
        var faults = Enum.GetValues<FaultKind>();
        var text = new StringBuilder()
            .AppendLine("| Step | Call | " + string.Join(" | ", faults.Select(Reliability.Title)) + " |")
            .AppendLine("|---|---|" + string.Concat(faults.Select(_ => "---|")));
        foreach (var (step, calls) in Calls)
        {
            foreach (var call in calls)
            {
                text.AppendLine($"| {Title(step)} | {call} | " + string.Join(" | ", faults.Select(f => cell((step, call, f)))) + " |");
            }
        }

        return text.ToString();
    }

    /// <summary>One arranged case: the harness, the step, and what the keys were before it.</summary>
    internal sealed record Scenario(EngineHarness Harness, MatrixStep Step, RotationConfig Config, string Original, string? CurrentBefore, string? SecretArn)
    {
        public string SweepId { get; } = $"sweep-matrix-{Guid.NewGuid():N}";

        private bool IsSecretsManagerStep => Step is MatrixStep.CreateSecret or MatrixStep.TestSecret or MatrixStep.FinishSecret;

        private bool HasDestination => Step is MatrixStep.RotationToDestination or MatrixStep.SyncDestination;

        public Task<RotationStepResult> RunAsync(RotationService service, string step) =>
            service.RunRotationStepAsync(new RotationStepRequest(step, SecretArn!, Token), default).WaitAsync(TimeSpan.FromSeconds(30));

        /// <summary>Runs the step (with <paramref name="fault"/> armed in the service's handler, if any); returns done, deferred, failed or crashed.</summary>
        public async Task<string> RunFaultedAsync(RotationService service, FaultKind? fault)
        {
            string outcome;
            try
            {
                outcome = IsSecretsManagerStep ? await RunStepFaultedAsync(service) : await SweepFaultedAsync(service);
            }
            catch (SimulatedCrashException)
            {
                Assert.Equal(FaultKind.Crash, fault);
                return "crashed";
            }

            if (fault == FaultKind.Crash)
            {
                // Only the alert publisher swallows it, by design: the rotation stands and the alerts are in the log.
                Assert.Contains(Harness.Log.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("The rotations stand", StringComparison.Ordinal));
                return outcome + " (alert failure logged)";
            }

            return outcome;
        }

        private async Task<string> SweepFaultedAsync(RotationService service)
        {
            var result = await service.SweepAsync(new SweepRequest { SweepId = SweepId }, default).WaitAsync(TimeSpan.FromSeconds(30));
            if (result.Counts.Failed > 0)
            {
                // Every failure is traceable: an error line carrying the sweep id (the alert's log line).
                Assert.Contains(Harness.Log.Lines, l => l.Level == LogLevel.Error && l.Values.GetValueOrDefault("SweepId") == SweepId);
                return "failed";
            }

            var goal = Step switch
            {
                MatrixStep.FirstRotation or MatrixStep.RotationToDestination => ActionKind.Rotate,
                MatrixStep.Deactivate => ActionKind.Deactivate,
                MatrixStep.SyncDestination => ActionKind.SyncDestinations,
                _ => ActionKind.Delete,
            };
            return result.ActionsOf(AccountA, User).Any(a => a.Action == goal && a.Outcome == Outcome.Succeeded) ? "done" : "deferred";
        }

        private async Task<string> RunStepFaultedAsync(RotationService service)
        {
            var result = await RunAsync(service, StepName(Step));
            if (result.Outcome == Outcome.Failed)
            {
                Assert.Contains(Harness.Log.Lines, l => l.Level == LogLevel.Error && l.Values.GetValueOrDefault("SweepId") == $"rotation-{Token}");
                return "failed";
            }

            return "done";
        }

        /// <summary>Secrets Manager retries the step and runs the rest (stopping at a failure, as it does); then a clean sweep.</summary>
        public async Task RecoverAsync()
        {
            var service = Reliability.Service(Harness, Config);
            if (IsSecretsManagerStep)
            {
                foreach (var step in RotationSteps.Names.SkipWhile(s => s != StepName(Step)))
                {
                    var result = await RunAsync(service, step);
                    Assert.True(result.Outcome == Outcome.Succeeded, $"retried {step} failed: {result.Message}");
                }
            }

            var sweep = await service.SweepAsync(new SweepRequest(), default).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(sweep.Counts.Failed == 0, "recovery sweep failed: " + string.Join("; ", sweep.ActionsOf(AccountA, User).Select(a => $"{a.Action} {a.Outcome} {a.Reason} {a.Error}")));
        }

        public async Task AssertInvariantsAsync() => await Harness.AssertSafeAsync(AccountA, User);

        public async Task AssertConvergedAsync()
        {
            var keys = await Harness.KeysAsync(AccountA, User);
            var current = await Harness.KeyInSecretAsync(AccountA, User);
            Assert.NotNull(current);
            if (HasDestination)
            {
                // The parameter holds the current key, and the secret's record says so (a write without its record is done again).
                using var parameter = System.Text.Json.JsonDocument.Parse((await Harness.Seed.ParameterAsync(AccountA, Parameter))!.Value.Value);
                Assert.Equal(current, parameter.RootElement.GetProperty("AccessKeyId").GetString());
                var id = Config.Destinations.For(AccountA, User).Single().Id;
                var record = (await Harness.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, User))).GetProperty("Tags").EnumerateArray()
                    .Single(t => t.GetProperty("Key").GetString() == ManagedSecret.DestinationTagPrefix + id).GetProperty("Value").GetString();
                Assert.StartsWith(current + " ", record, StringComparison.Ordinal);
            }

            switch (Step)
            {
                case MatrixStep.FirstRotation or MatrixStep.RotationToDestination:
                    Assert.NotEqual(Original, current);
                    Assert.Equal([(Original, "Active"), (current, "Active")], Sorted(keys, Original));
                    break;
                case MatrixStep.SyncDestination:
                    Assert.Equal(CurrentBefore, current);
                    Assert.Equal([(Original, "Active"), (current, "Active")], Sorted(keys, Original));
                    break;
                case MatrixStep.Deactivate:
                    Assert.Equal(CurrentBefore, current);
                    Assert.Equal([(Original, "Inactive"), (current, "Active")], Sorted(keys, Original));
                    break;
                case MatrixStep.Delete:
                    Assert.Equal(CurrentBefore, current);
                    Assert.Equal([(current, "Active")], keys);
                    break;
                default:
                    Assert.NotEqual(CurrentBefore, current);
                    Assert.Equal(CurrentBefore, await Harness.KeyInSecretAsync(AccountA, User, "AWSPREVIOUS"));
                    Assert.Equal([(CurrentBefore!, "Active"), (current, "Active")], Sorted(keys, CurrentBefore!));
                    break;
            }
        }

        public async Task AssertFurtherSweepChangesNothingAsync()
        {
            var keys = await Harness.KeysAsync(AccountA, User);
            var stages = await StagesAsync();
            var again = await Reliability.Service(Harness, Config).SweepAsync(new SweepRequest(), default).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(keys, await Harness.KeysAsync(AccountA, User));
            Assert.Equal(stages, await StagesAsync());
            Assert.Equal(0, again.Counts.Rotated + again.Counts.Deactivated + again.Counts.Deleted + again.Counts.Reactivated + again.Counts.Failed);
        }

        private async Task<string> StagesAsync() =>
            (await Harness.Seed.DescribeSecretAsync(AccountA, SecretName(AccountA, User))).GetProperty("VersionIdsToStages").GetRawText();

        private static List<(string, string)> Sorted(IReadOnlyList<(string AccessKeyId, string Status)> keys, string first) =>
            [.. keys.OrderBy(k => k.AccessKeyId == first ? 0 : 1)];
    }
}
