using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using OrgKeyRotation.Aws;
using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Ports;
using OrgKeyRotation.Engine;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretFormat;
using OrgKeyRotation.Engine.SecretsManagerRotation;
using OrgKeyRotation.Hosting;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.GitHub;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>What a run found, and the means to show it.</summary>
internal sealed record SimulationResult(Scenario Scenario, Timeline Timeline, IReadOnlyList<Violation> Violations, IReadOnlyList<SimulatedUser> Users, IReadOnlyDictionary<string, int> AwsCalls, IReadOnlyDictionary<string, int> GitHubCalls, int Rotations, TimeSpan Elapsed)
{
    /// <summary>One line: the run's size and how long it took.</summary>
    public string Summary() =>
        $"{Scenario}: {Rotations} rotations, {AwsCalls.Values.Sum()} AWS calls ({Largest(AwsCalls)}){(GitHubCalls.Count > 0 ? $", {GitHubCalls.Values.Sum()} GitHub requests ({Largest(GitHubCalls)})" : "")}, {Elapsed.TotalSeconds:0.0} s";

    private static string Largest(IReadOnlyDictionary<string, int> calls) =>
        string.Join(", ", calls.OrderByDescending(c => c.Value).Take(6).Select(c => $"{c.Key} {c.Value}"));

    /// <summary>Each invariant that broke, then the timeline of every user it broke for.</summary>
    public string Report()
    {
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{Scenario.Name} (seed {Scenario.Seed}, {Scenario.Days} days): {Violations.Count} violation(s)");
        foreach (var violation in Violations.Take(20))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- [{violation.Invariant}] {violation.User.UserName} at {Timeline.Stamp(violation.At)}: {violation.Why}");
        }

        foreach (var user in Violations.Select(v => v.User).Distinct())
        {
            text.AppendLine().Append(Timeline.Render(user));
        }

        return text.ToString();
    }
}

/// <summary>
/// One simulated run. One clock drives everything: the real engine (hosted as the Lambda hosts it: a sweep a day as
/// the EventBridge schedule fires it, or the fan-out's work items), the AWS model in front of moto (new keys refused
/// for a while in each region, last use reported late, keys that stop working when deactivated or deleted, IAM's
/// times on the simulated clock), and the consumers, each signing real calls with the key it holds. Invariants are
/// checked after every step (<see cref="Invariants"/>).
/// </summary>
internal sealed class SimulationRun : IConsumerWorld
{
    public const string Account = "111111111111";

