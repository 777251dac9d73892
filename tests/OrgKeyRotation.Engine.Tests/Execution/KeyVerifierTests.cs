using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Engine.Execution;

namespace OrgKeyRotation.Engine.Tests.Execution;

/// <summary>The verification schedule on a fake clock, against an STS that refuses the key until it has propagated.</summary>
public class KeyVerifierTests
{
    private const string Account = "111111111111";
    private static readonly NewAccessKey Key = new("AKIAIOSFODNN7EXAMPLE", "alice", new SensitiveString("not-a-real-secret-0123456789"), DateTimeOffset.UnixEpoch);
    private static readonly CallerIdentity Alice = new(Account, $"arn:aws:iam::{Account}:user/alice", "AIDAEXAMPLE");

    /// <summary>verification.regions empty: the rotator's own region only.</summary>
    private static readonly IReadOnlyList<string> Home = [];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The verifier's clock: <see cref="_time"/>, telling <see cref="RunAsync"/> when the verifier has set its next wait.</summary>
    private readonly WatchedTime _clock;

    public KeyVerifierTests() => _clock = new WatchedTime(_time);

    public static TheoryData<int, int> Propagation => new()
    {
        { 0, 1 },
        { 3_000, 2 },
        { 5_000, 3 },
        { 10_000, 4 },
        { 10_000, 5 },
        { 14_500, 6 },
        { 15_000, 7 },
        { 29_900, 8 },
    };

