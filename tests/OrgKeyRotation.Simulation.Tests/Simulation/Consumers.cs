using OrgKeyRotation.Cli.CredentialProcess;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Testing;
using OrgKeyRotation.Testing.Modelling;

namespace OrgKeyRotation.Simulation.Tests.Simulation;

/// <summary>How a consumer learns the key it signs with. The number is the kind of docs/reliability.md.</summary>
internal enum ConsumerKind
{
    /// <summary>Reads AWSCURRENT at start and again whenever a call is refused, with backoff (AWS's caching client).</summary>
    ReadsOnRefusal = 1,

    /// <summary>Re-reads on a timer, never on failure.</summary>
    RereadsOnTimer = 2,

    /// <summary>A CI job: reads its destination at each run, several runs a day.</summary>
    CiJob = 3,

    /// <summary>Never switches: the key was copied into an external system.</summary>
    NeverSwitches = 4,

    /// <summary>Reads on refusal like kind 1, and at once when told of a rotation, but calls from a second region.</summary>
    SecondRegion = 5,

    /// <summary>
    /// The AWS CLI or an SDK with <c>credential_process = keyrot credential-process</c>: credentials that expire after an
    /// hour, each renewal reading AWSCURRENT with the key it last had (docs/consumers.md).
    /// </summary>
    CredentialProcess = 6,
}

/// <summary>An access key a consumer holds.</summary>
internal sealed record HeldKey(string AccessKeyId, SensitiveString SecretAccessKey);

/// <summary>Where a consumer reads the current key: the user's secret, a Parameter Store parameter, or a repository's GitHub Actions secrets.</summary>
internal interface IKeyDestination
{
    /// <summary>The key the destination holds now; null while it holds none (the user's secret does not exist before its first rotation).</summary>
    Task<HeldKey?> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>What a consumer can do in the simulated world: read its destination, sign a call, tell what it saw.</summary>
internal interface IConsumerWorld
{
    DateTimeOffset Now { get; }

    /// <summary>Signs one call (sts:GetCallerIdentity) with <paramref name="key"/> from the consumer's region; true when AWS accepted it. The call is recorded.</summary>
    Task<bool> CallAsync(Consumer consumer, HeldKey key, int attempt, CancellationToken cancellationToken);

    /// <summary>Records that the consumer's call failed for good: its own way of switching keys did not bring it a working key.</summary>
    void GaveUp(Consumer consumer, HeldKey key);

    /// <summary>Reads the consumer's destination and records what it found.</summary>
    Task<HeldKey?> ReadAsync(Consumer consumer, CancellationToken cancellationToken);

    /// <summary>The simulation's clock, for the product code a consumer runs (its waits included).</summary>
    TimeProvider Clock { get; }

    /// <summary>Records a read the consumer made its own way (not through <see cref="ReadAsync"/>).</summary>
    void Read(Consumer consumer, string? accessKeyId);
}

/// <summary>
/// One consumer of one user's key. Each kind decides when it wakes and what it does then; the simulation wakes it at
/// those instants (<see cref="WakeAsync"/> returns the next one) and records every read and call. A new kind (the
/// <c>keyrot credential-process</c> helper, say) is one more subclass.
/// </summary>
internal abstract class Consumer(string name, ConsumerKind kind, SimulatedUser user, IKeyDestination destination, string region, int seed)
{
    /// <summary>AWS's caching client: the first retry after 1 s, each next one twice as long (SecretCacheConfig exception_retry_delay_base 1, growth factor 2).</summary>
    protected const int RetriesAfterRefusal = 5;

    public string Name => name;

    public ConsumerKind Kind => kind;

    public SimulatedUser User => user;

    public IKeyDestination Destination => destination;

    public string Region => region;

    /// <summary>The key the consumer signs with now.</summary>
    public HeldKey? Key { get; set; }

    protected Random Random { get; } = new(seed);

    /// <summary>The consumer starts with <paramref name="original"/> (the key it was given before the rotator ran); returns its first wake.</summary>
    public abstract Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken);

    /// <summary>Does what the consumer does at <see cref="IConsumerWorld.Now"/>; returns when it wakes next.</summary>
    public abstract Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken);

    /// <summary>A message the consumer's owner subscribed to; returns an extra wake when the consumer acts on it.</summary>
    public virtual DateTimeOffset? OnAlert(PublishedMessage message, DateTimeOffset now) => null;

    /// <summary><paramref name="every"/> give or take a quarter of it, drawn from the consumer's seed.</summary>
    protected TimeSpan Jittered(TimeSpan every) => every * (0.75 + (Random.NextDouble() / 2));
}

