namespace OrgKeyRotation.Aws;

/// <summary>Retry policy for throttling, 5xx and transient network failures: exponential backoff with full jitter.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts per call including the first. Default 5. Range 1-20.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Backoff base: the cap of the n-th retry's delay is BaseDelay * 2^(n-1). Default 200 ms. Range 1 ms-10 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest single delay. Default 5 s. Range BaseDelay-60 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No retry starts after this much time since the first attempt. Default 30 s. Range 1 s-15 min.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt's limit; hitting it is a transient (ambiguous) failure. Default 20 s. Range 1 s-5 min.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    internal void Validate()
    {
        Check(MaxAttempts is >= 1 and <= 20, nameof(MaxAttempts), MaxAttempts, "1 to 20");
        Check(BaseDelay >= TimeSpan.FromMilliseconds(1) && BaseDelay <= TimeSpan.FromSeconds(10), nameof(BaseDelay), BaseDelay, "1 ms to 10 s");
        Check(MaxDelay >= BaseDelay && MaxDelay <= TimeSpan.FromSeconds(60), nameof(MaxDelay), MaxDelay, "BaseDelay to 60 s");
        Check(TotalBudget >= TimeSpan.FromSeconds(1) && TotalBudget <= TimeSpan.FromMinutes(15), nameof(TotalBudget), TotalBudget, "1 s to 15 min");
        Check(AttemptTimeout >= TimeSpan.FromSeconds(1) && AttemptTimeout <= TimeSpan.FromMinutes(5), nameof(AttemptTimeout), AttemptTimeout, "1 s to 5 min");
    }

    private static void Check(bool ok, string name, object value, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Retry.{name} must be {range}.");
        }
    }
}