    /// <summary>Day 0, midnight. A fixed date, so that timelines read the same every run.</summary>
    public static readonly DateTimeOffset Start = new(2027, 1, 4, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The parameter of a user whose consumer reads one (<see cref="Scenario.ReadFromParameter"/>).</summary>
    private const string ParameterTemplate = "/params/{accountId}/{userName}";

    /// <summary>The Lambda's 15 minutes less the margin the Lambda host keeps for the work started last (docs/lambda.md).</summary>
    private static readonly TimeSpan WorkWindow = TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(262);

    /// <summary>How long the engine must make no AWS call before the clock moves on to its next timer.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(3);

    /// <summary>How long after a sweep starts a consumer acts on its alerts.</summary>
    private static readonly TimeSpan AlertReaction = TimeSpan.FromMinutes(2);

    private readonly Scenario _scenario;
    private readonly SimulationClock _clock;
    private readonly ModelActivity _activity = new();
    private readonly CallCounter _calls = new();
    private readonly KeyLifecycle _keys = new();
    private readonly NewKeyPropagation _propagation;
    private readonly AlertTap _alerts = new();
    private readonly ModelTimeStamps _stamps = new();
    private readonly AwsModel _model;
    private readonly ISimulatedBackend _backend;
    private readonly Timeline _timeline;
    private readonly Invariants _invariants;
    private readonly List<Consumer> _consumers = [];
    private readonly Dictionary<string, ICentralClients> _consumerClients = new(StringComparer.Ordinal);
    private readonly Dictionary<Consumer, long> _wakeVersions = [];
    private readonly HashSet<Consumer> _restoring = [];
    private readonly PriorityQueue<Step, (DateTimeOffset, long)> _steps = new();
    private readonly Random _random;
    private readonly Lock _jitterLock = new();
    private long _order;
    private IRotationService _service = null!;
    private ICentralClients _engineClients = null!;
    private RotationConfig _config = null!;
    private int _alertsDispatched;
    private BasicAWSCredentials? _readerCredentials;
    private SimulatedGitHub? _github;

    private SimulationRun(ISimulatedBackend backend, Scenario scenario, SimulationClock clock)
    {
        _clock = clock;
        _backend = backend;
        _scenario = scenario;
        _random = new Random(scenario.Seed);
        _propagation = new NewKeyPropagation(scenario.Propagation, new Dictionary<string, TimeSpan> { [Scenario.SecondRegionName] = scenario.SecondRegionPropagation });
        _model = new AwsModel(clock).Use(_activity).Use(_calls).Use(_keys).Use(_propagation).Use(new LastUsedLag(scenario.LastUsedLag)).Use(_alerts).Use(_stamps);
        _timeline = new Timeline(Start, _keys, _alerts);
        _invariants = new Invariants(scenario, _timeline, _keys, _propagation);
    }

    public DateTimeOffset Now => _clock.GetUtcNow();

    public TimeProvider Clock => _clock;

    public void Read(Consumer consumer, string? accessKeyId) => _timeline.Add(new ConsumerRead(Now, consumer, accessKeyId));

    private DateTimeOffset End => Start.AddDays(_scenario.Days);

    /// <summary>
    /// Runs <paramref name="scenario"/>; <paramref name="moto"/> is needed only for <see cref="BackendKind.Moto"/> (it is
    /// reset first), <paramref name="oracle"/> only when consumers read GitHub (<see cref="Scenario.ReadFromGitHub"/>).
    /// </summary>
    public static async Task<SimulationResult> RunAsync(Scenario scenario, MotoServer? moto = null, SodiumOracle? oracle = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        ISimulatedBackend backend;
        SimulationClock clock = new(Start);
        if (scenario.Backend == BackendKind.Moto)
        {
            ArgumentNullException.ThrowIfNull(moto);
            await moto.ResetAsync(cancellationToken);
            backend = new MotoBackend(moto);
        }
        else
        {
            backend = new InMemoryBackend(clock, scenario.Seed);
        }

        var run = new SimulationRun(backend, scenario, clock);
        try
        {
            await run.SetUpAsync(oracle, cancellationToken);
            await run.LoopAsync(cancellationToken);
        }
        finally
        {
            foreach (var clients in run._consumerClients.Values.Append(run._engineClients))
            {
                (clients as IDisposable)?.Dispose();
            }

            if (run._github is not null)
            {
                await run._github.DisposeAsync();
            }
        }

        run._invariants.Finally(run.End, run._consumers);
        var rotations = run._alerts.Messages.Count(m => m.Attribute("event") == "rotated");
        var gitHubCalls = run._github?.Calls ?? new Dictionary<string, int>();
        return new SimulationResult(scenario, run._timeline, run._invariants.Violations, run._consumers.Select(c => c.User).Distinct().ToList(), run._calls.Calls, gitHubCalls, rotations, watch.Elapsed);
    }

    public async Task<bool> CallAsync(Consumer consumer, HeldKey key, int attempt, CancellationToken cancellationToken)
    {
        bool accepted;
        try
        {
            await ClientsIn(consumer.Region).Sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, null, cancellationToken);
            accepted = true;
        }
        catch (AwsServiceException ex) when (ex.Kind == AwsErrorKind.InvalidCredentials)
        {
            accepted = false;
        }

        _timeline.Add(new ConsumerCall(Now, consumer, key.AccessKeyId, accepted, attempt));
        return accepted;
    }

