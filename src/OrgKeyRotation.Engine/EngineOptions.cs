using OrgKeyRotation.Core.Configuration;

namespace OrgKeyRotation.Engine;

/// <summary>Engine tuning. Defaults suit AWS; tests shorten them.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// How long a new key may take to authenticate before the rotation is abandoned (AWS: usually 5-15 s after
    /// CreateAccessKey). Default 60 s. Range 1 s to 5 min.
    /// </summary>
    public TimeSpan VerificationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Shortest time between the starts of two verification attempts of one key. The first attempt comes right after
    /// the key is staged. Default 1 s. Range 10 ms to 10 s.
    /// </summary>
    public TimeSpan VerificationPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Random extra time added to each interval (uniform in [0, jitter)), so that keys staged together do not poll
    /// STS in lockstep. Default 0.8 s. Range 0 to 10 s.
    /// </summary>
    public TimeSpan VerificationPollJitter { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Draws the random part of each poll's jitter, in [0, 1); thread-safe. Test seam: a seeded draw makes a simulated run repeatable.</summary>
    internal Func<double> JitterDraw { get; init; } = Random.Shared.NextDouble;

    /// <summary>
    /// Staged keys being verified at once, across all accounts of a sweep (a key beyond it waits for a place).
    /// Verification calls STS, not IAM, and mostly waits, so this is far larger than the IAM bounds. Default 1000.
    /// Range 1 to 10000.
    /// </summary>
    public int VerificationConcurrency { get; init; } = 1000;
    /// <summary>
    /// Fan-out: how often the digest item is sent again while accounts have not reported and the work queue still has
    /// messages in flight; then the digest goes out naming the accounts that did not report. Default 20 (about 4.5 hours
    /// with the default delay). Range 0 to 100.
    /// </summary>
    public int DigestMaxRounds { get; init; } = 20;

    /// <summary>
    /// How long a digest item can keep coming back (every round at SQS's longest delay, whatever fanOut.digestDelaySeconds
    /// says) plus an hour: a report or mark on the results queue older than this belongs to a sweep whose digest is out,
    /// and is deleted.
    /// </summary>
    public TimeSpan DigestHorizon => MaxDigestDelay * (DigestMaxRounds + 1) + TimeSpan.FromHours(1);

    /// <summary>SQS's longest message delay (DelaySeconds 900), the longest fanOut.digestDelaySeconds.</summary>
    public static readonly TimeSpan MaxDigestDelay = TimeSpan.FromSeconds(FanOutConfig.MaxDigestDelaySeconds);

    public void Validate()
    {
        if (VerificationTimeout < TimeSpan.FromSeconds(1) || VerificationTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationTimeout), VerificationTimeout, "use 1 s to 5 min");
        }

        if (VerificationPollInterval < TimeSpan.FromMilliseconds(10) || VerificationPollInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationPollInterval), VerificationPollInterval, "use 10 ms to 10 s");
        }

        if (VerificationPollJitter < TimeSpan.Zero || VerificationPollJitter > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationPollJitter), VerificationPollJitter, "use 0 to 10 s");
        }

        if (VerificationConcurrency is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationConcurrency), VerificationConcurrency, "use 1 to 10000");
        }

        if (DigestMaxRounds is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(DigestMaxRounds), DigestMaxRounds, "use 0 to 100");
        }
    }
}
