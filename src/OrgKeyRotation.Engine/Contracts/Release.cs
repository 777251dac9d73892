namespace OrgKeyRotation.Engine.Contracts;

/// <summary>
/// One hand-over secret as <c>keyrot release-secrets</c> finds it: <see cref="Outcome"/> Planned (a dry run would release
/// it), Succeeded (released), Skipped (its policy is not the rotator's: released already, or never the rotator's;
/// left as it is) or Failed (the AWS call failed; <see cref="Reason"/> says what).
/// </summary>
public sealed record ReleasedSecret(string AccountId, string? UserName, string SecretName, string SecretArn, Outcome Outcome, string Reason);

/// <summary>What a release found and did; <see cref="Applied"/> false for a dry run.</summary>
public sealed record ReleaseResult(bool Applied, IReadOnlyList<ReleasedSecret> Secrets, IReadOnlyList<AccountResult> FailedAccounts);
