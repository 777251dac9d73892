namespace OrgKeyRotation.Engine.Execution;

internal enum VerificationOutcome
{
    /// <summary>The key authenticates as the user it was made for: it may be promoted.</summary>
    Verified,

    /// <summary>The key did not authenticate within the verification timeout, or authenticates as someone else.</summary>
    Failed,

    /// <summary>The invocation's deadline came before the key authenticated: the next sweep verifies it (CompleteRotation).</summary>
    Deferred,
}

/// <summary>How one key's verification ended; <see cref="Problem"/> says why when it is not verified.</summary>
internal sealed record Verification(VerificationOutcome Outcome, string? Problem, int Attempts)
{
    public static Verification Verified(int attempts) => new(VerificationOutcome.Verified, null, attempts);
}
