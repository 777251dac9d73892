namespace OrgKeyRotation.Engine;

/// <summary>Engine tuning. Defaults suit AWS; tests shorten them.</summary>
public sealed record EngineOptions
{
    /// <summary>
    /// How long a new key may take to authenticate before the rotation is abandoned (AWS: usually 5-15 s after
    /// CreateAccessKey). Default 60 s. Range 1 s to 5 min.
    /// </summary>
    public TimeSpan VerificationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait between verification attempts; doubles up to 8 s. Default 1 s.</summary>
    public TimeSpan VerificationInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (VerificationTimeout < TimeSpan.FromSeconds(1) || VerificationTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationTimeout), VerificationTimeout, "use 1 s to 5 min");
        }

        if (VerificationInitialDelay <= TimeSpan.Zero || VerificationInitialDelay > VerificationTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(VerificationInitialDelay), VerificationInitialDelay, "use more than 0 and at most VerificationTimeout");
        }
    }
}
