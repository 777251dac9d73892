namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// When to try a new key again while IAM propagates it (AWS: refused with InvalidClientTokenId for 5-15 s after
/// CreateAccessKey). The first attempt comes at once; after that the attempts START every interval plus a random part
/// of the jitter, however long each took, so a key that becomes usable is noticed within interval + jitter (plus the
/// round trip of the attempt that notices). A doubling backoff would not bound that: after 1, 2, 4 and 8 s it
/// noticed a key usable at 10 s only at 15 s.
/// </summary>
internal static class PropagationPollSchedule
{
    /// <summary>
    /// The wait before the next attempt: <paramref name="interval"/> + <paramref name="jitter"/> x
    /// <paramref name="unitRandom"/> (in [0, 1)) after the last attempt started, but never beyond
    /// <paramref name="untilEnd"/>, so the last attempt lands on the end.
    /// </summary>
    public static TimeSpan DelayBeforeNext(TimeSpan sinceLastStart, TimeSpan interval, TimeSpan jitter, double unitRandom, TimeSpan untilEnd)
    {
        var gap = interval + jitter * Math.Clamp(unitRandom, 0, 1);
        var delay = gap - sinceLastStart;
        if (delay > untilEnd)
        {
            delay = untilEnd;
        }

        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }
}