/// <summary>Kind 1 (and, with a second region and alerts, kind 5): reads at start, calls on a schedule, re-reads and retries with backoff when refused.</summary>
internal class ReadsOnRefusal(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, TimeSpan callEvery, ConsumerKind kind = ConsumerKind.ReadsOnRefusal)
    : Consumer(name, kind, user, destination, region, seed)
{
    private int _retry;

    public override async Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken)
    {
        Key = await world.ReadAsync(this, cancellationToken) ?? original;
        return world.Now + (callEvery * Random.NextDouble());
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        if (_retry > 0)
        {
            Key = await world.ReadAsync(this, cancellationToken) ?? Key;
        }

        if (await world.CallAsync(this, Key!, _retry, cancellationToken))
        {
            _retry = 0;
            return world.Now + Jittered(callEvery);
        }

        if (_retry == RetriesAfterRefusal)
        {
            world.GaveUp(this, Key!);
            _retry = 0;
            return world.Now + Jittered(callEvery);
        }

        _retry++;
        return world.Now + TimeSpan.FromSeconds(Math.Pow(2, _retry - 1));
    }
}

/// <summary>Kind 5: a kind-1 consumer in a second region that also re-reads at once when its owner hears of a rotation.</summary>
internal sealed class SecondRegion(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, TimeSpan callEvery)
    : ReadsOnRefusal(name, user, destination, region, seed, callEvery, ConsumerKind.SecondRegion)
{
    private bool _rotationHeard;

    public override DateTimeOffset? OnAlert(PublishedMessage message, DateTimeOffset now)
    {
        if (message.Attribute("event") != "rotated" || !string.Equals(message.Attribute("userName"), User.UserName, StringComparison.Ordinal))
        {
            return null;
        }

        _rotationHeard = true;
        return now;
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        if (_rotationHeard)
        {
            _rotationHeard = false;
            Key = await world.ReadAsync(this, cancellationToken) ?? Key;
        }

        return await base.WakeAsync(world, cancellationToken);
    }
}

/// <summary>Kind 2: re-reads every <paramref name="refreshEvery"/>, calls every <paramref name="callEvery"/>; a refused call just fails.</summary>
internal sealed class RereadsOnTimer(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, TimeSpan refreshEvery, TimeSpan callEvery)
    : Consumer(name, ConsumerKind.RereadsOnTimer, user, destination, region, seed)
{
    private DateTimeOffset _nextRefresh;
    private DateTimeOffset _nextCall;

    public override async Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken)
    {
        Key = await world.ReadAsync(this, cancellationToken) ?? original;
        _nextRefresh = world.Now + Jittered(refreshEvery);
        _nextCall = world.Now + (callEvery * Random.NextDouble());
        return Next();
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        if (world.Now >= _nextRefresh)
        {
            Key = await world.ReadAsync(this, cancellationToken) ?? Key;
            _nextRefresh = world.Now + Jittered(refreshEvery);
        }

        if (world.Now >= _nextCall)
        {
            if (!await world.CallAsync(this, Key!, 0, cancellationToken))
            {
                world.GaveUp(this, Key!);
            }

            _nextCall = world.Now + Jittered(callEvery);
        }

        return Next();
    }

    private DateTimeOffset Next() => _nextRefresh < _nextCall ? _nextRefresh : _nextCall;
}

/// <summary>Kind 3: a job that runs <paramref name="runsPerDay"/> times a day at fixed times; each run reads its destination, then calls.</summary>
internal sealed class CiJob(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, int runsPerDay)
    : Consumer(name, ConsumerKind.CiJob, user, destination, region, seed)
{
    private readonly List<TimeSpan> _runTimes = [];

    public override Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken)
    {
        Key = original;
        for (var i = 0; i < runsPerDay; i++)
        {
            _runTimes.Add(TimeSpan.FromMinutes(Random.Next(24 * 60)));
        }

        _runTimes.Sort();
        return Task.FromResult(NextRun(world.Now));
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        Key = await world.ReadAsync(this, cancellationToken) ?? Key;
        if (!await world.CallAsync(this, Key!, 0, cancellationToken))
        {
            world.GaveUp(this, Key!);
        }

        return NextRun(world.Now + TimeSpan.FromSeconds(1));
    }

    private DateTimeOffset NextRun(DateTimeOffset after)
    {
        var day = new DateTimeOffset(after.UtcDateTime.Date, TimeSpan.Zero);
        foreach (var offset in _runTimes.Concat(_runTimes.Select(t => t + TimeSpan.FromDays(1))))
        {
            if (day + offset >= after)
            {
                return day + offset;
            }
        }

        throw new InvalidOperationException("a CI job without runs");
    }
}

