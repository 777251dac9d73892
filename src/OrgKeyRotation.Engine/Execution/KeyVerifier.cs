using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Core.Model;
using OrgKeyRotation.Core.Ports;
using Polly;
using Polly.Retry;

namespace OrgKeyRotation.Engine.Execution;

/// <summary>
/// Proves a new key works by calling sts:GetCallerIdentity with it, on the <see cref="PropagationPollSchedule"/>
/// while IAM propagates the key, and checks the caller is the user the key was made for. IAM propagates a new key to
/// each region's data plane on its own, so the key is verified in every region consumers use (verification.regions;
/// none listed: the rotator's own), one after the other within the one verification timeout. The schedule runs on a
/// Polly retry strategy (as <c>AwsRetry</c> does for AWS calls): its delays come from the injected TimeProvider and the
/// schedule, and the clock (timeout or deadline), not a count of attempts, ends it.
/// </summary>
internal sealed class KeyVerifier
{
    private static readonly ResiliencePropertyKey<Poll> PollKey = new("OrgKeyRotation.VerificationPoll");
    private readonly Func<NewAccessKey, string?, CancellationToken, Task<CallerIdentity>> _identify;
    private readonly IReadOnlyList<string?> _regions;
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;

    public KeyVerifier(IStsClient sts, IReadOnlyList<string> regions, EngineOptions options, TimeProvider time, Func<double> unitRandom)
        : this((key, region, ct) => sts.GetCallerIdentityAsync(key.AccessKeyId, key.SecretAccessKey, region, ct), regions, options, time, unitRandom)
    {
    }

    /// <param name="identify">GetCallerIdentity signed with the key, in a region (null: the rotator's own).</param>
    /// <param name="regions">The regions to verify in, in order; none: the rotator's own only.</param>
    /// <param name="unitRandom">A random number in [0, 1) for the jitter.</param>
    internal KeyVerifier(Func<NewAccessKey, string?, CancellationToken, Task<CallerIdentity>> identify, IReadOnlyList<string> regions, EngineOptions options, TimeProvider time, Func<double> unitRandom)
    {
        _identify = identify;
        _regions = regions.Count == 0 ? [null] : [.. regions];
        _options = options;
        _time = time;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(IsNotUsableYet(args.Outcome.Exception) && args.Context.Properties.GetValue(PollKey, null!).TimeLeft > TimeSpan.Zero),
                DelayGenerator = args =>
                {
                    var poll = args.Context.Properties.GetValue(PollKey, null!);
                    var delay = PropagationPollSchedule.DelayBeforeNext(
                        time.GetElapsedTime(poll.LastStart), options.VerificationPollInterval, options.VerificationPollJitter, unitRandom(), poll.TimeLeft);
                    return ValueTask.FromResult<TimeSpan?>(delay);
                },
            })
            .Build();
    }

    /// <summary>
    /// Polls until the key authenticates, for at most the verification timeout and never past
    /// <paramref name="verifyUntil"/> (the invocation's deadline for verifications; null: none).
    /// </summary>
    public async Task<Verification> VerifyAsync(string accountId, string userName, NewAccessKey key, DateTimeOffset? verifyUntil, CancellationToken cancellationToken)
    {
        var limit = _options.VerificationTimeout;
        var deadlineFirst = false;
        if (verifyUntil is { } until && until - _time.GetUtcNow() < limit)
        {
            limit = until - _time.GetUtcNow();
            deadlineFirst = true;
        }

        var started = _time.GetTimestamp();
        var attempts = 0;
        foreach (var region in _regions)
        {
            var left = limit - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return deadlineFirst ? Deferred(key, attempts) : TimedOut(key, region, "no time was left", attempts);
            }

            var (verification, tries) = await VerifyInAsync(accountId, userName, key, region, left, deadlineFirst, cancellationToken);
            attempts += tries;
            if (verification is not null)
            {
                return verification with { Attempts = attempts };
            }
        }

        return Verification.Verified(attempts);
    }

    /// <summary>
    /// Polls one region for at most <paramref name="limit"/>; null when the key authenticated there as the user (the
    /// next region follows), else the verification's end.
    /// </summary>
    private async Task<(Verification? Failed, int Attempts)> VerifyInAsync(string accountId, string userName, NewAccessKey key, string? region, TimeSpan limit, bool deadlineFirst, CancellationToken cancellationToken)
    {
        var poll = new Poll(_time.GetTimestamp(), limit, _time);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PollKey, poll);
        try
        {
            var identity = await _pipeline.ExecuteAsync(
                async ctx =>
                {
                    poll.Started();
                    return await _identify(key, region, ctx.CancellationToken).ConfigureAwait(false);
                },
                context).ConfigureAwait(false);
            if (identity.Account == accountId && identity.Arn.EndsWith("/" + userName, StringComparison.OrdinalIgnoreCase))
            {
                // IAM user names are unique regardless of case, and the ARN spells the name as it was created.
                return (null, poll.Attempts);
            }

            // The key authenticates as somebody else: never promote it.
            return (new Verification(VerificationOutcome.Failed, $"new key {key.AccessKeyId} authenticates as {identity.Arn}{In(region)}, not as user {userName} in {accountId}", poll.Attempts), poll.Attempts);
        }
        catch (AwsServiceException ex) when (IsNotUsableYet(ex))
        {
            return (deadlineFirst ? Deferred(key, poll.Attempts) : TimedOut(key, region, $"last error: {ex.Message}", poll.Attempts), poll.Attempts);
        }
        catch (AwsException ex)
        {
            return (new Verification(VerificationOutcome.Failed, $"new key {key.AccessKeyId} could not be verified{In(region)}: {ex.Message}", poll.Attempts), poll.Attempts);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Verification TimedOut(NewAccessKey key, string? region, string why, int attempts) =>
        new(VerificationOutcome.Failed, $"new key {key.AccessKeyId} did not authenticate{In(region)} within {_options.VerificationTimeout.TotalSeconds:0} s ({why})", attempts);

    /// <summary>Where a verification happened, for its message: nothing for the rotator's own region.</summary>
    private static string In(string? region) => region is null ? "" : $" in {region}";

    private static Verification Deferred(NewAccessKey key, int attempts) =>
        new(VerificationOutcome.Deferred, $"the invocation's deadline came before new key {key.AccessKeyId} authenticated", attempts);

    /// <summary>IAM has not propagated the key yet (InvalidClientTokenId), or STS is briefly unavailable.</summary>
    private static bool IsNotUsableYet(Exception? exception) =>
        exception is AwsServiceException { Kind: AwsErrorKind.InvalidCredentials or AwsErrorKind.AccessDenied or AwsErrorKind.Throttling or AwsErrorKind.ServiceFailure };

    /// <summary>One verification's clock: when it may stop, when the last attempt started, how many there were.</summary>
    private sealed class Poll(long started, TimeSpan limit, TimeProvider time)
    {
        public long LastStart { get; private set; }

        public int Attempts { get; private set; }

        public TimeSpan TimeLeft => limit - time.GetElapsedTime(started);

        public void Started()
        {
            LastStart = time.GetTimestamp();
            Attempts++;
        }
    }
}
