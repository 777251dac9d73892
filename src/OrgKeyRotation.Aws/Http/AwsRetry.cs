using OrgKeyRotation.Core.Errors;
using Polly;
using Polly.Retry;

namespace OrgKeyRotation.Aws.Http;

/// <summary>
/// Runs one AWS call with bounded retries (Polly, on the injected TimeProvider): throttling, 429, 5xx and transient
/// network failures; exponential backoff with full jitter; at most <see cref="RetryOptions.MaxAttempts"/> attempts and
/// no new attempt after <see cref="RetryOptions.TotalBudget"/>.
/// Non-idempotent calls (CreateAccessKey) are retried only when AWS cannot have applied them: a throttling error
/// (the request was refused before processing) or a connection that never opened. After a lost response, a
/// timeout or a 5xx (the operation may have run) they fail with <see cref="AmbiguousOutcomeException"/>.
/// </summary>
internal sealed class AwsRetry
{
    private static readonly ResiliencePropertyKey<CallState> StateKey = new("OrgKeyRotation.CallState");
    private readonly TimeProvider _time;
    private readonly RetryOptions _options;
    private readonly ResiliencePipeline _pipeline;

    public AwsRetry(RetryOptions options, TimeProvider time, Func<double> jitter)
    {
        _time = time;
        _options = options;
        _pipeline = options.MaxAttempts == 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context.Properties.GetValue(StateKey, null!))),
                    DelayGenerator = args =>
                    {
                        var state = args.Context.Properties.GetValue(StateKey, null!);
                        var remaining = options.TotalBudget - time.GetElapsedTime(state.Started);
                        var delay = FullJitterDelay(args.AttemptNumber, options.BaseDelay, options.MaxDelay, jitter());
                        return ValueTask.FromResult<TimeSpan?>(delay < remaining ? delay : remaining);
                    },
                })
                .Build();
    }

    /// <summary>Full jitter: uniform in [0, min(max, base * 2^retryIndex)]. <paramref name="unitRandom"/> is in [0, 1).</summary>
    public static TimeSpan FullJitterDelay(int retryIndex, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        var cap = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retryIndex, 30)));
        return TimeSpan.FromMilliseconds(cap * Math.Clamp(unitRandom, 0, 1));
    }

    /// <summary>Runs <paramref name="attempt"/> (given the 1-based attempt number and a token that also carries the attempt timeout).</summary>
    public async Task<T> ExecuteAsync<T>(string service, string operation, Uri endpoint, bool idempotent, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var state = new CallState(_time.GetTimestamp(), idempotent, _options.TotalBudget, _time);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        var attemptNumber = 0;
        try
        {
            return await _pipeline.ExecuteAsync(
                async ctx =>
                {
                    attemptNumber++;
                    return await RunAttemptAsync(attempt, attemptNumber, ctx.CancellationToken).ConfigureAwait(false);
                },
                context).ConfigureAwait(false);
        }
        catch (TransientFailureException failure) when (failure.Sent && !idempotent)
        {
            throw new AmbiguousOutcomeException(service, operation, failure.InnerException!);
        }
        catch (TransientFailureException failure)
        {
            throw new AwsTransportException(service, operation, endpoint, failure.InnerException!);
        }
        catch (AwsServiceException error) when (!idempotent && error.Kind == AwsErrorKind.ServiceFailure && error.Service == service && error.Operation == operation)
        {
            // Only this call's own 5xx is ambiguous; a failed credential refresh (sts) means nothing was sent.
            throw new AmbiguousOutcomeException(service, operation, error);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<T> RunAttemptAsync<T>(Func<int, CancellationToken, Task<T>> attempt, int attemptNumber, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await attempt(attemptNumber, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientFailureException(sent: true, new TimeoutException($"No response within {_options.AttemptTimeout.TotalSeconds:0.#} s."));
        }
        catch (HttpRequestException ex)
        {
            throw new TransientFailureException(sent: !NeverSent(ex), ex);
        }
        catch (IOException ex)
        {
            throw new TransientFailureException(sent: true, ex);
        }
    }

    /// <summary>Errors raised before a connection was established: the request cannot have reached AWS.</summary>
    internal static bool NeverSent(HttpRequestException ex) =>
        ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static bool ShouldRetry(Exception? exception, CallState state)
    {
        var transient = exception switch
        {
            AwsServiceException { Kind: AwsErrorKind.Throttling } => true,
            AwsServiceException { Kind: AwsErrorKind.ServiceFailure } => state.Idempotent,
            TransientFailureException { Sent: false } => true,
            TransientFailureException => state.Idempotent,
            _ => false,
        };
        return transient && state.Time.GetElapsedTime(state.Started) < state.Budget;
    }

    private sealed record CallState(long Started, bool Idempotent, TimeSpan Budget, TimeProvider Time);
}