/// <summary>
/// Kind 4: the key was copied into an external system once and is never re-read. When it is refused the operator is
/// told (<see cref="Refused"/>); a person may later give it the current key (<see cref="RecopyAsync"/>).
/// </summary>
internal sealed class NeverSwitches(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, TimeSpan callEvery)
    : Consumer(name, ConsumerKind.NeverSwitches, user, destination, region, seed)
{
    /// <summary>Set when a call was refused; the operator clears it by restoring the key.</summary>
    public bool Refused { get; set; }

    public override Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken)
    {
        Key = original;
        return Task.FromResult(world.Now + (callEvery * Random.NextDouble()));
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        if (!await world.CallAsync(this, Key!, 0, cancellationToken))
        {
            world.GaveUp(this, Key!);
            Refused = true;
        }

        return world.Now + Jittered(callEvery);
    }

    /// <summary>A person copies the destination's current key into the external system.</summary>
    public async Task RecopyAsync(IConsumerWorld world, CancellationToken cancellationToken) =>
        Key = await world.ReadAsync(this, cancellationToken) ?? Key;
}

/// <summary>
/// Kind 6: an AWS CLI or SDK profile whose <c>credential_process</c> is <c>keyrot credential-process</c>. The SDK keeps
/// the credentials until their Expiration (an hour after they were printed) and then runs the process again, which is
/// keyrot's own decision (<see cref="CurrentKeyReader"/>) over its key cache, reading the user's secret signed with the
/// user's own key (<paramref name="reader"/> makes the real GetSecretValue through the AWS model). A refused call is not
/// retried: the SDKs do not retry authentication failures. The profile is set up (bootstrapped) with the key the user
/// had before the rotator ran; until the user's secret exists, that key is all the process can print.
/// </summary>
internal sealed class CredentialProcessConsumer(string name, SimulatedUser user, IKeyDestination destination, string region, int seed, TimeSpan callEvery, ISecretReader reader, string secretId)
    : Consumer(name, ConsumerKind.CredentialProcess, user, destination, region, seed)
{
    private readonly MemoryKeyCache _cache = new();
    private DateTimeOffset _expiration;

    public override Task<DateTimeOffset> StartAsync(IConsumerWorld world, HeldKey original, CancellationToken cancellationToken)
    {
        _cache.Save(new CachedKeys([new ConsumerKey(original.AccessKeyId, original.SecretAccessKey)], User.AccountId, User.UserName));
        Key = original;
        return Task.FromResult(world.Now + (callEvery * Random.NextDouble()));
    }

    public override async Task<DateTimeOffset> WakeAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        if (world.Now >= _expiration)
        {
            await RenewAsync(world, cancellationToken);
        }

        if (!await world.CallAsync(this, Key!, 0, cancellationToken))
        {
            world.GaveUp(this, Key!);
        }

        return world.Now + Jittered(callEvery);
    }

    private async Task RenewAsync(IConsumerWorld world, CancellationToken cancellationToken)
    {
        try
        {
            var key = await new CurrentKeyReader(reader, _cache, bootstrap: null, world.Clock).ReadAsync(secretId, cancellationToken);
            SecretScan.RegisterSecret(key.SecretAccessKey.Reveal());
            Key = new HeldKey(key.AccessKeyId, key.SecretAccessKey);
            world.Read(this, key.AccessKeyId);
        }
        catch (ConsumerCredentialsException)
        {
            // The process failed (before the user's first rotation there is no secret to read): the SDK keeps what it
            // had, and a refused call shows whether that still works.
            world.Read(this, null);
        }

        _expiration = world.Now + CredentialProcessOutput.Lifetime;
    }

    private sealed class MemoryKeyCache : IKeyCache
    {
        private CachedKeys _keys = CachedKeys.Empty;

        public CachedKeys Load() => _keys;

        public void Save(CachedKeys keys) => _keys = keys;
    }
}
