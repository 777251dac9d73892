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
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, options, _time, random.NextDouble);

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
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _time, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(Verification.Verified(1), verification);
    }

    [Fact]
    public async Task VerifyAsync_KeyNeverUsable_FailsAtTheTimeoutNamingTheLastError()
    {
        var options = new EngineOptions { VerificationTimeout = TimeSpan.FromSeconds(20) };
        var sts = new PropagatingSts(_time, DateTimeOffset.MaxValue);
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, options, _time, () => 0.5);

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
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _time, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, _time.GetUtcNow() + TimeSpan.FromSeconds(5), default));

        Assert.Equal(VerificationOutcome.Deferred, verification.Outcome);
        Assert.Contains("deadline", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), elapsed);
    }

    [Fact]
    public async Task VerifyAsync_DeadlinePassedAlready_DeferredWithoutAnAttempt()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow());
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _time, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, _time.GetUtcNow(), default);

        Assert.Equal(VerificationOutcome.Deferred, verification.Outcome);
        Assert.Equal(0, sts.Calls);
    }

    [Fact]
    public async Task VerifyAsync_KeyAuthenticatesAsSomebodyElse_FailsWithoutRetrying()
    {
        var verifier = new KeyVerifier((_, _, _) => Task.FromResult(Alice with { Arn = $"arn:aws:iam::{Account}:user/mallory" }), Home, new EngineOptions(), _time, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("authenticates as arn:aws:iam::111111111111:user/mallory", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(1, verification.Attempts);
    }

    [Fact]
    public async Task VerifyAsync_ArnSpellsTheUserNameInAnotherCase_Verified()
    {
        // IAM user names are unique regardless of case; the ARN spells the name as it was created.
        var verifier = new KeyVerifier((_, _, _) => Task.FromResult(Alice with { Arn = $"arn:aws:iam::{Account}:user/teams/Alice" }), Home, new EngineOptions(), _time, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Verified, verification.Outcome);
    }

    [Fact]
    public async Task VerifyAsync_StsUnreachable_FailsNamingTheCause()
    {
        var unreachable = new AwsTransportException("sts", "GetCallerIdentity", new Uri("https://sts.us-east-1.amazonaws.com"), new HttpRequestException("connection refused"));
        var verifier = new KeyVerifier((_, _, _) => Task.FromException<CallerIdentity>(unreachable), Home, new EngineOptions(), _time, () => 0.5);

        var verification = await verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default);

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("could not reach", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RegionsListed_VerifiedOnlyOnceTheKeyAuthenticatesInEach()
    {
        var started = _time.GetUtcNow();
        var sts = new PropagatingSts(_time, started + TimeSpan.FromSeconds(5), new Dictionary<string, DateTimeOffset> { ["eu-west-1"] = started + TimeSpan.FromSeconds(25) });
        var verifier = new KeyVerifier(sts.IdentifyAsync, ["us-east-1", "eu-west-1"], new EngineOptions(), _time, () => 0.5);

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
        var verifier = new KeyVerifier(sts.IdentifyAsync, ["us-east-1", "eu-west-1"], options, _time, () => 0.5);

        var (verification, elapsed) = await RunAsync(verifier.VerifyAsync(Account, "alice", Key, verifyUntil: null, default));

        Assert.Equal(VerificationOutcome.Failed, verification.Outcome);
        Assert.Contains("did not authenticate in eu-west-1 within 20 s", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(20), elapsed);
    }

    [Fact]
    public async Task VerifyAsync_NoRegionListed_VerifiesAtTheRotatorsOwnStsOnly()
    {
        var sts = new PropagatingSts(_time, _time.GetUtcNow());
        var verifier = new KeyVerifier(sts.IdentifyAsync, Home, new EngineOptions(), _time, () => 0.5);

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
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        return (await verification, _time.GetUtcNow() - started);
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
