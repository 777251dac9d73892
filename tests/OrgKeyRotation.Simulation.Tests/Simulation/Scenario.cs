using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Planning;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>One IAM user of the simulated organization.</summary>
internal sealed record SimulatedUser(string AccountId, string UserName);

/// <summary>
/// What a policy promises: the policy, the consumer kinds that never lose a working key under it, and whether a
/// consumer that never switches keeps working until the forced deadline (warned in time, brought back by a restore).
/// </summary>
internal sealed record Promise(string Name, RotationPolicy Policy, IReadOnlySet<ConsumerKind> NeverBreak, bool NeverSwitchesWarnedBeforeForced)
{
    /// <summary>The product's defaults: every consumer that reads the hand-off is safe; one that never does is warned, then forced off.</summary>
    public static Promise Defaults { get; } = new("defaults", new RotationPolicy(),
        new HashSet<ConsumerKind> { ConsumerKind.ReadsOnRefusal, ConsumerKind.RereadsOnTimer, ConsumerKind.CiJob, ConsumerKind.SecondRegion, ConsumerKind.CredentialProcess }, NeverSwitchesWarnedBeforeForced: true);

    /// <summary>
    /// One active key: the old key goes right after the promotion. Only consumers that read the
    /// secret when refused or before each use are safe; one that re-reads on a timer (an SDK holding credential_process's
    /// credentials for their hour included) is refused until its next read, and one that never switches at once.
    /// </summary>
    public static Promise OneActiveKey { get; } = new("one active key",
        new RotationPolicy { DeactivateAfterDays = 0, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 },
        new HashSet<ConsumerKind> { ConsumerKind.ReadsOnRefusal, ConsumerKind.CiJob, ConsumerKind.SecondRegion }, NeverSwitchesWarnedBeforeForced: false);

    /// <summary>A short grace window: days instead of weeks at every step, the same promises as the defaults.</summary>
    public static Promise ShortGrace { get; } = new("short grace",
        new RotationPolicy { DeactivateAfterDays = 1, OldKeyIdleDays = 1, DeleteAfterDays = 1, MaxDeactivationDelayDays = 3, WarnDaysBeforeForced = 1 },
        Defaults.NeverBreak, NeverSwitchesWarnedBeforeForced: true);

    /// <summary>
    /// The previous key goes a day after the hand-off, used or not, never forced later: only the destinations' hold
    /// (rule 27) keeps it for a consumer that reads a stale destination. A consumer that never switches is not
    /// protected by this policy, as with one active key.
    /// </summary>
    public static Promise RetireAfterADay { get; } = new("retire a day after the hand-off",
        new RotationPolicy { DeactivateAfterDays = 1, RequireOldKeyUnused = false, MaxDeactivationDelayDays = 0 },
        new HashSet<ConsumerKind> { ConsumerKind.ReadsOnRefusal, ConsumerKind.RereadsOnTimer, ConsumerKind.CiJob, ConsumerKind.SecondRegion }, NeverSwitchesWarnedBeforeForced: false);

    public override string ToString() => Name;
}

/// <summary>One simulated run: a promise, a seed, a length, AWS's delays, and how the engine is hosted.</summary>
internal sealed record Scenario(string Name, Promise Promise, int Seed, int Days)
{
    public const string HomeRegion = "us-east-1";
    public const string SecondRegionName = "eu-west-1";

    /// <summary>The policy the engine runs; the promise's unless a test breaks a rule on purpose.</summary>
    public RotationPolicy EnginePolicy { get; init; } = Promise.Policy;

    /// <summary>How long IAM refuses a new key in the home region (AWS: 5-15 s is common).</summary>
    public TimeSpan Propagation { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long IAM refuses a new key in the second region, where kind 5 calls.</summary>
    public TimeSpan SecondRegionPropagation { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>verification.regions: where the engine verifies a new key before the hand-off (empty: its own region).</summary>
    public IReadOnlyList<string> VerificationRegions { get; init; } = [];

    /// <summary>How late GetAccessKeyLastUsed reports a use: the bound the planner assumes (<see cref="Planner.LastUsedLagBound"/>).</summary>
    public TimeSpan LastUsedLag { get; init; } = Planner.LastUsedLagBound;

    /// <summary>
    /// Each user's key is given an age at the start so that its first rotation falls within this many days (at most
    /// maxKeyAgeDays, 90): short runs that need a rotation early use a few days.
    /// </summary>
    public int FirstRotationWithinDays { get; init; } = 90;

    /// <summary>
    /// Secrets in the central account with Secrets Manager's own rotation schedule turned on (secrets.rotationLambdaArn):
    /// Secrets Manager invokes the function's four steps when the schedule is due, besides the daily sweeps.
    /// </summary>
    public bool SecretsManagerSchedule { get; init; }

    /// <summary>Who answers behind the model. moto for the runs that show the in-memory answers agree with it.</summary>
    public BackendKind Backend { get; init; } = BackendKind.InMemory;

    /// <summary>Sweeps go through the fan-out (a work item per account on SQS) instead of one process.</summary>
    public bool FanOut { get; init; }

    /// <summary>
    /// The users whose consumer reads the key from a Parameter Store destination of the user (configuration
    /// destinations, /params/{accountId}/{userName}) instead of the user's secret.
    /// </summary>
    public IReadOnlySet<string> ReadFromParameter { get; init; } = new HashSet<string>();

    /// <summary>For this many days from the start every PutParameter of the engine is refused (AccessDenied): the destination stays stale.</summary>
    public int ParameterWritesRefusedDays { get; init; }

    /// <summary>
    /// The users whose consumer reads the key from GitHub Actions secrets instead of the user's secret, as a workflow run
    /// is given them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the repository sim-org/{userName}, a GitHub
    /// destination of the user (<see cref="SimulatedGitHub"/>). Disjoint from <see cref="ReadFromParameter"/>.
    /// </summary>
    public IReadOnlySet<string> ReadFromGitHub { get; init; } = new HashSet<string>();

    /// <summary>
    /// For this many days from the start the engine's GitHub App lacks the secrets permission (GitHub answers 403
    /// "Resource not accessible by integration"); the organization's owner grants it at midnight of that day.
    /// </summary>
    public int GitHubWritesRefusedDays { get; init; }

    /// <summary>The longest time any destination's writes are refused.</summary>
    public int DestinationWritesRefusedDays => Math.Max(ParameterWritesRefusedDays, GitHubWritesRefusedDays);

    /// <summary>A deliberately broken engine: wraps the handler under the engine's AWS and GitHub calls (never the consumers').</summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? BreakEngine { get; init; }

    public override string ToString() => Name;
}
