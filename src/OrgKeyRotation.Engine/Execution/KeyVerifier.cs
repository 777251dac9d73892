using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Proves a new key works by calling sts:GetCallerIdentity with it, retrying while IAM propagates the key, and checks
/// the caller is the user the key was made for.
/// </summary>
internal sealed class KeyVerifier(IStsClient sts, EngineOptions options, TimeProvider time)
{
    /// <summary>Null when the key works; otherwise why it does not.</summary>
    public async Task<string?> VerifyAsync(string accountId, string userName, NewAccessKey key, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = options.VerificationInitialDelay;
        string lastProblem;
        while (true)
        {
            try
            {
                var identity = await sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, cancellationToken);
                if (identity.Account == accountId && identity.Arn.EndsWith("/" + userName, StringComparison.Ordinal))
                {
                    return null;
                }

                // The key authenticates as somebody else: never promote it.
                return $"new key {key.AccessKeyId} authenticates as {identity.Arn}, not as user {userName} in {accountId}";
            }
            catch (AwsServiceException ex) when (ex.Kind is AwsErrorKind.InvalidCredentials or AwsErrorKind.AccessDenied or AwsErrorKind.Throttling or AwsErrorKind.ServiceFailure)
            {
                // IAM has not propagated the key yet (InvalidClientTokenId), or STS is briefly unavailable.
                lastProblem = ex.Message;
            }

            var remaining = options.VerificationTimeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return $"new key {key.AccessKeyId} did not authenticate within {options.VerificationTimeout.TotalSeconds:0} s (last error: {lastProblem})";
            }

            await Task.Delay(delay < remaining ? delay : remaining, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
        }
    }
}
