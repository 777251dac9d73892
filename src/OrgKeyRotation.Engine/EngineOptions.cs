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
    /// Fan-out: how long after the work items the digest item first looks for the accounts' reports (SQS DelaySeconds),
    /// and how long it waits again to confirm that an idle-looking work queue is idle (SQS's counts lag up to a minute).
    /// While work is in flight it waits twice as long each round, up to 15 minutes. Default 60 s. Range 0 to 15 min.
    /// </summary>
    public TimeSpan DigestDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Fan-out: how often the digest item is sent again while accounts have not reported and the work queue still has
    /// messages in flight; then the digest goes out naming the accounts that did not report. Default 20 (about 4.5 hours
    /// with the default delay). Range 0 to 100.
    /// </summary>
    public int DigestMaxRounds { get; init; } = 20;

    /// <summary>The delay before round <paramref name="round"/> + 1 of the digest item (the first round's is <see cref="DigestDelay"/>).</summary>
    public TimeSpan DigestDelayAfter(int round, bool queueLookedIdle)
    {
        if (queueLookedIdle)
        {
            return DigestDelay;
        }

        var doubled = DigestDelay.TotalSeconds * Math.Pow(2, Math.Min(round + 1, 20));
        return TimeSpan.FromSeconds(Math.Min(doubled, MaxDigestDelay.TotalSeconds));
    }

    /// <summary>
    /// The longest a digest item can keep coming back (every round at its longest delay) plus an hour: a report or mark
    /// on the results queue older than this belongs to a sweep whose digest is out, and is deleted.
    /// </summary>
    public TimeSpan DigestHorizon => DigestDelay + TimeSpan.FromTicks(Enumerable.Range(0, DigestMaxRounds).Sum(r => DigestDelayAfter(r, queueLookedIdle: false).Ticks)) + TimeSpan.FromHours(1);

    /// <summary>SQS's longest message delay (DelaySeconds 900).</summary>
    public static readonly TimeSpan MaxDigestDelay = TimeSpan.FromMinutes(15);

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

        if (DigestDelay < TimeSpan.Zero || DigestDelay > MaxDigestDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(DigestDelay), DigestDelay, "use 0 to 15 min (SQS's longest delay)");
        }

        if (DigestMaxRounds is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(DigestMaxRounds), DigestMaxRounds, "use 0 to 100");
        }
    }
}
