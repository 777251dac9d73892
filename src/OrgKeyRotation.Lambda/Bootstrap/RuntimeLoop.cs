using Microsoft.Extensions.Logging;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Lambda.Handling;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>
/// The custom runtime loop: fetch the next event, hand it to the handler, post the response or the error.
/// A handler failure fails only that invocation; a Runtime API failure ends the loop (the process exits and
/// Lambda starts a fresh environment).
/// </summary>
internal sealed partial class RuntimeLoop(
    IRuntimeApiClient client,
    IInvocationHandler handler,
    TimeProvider timeProvider,
    ILogger logger,
    Action<string?> setTraceId)
{
    /// <summary>The variable the X-Ray SDK reads the current trace header from.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    public RuntimeLoop(IRuntimeApiClient client, IInvocationHandler handler, TimeProvider timeProvider, ILogger logger)
        : this(client, handler, timeProvider, logger, traceId => Environment.SetEnvironmentVariable(TraceIdVariable, traceId))
    {
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(cancellationToken);
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var invocation = await client.GetNextInvocationAsync(cancellationToken);
        setTraceId(invocation.TraceId);
        using var scope = logger.BeginScope(new[] { new KeyValuePair<string, object?>("requestId", invocation.RequestId) });
        var started = timeProvider.GetTimestamp();
        var context = new InvocationContext(invocation);

        byte[] response;
        try
        {
            response = await handler.HandleAsync(context, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var errorType = ex is InvocationException invocationError ? invocationError.ErrorType : ex.GetType().Name;
            LogInvocationFailed(logger, errorType, ex);
            await client.PostErrorAsync(invocation.RequestId, ErrorReport.From(ex, errorType), cancellationToken);
            return;
        }

        await client.PostResponseAsync(invocation.RequestId, response, cancellationToken);
        LogInvocationDone(logger, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation failed: {ErrorType}")]
    private static partial void LogInvocationFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invocation done in {DurationMs} ms")]
    private static partial void LogInvocationDone(ILogger logger, long durationMs);
}