    public void GaveUp(Consumer consumer, HeldKey key)
    {
        var gaveUp = new GaveUp(Now, consumer, key.AccessKeyId);
        _timeline.Add(gaveUp);
        _invariants.OnGaveUp(gaveUp);
    }

    public async Task<HeldKey?> ReadAsync(Consumer consumer, CancellationToken cancellationToken)
    {
        var key = await consumer.Destination.ReadAsync(cancellationToken);
        _timeline.Add(new ConsumerRead(Now, consumer, key?.AccessKeyId));
        return key;
    }

    private async Task SetUpAsync(SodiumOracle? oracle, CancellationToken cancellationToken)
    {
        var topic = await _backend.CreateTopicAsync("alerts");
        // A profile reads the user's own secret in the user's account: central secrets need their ARN and a cross-account
        // read, which kind 6 does not add to the Secrets Manager schedule's scenario.
        string[] names = _scenario.SecretsManagerSchedule
            ? ["app-reader", "app-timer", "ci-deploy", "legacy-copy", "replica-eu"]
            : ["app-reader", "app-timer", "ci-deploy", "legacy-copy", "replica-eu", "cli-profile"];
        var users = names.Select(u => new SimulatedUser(Account, u)).ToList();
        var originals = new Dictionary<SimulatedUser, HeldKey>();
        foreach (var user in users)
        {
            await _backend.CreateUserAsync(user.AccountId, user.UserName);
            // Keys of many ages, so that rotations fall on different days.
            var age = TimeSpan.FromDays(_scenario.EnginePolicy.MaxKeyAgeDays) - TimeSpan.FromHours(_random.Next(_scenario.FirstRotationWithinDays * 24));
            originals[user] = await SeedKeyAsync(user, Start - age);
        }

        // The consumers' own identity for reading secrets (an instance role, a CI's OIDC role): never rotated.
        var reader = new SimulatedUser(Account, "secret-reader");
        await _backend.CreateUserAsync(reader.AccountId, reader.UserName);
        var readerKey = await SeedKeyAsync(reader, Start - TimeSpan.FromDays(400));
        _readerCredentials = new BasicAWSCredentials(readerKey.AccessKeyId, readerKey.SecretAccessKey.Reveal());

        _config = new RotationConfig
        {
            Accounts = new Dictionary<string, IReadOnlyList<string>> { [Account] = users.Select(u => u.UserName).ToList() },
            Policy = _scenario.EnginePolicy,
            Alerts = new AlertsConfig { SnsTopicArn = topic },
            FanOut = new FanOutConfig { DigestDelaySeconds = 0 },
            Verification = new VerificationConfig { Regions = _scenario.VerificationRegions },
        };
        if (_scenario.SecretsManagerSchedule)
        {
            _config = _config with { Secrets = new SecretsConfig { Location = SecretLocation.Central, RotatorArn = InMemoryAws.RotatorRoleArn, KmsKeyId = "alias/orgkeyrotation-secrets", RotationLambdaArn = $"arn:aws:lambda:{Scenario.HomeRegion}:{AccountDirectory.DefaultAccount}:function:org-key-rotation" } };
        }

        if (_scenario.FanOut)
        {
            _config = _config with { WorkQueueUrl = await _backend.CreateQueueAsync("work"), ResultsQueueUrl = await _backend.CreateQueueAsync("results") };
        }

        if (_scenario.ReadFromGitHub.Count > 0)
        {
            if (oracle is null)
            {
                throw new InvalidOperationException($"scenario {_scenario.Name}: consumers read GitHub secrets; pass the sealed-box oracle the contract server opens them with.");
            }

            if (_scenario.ReadFromGitHub.Overlaps(_scenario.ReadFromParameter))
            {
                throw new InvalidOperationException($"scenario {_scenario.Name}: a consumer reads either a parameter or GitHub secrets, not both: {string.Join(", ", _scenario.ReadFromGitHub.Intersect(_scenario.ReadFromParameter))}.");
            }

            _github = await SimulatedGitHub.StartAsync(oracle, _scenario.ReadFromGitHub, withoutSecretsPermission: _scenario.GitHubWritesRefusedDays > 0, CentralReader().Secrets, cancellationToken);
            _config = _config with { GitHub = _github.Config };
        }

        var destinations = _scenario.ReadFromParameter.Select(u => (User: u, Destination: (DestinationConfig)new SsmDestinationConfig(ParameterTemplate)))
            .Concat(_scenario.ReadFromGitHub.Select(u => (User: u, Destination: SimulatedGitHub.Destination)))
            .ToDictionary(d => d.User, IReadOnlyList<DestinationConfig> (d) => [d.Destination], StringComparer.OrdinalIgnoreCase);
        if (destinations.Count > 0)
        {
            _config = _config with { Destinations = new DestinationsConfig { Accounts = new Dictionary<string, AccountDestinations> { [Account] = new() { Users = destinations } } } };
        }

        var validation = ConfigValidator.Validate(_config);
        if (!validation.IsValid)
        {
            throw new InvalidOperationException($"scenario {_scenario.Name}: {validation.Describe()}");
        }

        // As HostComposition builds it for the Lambda, with the model (and a broken rule, when a test asks) under the AWS layer.
        var breakEngine = _scenario.BreakEngine ?? (handler => handler);
        if (_scenario.ParameterWritesRefusedDays > 0)
        {
            var broken = breakEngine;
            breakEngine = handler => new RefusingParameterWrites(_clock, Start.AddDays(_scenario.ParameterWritesRefusedDays), broken(handler));
        }

        var options = HostComposition.AwsOptionsFor(_config, new AwsConnection(Region: Scenario.HomeRegion, EndpointUrl: _backend.Endpoint)) with
        {
            Credentials = new BasicAWSCredentials("testing", "testing"),
            InnerHandlerFactory = () => breakEngine(_model.CreateHandler(_backend.CreateHandler())),
        };
        _engineClients = AwsClients.Create(options, TimeProvider.System);
        var engineOptions = new EngineOptions { JitterDraw = DrawJitter };
        // As HostComposition.GitHubFor makes it; its requests count as calls in flight (ModelActivity.Tracking).
        var gitHub = _github?.ClientFactory(_engineClients.Secrets, () => _activity.Tracking(breakEngine(new SocketsHttpHandler { AllowAutoRedirect = false })));
        _service = new RotationService(_config, _engineClients, _clock, NullLogger.Instance, engineOptions, gitHub);

        var seeds = new Random(_scenario.Seed + 1);
        var hours = TimeSpan.FromHours(1);
        foreach (var user in users)
        {
            IKeyDestination destination = _scenario.ReadFromGitHub.Contains(user.UserName)
                ? _github!.SecretsOf(user)
                : _scenario.ReadFromParameter.Contains(user.UserName)
                ? new ParameterDestination(this, ParameterTemplate.Replace("{accountId}", user.AccountId, StringComparison.Ordinal).Replace("{userName}", user.UserName, StringComparison.Ordinal))
                : new SecretDestination(this, _config.Secrets.NameFor(user.AccountId, user.UserName), _config.Secrets.Location);
            // Consumers that call every 12 hours (give or take 3) are seen in use by the idle rule, however late AWS
            // reports last use (4 hours): oldKeyIdleDays is at least a day.
            Consumer consumer = user.UserName switch
            {
                "app-reader" => new ReadsOnRefusal("app", user, destination, Scenario.HomeRegion, seeds.Next(), 12 * hours),
                "app-timer" => new RereadsOnTimer("cached app", user, destination, Scenario.HomeRegion, seeds.Next(), 6 * hours, 12 * hours),
                "ci-deploy" => new CiJob("deploy job", user, destination, Scenario.HomeRegion, seeds.Next(), 2),
                "legacy-copy" => new NeverSwitches("vendor system", user, destination, Scenario.HomeRegion, seeds.Next(), 12 * hours),
                "replica-eu" => new SecondRegion("replica", user, destination, Scenario.SecondRegionName, seeds.Next(), 12 * hours),
                _ => new CredentialProcessConsumer("aws cli profile", user, destination, Scenario.HomeRegion, seeds.Next(), 12 * hours, SecretReaderFor(user), _config.Secrets.NameFor(user.AccountId, user.UserName)),
            };
            _consumers.Add(consumer);
            Schedule(consumer, await consumer.StartAsync(this, originals[user], cancellationToken));
        }

        for (var day = 0; day < _scenario.Days; day++)
        {
            // EventBridge fires a scheduled rule within its minute, not on its 0th second.
            Enqueue(new Step(StepKind.Sweep, null, 0), Start.AddDays(day).AddHours(10).AddSeconds(_random.Next(60)));
            if (_scenario.SecretsManagerSchedule)
            {
                // Secrets Manager rotates a due secret at an hour of the day it chooses.
                Enqueue(new Step(StepKind.SecretsManagerRotation, null, 0), Start.AddDays(day).AddMinutes(_random.Next(24 * 60)));
            }
        }

        if (_scenario.GitHubWritesRefusedDays > 0)
        {
            Enqueue(new Step(StepKind.GrantGitHubPermission, null, 0), Start.AddDays(_scenario.GitHubWritesRefusedDays));
        }
    }