    [Theory]
    [MemberData(nameof(Propagation))]
    public async Task VerifyAsync_KeyUsableAfterItsPropagation_VerifiedWithinTheOvershootBound(int propagationMs, int seed)
    {
        var options = new EngineOptions();
        var random = new Random(seed);
        var started = _time.GetUtcNow();
        var sts = new PropagatingSts(_time, started + TimeSpan.FromMilliseconds(propagationMs));
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, options, _clock, random.NextDouble);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default));

        Assert.Equal(VerificationOutcome.Verified, verification.Outcome);
        var overshoot = elapsed - TimeSpan.FromMilliseconds(propagationMs);
        // Attempts start at most interval + jitter apart (1.8 s): a doubling backoff (1, 2, 4, 8 s) noticed a key
        // usable at 10 s only at 15 s.
        // The next try starts at most interval + jitter after the key became usable.
        Assert.InRange(overshoot, TimeSpan.Zero, options.VerificationPollInterval + options.VerificationPollJitter);
        Assert.Equal(sts.Refused + 1, verification.Attempts);
    }

    [Fact]
    public async Task VerifyAsync_KeyUsableAtOnce_OneAttemptWithoutWaiting()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow());
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _clock, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(Verification.Verified(1), verification);
    }

    [Fact]
    public async Task VerifyAsync_KeyNeverUsable_FailsAtTheTimeoutNamingTheLastError()
    {
        var options = new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(20) };
        var sts = new PropagatingSts(_time, DateTimeOffset.MaxValue);
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, options, _clock, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default));

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("did not authenticate within 20 s", verification.Problem, StringComparison.Ordinal);
        Assert.Contains("InvalidClientTokenId", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(20), elapsed);
        // At once, then every 1.4 s up to 19.6 s, then one last try at the timeout.
        Assert.Equal(16, verification.Attempts);
    }

    [Fact]
    public async Task VerifyAsync_DeadlineBeforeTheTimeout_DeferredAtTheDeadline()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow() + TimeSpan.FromSeconds(10));
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _clock, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, _time.GetUtcNow() + TimeSpan.FromSeconds(5), default));

        Assert.Equal(VerificationOutcome.Deferred, verification.Outcome);
        Assert.Contains("deadline", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), elapsed);
    }

    [Fact]
    public async Task VerifyAsync_DeadlinePassedAlready_DeferredWithoutAnAttempt()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow());
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _clock, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, _time.GetUtcNow(), default);

        Assert.Equal(VerificationOutcome.Deferred, verification.Outcome);
        Assert.Equal(0, sts.Calls);
    }

    [Fact]
    public async Task VerifyAsync_KeyAuthenticatesAsSomebodyElse_FailsWithoutRetrying()
    {
        var verifier = new KeyVerifier((_, _, _) => Task.FromResult(Alice with { Arn = $"arn:aws:iam::{Account}:user/mallory" }), Home, new EngineOptions(), _clock, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("authenticates as arn:aws:iam::111111111111:user/mallory", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(1, verification.Attempts);
    }

    [Fact]
    public async Task VerifyAsync_ArnSpellsTheUserNameInAnotherCase_Verified()
    {
        // IAM user names are unique regardless of case; the ARN spells the name as it was created.
        var verifier = new KeyVerifier((_, _, _) => Task.FromResult(Alice with { Arn = $"arn:aws:iam::{Account}:user/teams/Alice" }), Home, new EngineOptions(), _clock, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Verified, verification.Outcome);
    }

    [Fact]
    public async Task VerifyAsync_StsUnreachable_FailsNamingTheCause()
    {
        var unreachable = new AwsTransportException("sts", "GetCallerIdentity", new Uri("https://sts.us-east-1.amazonaws.com"), new HttpRequestException("connection refused"));
        var verifier = new KeyVerifier((_, _, _) => Task.FromException<CallerIdentity>(unreachable), Home, new EngineOptions(), _clock, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("could not reach", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RegionsListed_VerifiedOnlyOnceTheKeyAuthenticatesInEach()
    {
        var started = _time.GetUtcNow();
        var sts = new PropagatingSts(_time, started + TimeSpan.FromSeconds(5), new Dictionary<string, DateTimeOffset> { ["eu-west-1"] = started + TimeSpan.FromSeconds(25) });
        var verifier = new KeyVerifier(sts.IdentifyAsync, ["us-east-1", "eu-west-1"], new EngineOptions(), _clock, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default));

        Assert.Equal(VerificationOutcome.Verified, verification.Outcome);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(25) + new EngineOptions().VerificationPollInterval + new EngineOptions().VerificationPollJitter);
        Assert.Equal(["us-east-1", "eu-west-1"], sts.Regions.Distinct());
        Assert.Equal(sts.Calls, verification.Attempts);
    }

    [Fact]
    public async Task VerifyAsync_RegionSlowerThanTheTimeout_FailsNamingTheRegionWithinTheOneTimeout()
    {
        var options = new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(20) };
        var started = _time.GetUtcNow();
        var sts = new PropagatingSts(_time, started, new Dictionary<string, DateTimeOffset> { ["eu-west-1"] = started + TimeSpan.FromMinutes(5) });
        var verifier = new KeyVerifier(sts.IdentifyAsync, ["us-east-1", "eu-west-1"], options, _clock, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default));

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("did not authenticate in eu-west-1 within 20 s", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(20), elapsed);
    }

    [Fact]
    public async Task VerifyAsync_NoRegionListed_VerifiesAtTheRotatorsOwnStsOnly()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow());
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _clock, () => 0.5);

        await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal([null], sts.Regions);
    }

    /// <summary>Advances the fake clock in 10 ms steps until <paramref name="verification"/> ends; returns how much time passed.</summary>
    private async Task<(Verification Verification, TimeSpan Elapsed)> RunAsync(Task<Verification> verification)
    {
        var started = _time.GetUtcNow();
        for (var steps = 0; !verification.IsCompleted; steps++)
        {
            Assert.True(steps < 100_000, "the verification never ended");
            var (created, fired) = (_clock.Created, _clock.Fired);
            _time.Advance(TimeSpan.FromMilliseconds(10));
            if (_clock.Fired > fired)
            {
                // A wait ended: let the attempt after it run and set the next wait before the clock moves on, however
                // slowly the machine runs it (moving on meanwhile would start the next wait late).
                await WaitAsync(() => verification.IsCompleted || _clock.Created > created);
            }

            await Task.Yield();
        }

        return (await verification, _time.GetUtcNow() - started);
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(30);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < giveUp, "the verifier neither ended nor set its next wait within 30 s");
            await Task.Delay(1);
        }
    }

    /// <summary>A clock that counts the timers created on it and the times they fired.</summary>
    private sealed class WatchedTime(TimeProvider inner) : TimeProvider
    {
        private int _created;
        private int _fired;

        public int Created => Volatile.Read(ref _created);

        public int Fired => Volatile.Read(ref _fired);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return inner.CreateTimer(s => { Interlocked.Increment(ref _fired); callback(s); }, state, dueTime, period);
        }
    }

    /// <summary>
    /// STS as AWS answers a new key: InvalidClientTokenId until <paramref name="usableAt"/>, then the user; in a region
    /// of <paramref name="regionalUsableAt"/>, from that region's own instant (IAM propagates to each region on its own).
    /// </summary>
    private sealed class PropagatingSts(TimeProvider time, DateTimeOffset usableAt, IReadOnlyDictionary<string, DateTimeOffset>? regionalUsableAt = null)
    {
        public int Calls { get; private set; }

        public int Refused { get; private set; }

        public List<string?> Regions { get; } = [];

        public Task<CallerIdentity> IdentifyAsync(NewAccessKey key, string? region, CancellationToken cancellationToken)
        {
            Calls++;
            Regions.Add(region);
            if (time.GetUtcNow() < (region is not null && regionalUsableAt?.GetValueOrDefault(region) is { } there ? there : usableAt))
            {
                Refused++;
                return Task.FromException<CallerIdentity>(new AwsServiceException("sts", "GetCallerIdentity", "InvalidClientTokenId", AwsErrorKind.InvalidCredentials, HttpStatusCode.Forbidden, "req-1", "The security token included in the request is invalid."));
            }

            return Task.FromResult(Alice);
        }
    }
}