    private async Task<HeldKey> SeedKeyAsync(SimulatedUser user, DateTimeOffset createdAt)
    {
        var (id, secret) = await _backend.CreateAccessKeyAsync(user.AccountId, user.UserName);
        SecretScan.RegisterSecret(secret);
        _model.Accounts.Remember(id, user.AccountId);
        _keys.Register(id, user.AccountId, user.UserName, createdAt);
        _stamps.Register(id, createdAt);
        return new HeldKey(id, new Core.Model.SensitiveString(secret));
    }

    private double DrawJitter()
    {
        lock (_jitterLock)
        {
            return _random.NextDouble();
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (_steps.TryDequeue(out var step, out var when) && when.Item1 < End)
        {
            _clock.AdvanceTo(when.Item1);
            switch (step.Kind)
            {
                case StepKind.Sweep:
                    var started = Now;
                    await SweepAsync(cancellationToken);
                    _timeline.AddEngineWork(started, Now);
                    DispatchAlerts(started);
                    break;
                case StepKind.Wake when _wakeVersions[step.Consumer!] == step.Version:
                    // keyrot credential-process waits on the clock between reads of a refused key: driven like the engine.
                    Schedule(step.Consumer!, step.Consumer is CredentialProcessConsumer
                        ? await DriveAsync(() => step.Consumer.WakeAsync(this, cancellationToken))
                        : await step.Consumer!.WakeAsync(this, cancellationToken));
                    if (step.Consumer is NeverSwitches { Refused: true } refused && !_restoring.Contains(refused))
                    {
                        // The person who owns the external system notices and runs keyrot restore within the hour.
                        _restoring.Add(refused);
                        Enqueue(new Step(StepKind.Restore, refused, 0), Now.AddHours(1));
                    }

                    break;
                case StepKind.Restore:
                    await RestoreAsync((NeverSwitches)step.Consumer!, cancellationToken);
                    break;
                case StepKind.SecretsManagerRotation:
                    await RotateDueSecretsAsync(cancellationToken);
                    break;
                case StepKind.GrantGitHubPermission:
                    _github!.GrantSecretsPermission();
                    _timeline.Add(new Happening(Now, null, "the GitHub organization's owner grants the app the secrets permission"));
                    break;
            }

            _invariants.AfterStep(Now, _consumers);
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var started = Now;
        _timeline.Add(new Happening(started, null, _scenario.FanOut ? "sweep (fan-out)" : "sweep"));
        var request = new SweepRequest { StopStartingWorkAt = started + WorkWindow };
        if (!_scenario.FanOut)
        {
            NoteDestinations(await DriveAsync(() => _service.SweepAsync(request, cancellationToken)));
            return;
        }

        await DriveAsync(async () =>
        {
            await _service.EnqueueSweepAsync(request, cancellationToken);
            await PlayEventSourceAsync(started, cancellationToken);
            return true;
        });
    }

    /// <summary>When a user's destinations (if any) all hold the user's current key, as the sweep reports it.</summary>
    private void NoteDestinations(SweepResult result)
    {
        foreach (var user in result.Accounts.SelectMany(a => a.Users).Where(u => u.Destinations is not null))
        {
            var simulated = new SimulatedUser(user.AccountId, user.UserName);
            _timeline.HasDestinations(simulated);
            if (user.Destinations!.All(d => d.HoldsCurrentKey))
            {
                _timeline.DestinationsHold(simulated, user.Destinations![0].AccessKeyId!, Now);
            }
        }
    }

    /// <summary>
    /// Lambda's SQS event source for the fan-out: receives the work queue's messages, runs each account's work item
    /// (and then the digest item) as the function would, and deletes what succeeded.
    /// </summary>
    private async Task PlayEventSourceAsync(DateTimeOffset started, CancellationToken cancellationToken)
    {
        var queue = _config.WorkQueueUrl!;
        for (var round = 0; round < 10; round++)
        {
            var messages = await _engineClients.WorkQueue.ReceiveAsync(queue, TimeSpan.FromMinutes(15), TimeSpan.Zero, cancellationToken);
            if (messages.Count == 0)
            {
                return;
            }

            var items = messages.Select(m => (Message: m, Body: JsonDocument.Parse(m.Body).RootElement.Clone())).ToList();
            foreach (var (message, body) in items.Where(i => !IsDigest(i.Body)))
            {
                var item = body.Deserialize(EngineJsonContext.Default.AccountWorkItem)!;
                NoteDestinations(await _service.ProcessWorkItemAsync(item, started + WorkWindow, cancellationToken));
            }

            foreach (var (_, body) in items.Where(i => IsDigest(i.Body)))
            {
                await _service.ProcessDigestAsync(body.Deserialize(EngineJsonContext.Default.DigestWorkItem)!, cancellationToken);
            }

            await _engineClients.WorkQueue.DeleteBatchAsync(queue, messages.Select(m => m.ReceiptHandle).ToList(), cancellationToken);
        }

        throw new InvalidOperationException("the fan-out's work queue did not empty in 10 rounds");

        static bool IsDigest(JsonElement body) => body.TryGetProperty("kind", out var kind) && kind.GetString() == Engine.Contracts.DigestWorkItem.DigestKind;
    }

    /// <summary>Secrets Manager invokes the rotation function's steps, as the Lambda host runs them, for each secret due; a failed rotation is tried again the next day.</summary>
    private async Task RotateDueSecretsAsync(CancellationToken cancellationToken)
    {
        foreach (var (secretArn, token) in _backend.DueRotations(Now))
        {
            var started = Now;
            var user = _consumers.Select(c => c.User).First(u => secretArn.Contains(":secret:" + _config.Secrets.NameFor(u.AccountId, u.UserName) + "-", StringComparison.Ordinal));
            var failed = await DriveAsync(async () =>
            {
                foreach (var step in RotationSteps.Names)
                {
                    var result = await _service.RunRotationStepAsync(new RotationStepRequest(step, secretArn, token), cancellationToken);
                    if (result.Outcome == Outcome.Failed)
                    {
                        return $"{step} failed: {result.Message}";
                    }
                }

                return null;
            });
            _timeline.AddEngineWork(started, Now);
            _timeline.Add(new Happening(started, user, failed is null ? "Secrets Manager's scheduled rotation" : $"Secrets Manager's scheduled rotation: {failed}; retried tomorrow"));
            if (failed is null)
            {
                _backend.RotationFinished(secretArn);
            }

            DispatchAlerts(started);
        }
    }

    private async Task RestoreAsync(NeverSwitches consumer, CancellationToken cancellationToken)
    {
        var key = consumer.Key!;
        var started = Now;
        _timeline.Add(new Happening(started, consumer.User, "operator runs keyrot restore for the refused key"));
        await DriveAsync(() => _service.RestoreAsync(consumer.User.AccountId, consumer.User.UserName, key.AccessKeyId, cancellationToken));
        _timeline.AddEngineWork(started, Now);
        var accepted = await CallAsync(consumer, key, 0, cancellationToken);
        _invariants.OnRestored(Now, consumer, key.AccessKeyId, accepted);
        // Warned and now refused once, the person moves the external system to the current key.
        await consumer.RecopyAsync(this, cancellationToken);
        consumer.Refused = false;
        _restoring.Remove(consumer);
    }

    /// <summary>
    /// Alerts are what kind-5 owners act on: each new message goes to every consumer once, which may act on it two
    /// minutes after the sweep started (a subscription's automation; a fixed delay keeps the run a function of its seed).
    /// </summary>
    private void DispatchAlerts(DateTimeOffset sweepStarted)
    {
        var messages = _alerts.Messages;
        foreach (var message in messages.Skip(_alertsDispatched))
        {
            foreach (var consumer in _consumers)
            {
                if (consumer.OnAlert(message, Later(Now, sweepStarted + AlertReaction)) is { } wake)
                {
                    Schedule(consumer, wake);
                }
            }
        }

        _alertsDispatched = messages.Count;
    }

    /// <summary>
    /// Runs engine work to its end, moving the clock only while the engine waits on it: when no AWS call has been in
    /// flight for <see cref="Settle"/> and no engine thread is runnable, twice in a row, the clock goes to the next
    /// timer (a verification poll, the alert publisher's flush).
    /// </summary>
    private async Task<T> DriveAsync<T>(Func<Task<T>> work)
    {
        var task = Task.Run(work);
        // The polls run on a thread of their own and sleep: a poll on the thread pool would wake pool workers that
        // are runnable for a while and keep the process from looking quiet.
        await Task.Factory.StartNew(() => MoveClockUntilDone(task), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return await task;
    }

    private void MoveClockUntilDone(Task task)
    {
        var quiet = 0;
        var watch = Stopwatch.StartNew();
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(1))
        {
            if (_activity.IsQuiet(Settle) && _clock.NextDue is { } due)
            {
                if (++quiet >= 2)
                {
                    _clock.AdvanceTo(due);
                    quiet = 0;
                }
            }
            else
            {
                quiet = 0;
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"engine work at {_timeline.Stamp(Now)} did not finish in 2 minutes of real time (next timer: {_clock.NextDue})");
            }
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private ICentralClients CentralReader()
    {
        if (!_consumerClients.TryGetValue(AccountDirectory.DefaultAccount, out var clients))
        {
            clients = AwsClients.Create(new AwsOptions { Region = Scenario.HomeRegion, EndpointUrl = _backend.Endpoint, Credentials = new BasicAWSCredentials("testing", "testing"), InnerHandlerFactory = () => _model.CreateHandler(_backend.CreateHandler()) }, TimeProvider.System);
            _consumerClients[AccountDirectory.DefaultAccount] = clients;
        }

        return clients;
    }

    /// <summary>keyrot credential-process's own reader, signing with the key it is given, through the AWS model.</summary>
    private AwsSecretReader SecretReaderFor(SimulatedUser user) =>
        new(_config.Secrets.NameFor(user.AccountId, user.UserName), new AwsOptions { Region = Scenario.HomeRegion, EndpointUrl = _backend.Endpoint, InnerHandlerFactory = () => _model.CreateHandler(_backend.CreateHandler()) }, bootstrap: null, bootstrapKey: null, _clock);

    private ICentralClients ClientsIn(string region)
    {
        if (!_consumerClients.TryGetValue(region, out var clients))
        {
            clients = AwsClients.Create(new AwsOptions { Region = region, EndpointUrl = _backend.Endpoint, Credentials = _readerCredentials, InnerHandlerFactory = () => _model.CreateHandler(_backend.CreateHandler()) }, TimeProvider.System);
            _consumerClients[region] = clients;
        }

        return clients;
    }

    private void Schedule(Consumer consumer, DateTimeOffset at)
    {
        var version = _wakeVersions.GetValueOrDefault(consumer) + 1;
        _wakeVersions[consumer] = version;
        Enqueue(new Step(StepKind.Wake, consumer, version), at);
    }

    private void Enqueue(Step step, DateTimeOffset at) => _steps.Enqueue(step, (at, _order++));

    private enum StepKind
    {
        Sweep,
        Wake,
        Restore,
        SecretsManagerRotation,
        GrantGitHubPermission,
    }

    private sealed record Step(StepKind Kind, Consumer? Consumer, long Version);

    /// <summary>
    /// A Parameter Store destination, read (decrypted) with the consumer's own identity in the user's account and the
    /// home region, as a CI job reads its parameter: GetParameter on the wire, through the AWS model like every call.
    /// </summary>
    private sealed class ParameterDestination(SimulationRun run, string name) : IKeyDestination
    {
        public async Task<HeldKey?> ReadAsync(CancellationToken cancellationToken)
        {
            using var http = new HttpClient(run._model.CreateHandler(run._backend.CreateHandler()));
            using var request = new HttpRequestMessage(HttpMethod.Post, run._backend.Endpoint)
            {
                Content = new StringContent(JsonSerializer.Serialize(new { Name = name, WithDecryption = true }), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
            request.Headers.Add("X-Amz-Target", "AmazonSSM.GetParameter");
            var day = run.Now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={run._readerCredentials!.GetCredentials().AccessKey}/{day}/{Scenario.HomeRegion}/ssm/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // Not written yet (before the user's first rotation).
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var value = document.RootElement.GetProperty("Parameter").GetProperty("Value").GetString()!;
            if (ManagedSecret.Parse(new Core.Model.SensitiveString(value)) is not { } key)
            {
                return null;
            }

            SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
            return new HeldKey(key.AccessKeyId, key.SecretAccessKey);
        }
    }

    /// <summary>The engine's PutParameter refused (AccessDenied, as a missing grant would be) until <paramref name="until"/> on the simulation's clock.</summary>
    private sealed class RefusingParameterWrites(TimeProvider clock, DateTimeOffset until, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (clock.GetUtcNow() < until && request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.Single() == "AmazonSSM.PutParameter")
            {
                var call = await AwsCall.ReadAsync(request, clock, new AccountDirectory(), cancellationToken);
                return AwsErrorResponses.Create(call, System.Net.HttpStatusCode.BadRequest, "AccessDeniedException", "not authorized to perform ssm:PutParameter (the simulation refuses it)");
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// The user's secret, read with the consumer's own identity in the secret's region; a secret in the central
    /// account with an identity there.
    /// </summary>
    private sealed class SecretDestination(SimulationRun run, string secretName, SecretLocation location) : IKeyDestination
    {
        public async Task<HeldKey?> ReadAsync(CancellationToken cancellationToken)
        {
            var clients = location == SecretLocation.Central ? run.CentralReader() : run.ClientsIn(Scenario.HomeRegion);
            var value = await clients.Secrets.GetSecretValueAsync(secretName, null, "AWSCURRENT", cancellationToken);
            if (value is null || ManagedSecret.Parse(value.SecretString) is not { } key)
            {
                return null;
            }

            SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
            return new HeldKey(key.AccessKeyId, key.SecretAccessKey);
        }
    }
}
