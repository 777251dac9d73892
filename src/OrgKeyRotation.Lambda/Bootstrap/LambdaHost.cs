using Microsoft.Extensions.Logging;
using OrgKeyRotation.Lambda.Client;
using OrgKeyRotation.Lambda.Handling;
using OrgKeyRotation.Lambda.Logging;
using OrgKeyRotation.Lambda.Metrics;

namespace OrgKeyRotation.Lambda.Bootstrap;

/// <summary>
/// Initialisation and the loop. Configuration is read and validated once, before the first event: any problem is
/// posted to /runtime/init/error (naming the variable) and the process exits non-zero, so no event ever reaches a
/// half-configured engine.
/// </summary>
internal static partial class LambdaHost
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    public const int ExitInitFailed = 1;
    public const int ExitNoRuntimeApi = 2;
    public const int ExitRuntimeApiFailed = 3;

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> environment, ServiceFactory createService)
    {
        if (string.IsNullOrWhiteSpace(environment.GetValueOrDefault(RuntimeApiVariable)))
        {
            await Console.Error.WriteLineAsync(Errors.RuntimeApiMissing(RuntimeApiVariable));
            return ExitNoRuntimeApi;
        }

        using var http = RuntimeApiClient.CreateHttpClient(environment[RuntimeApiVariable]!);
        var logger = new JsonLogger(Console.Out, TimeProvider.System);
        return await RunAsync(new RuntimeApiClient(http), environment, createService, Console.Out, TimeProvider.System, logger, CancellationToken.None);
    }

    internal static async Task<int> RunAsync(
        IRuntimeApiClient client,
        IReadOnlyDictionary<string, string?> environment,
        ServiceFactory createService,
        TextWriter metricsOutput,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ServiceSetup setup;
        try
        {
            setup = createService(environment, logger);
        }
        catch (Exception ex)
        {
            LogInitFailed(logger, ex.GetType().Name, ex);
            await client.PostInitErrorAsync(ErrorReport.From(ex, "InitializationFailed") with { ErrorMessage = Errors.InitialisationFailed(ex) }, cancellationToken);
            return ExitInitFailed;
        }

        if (setup.Problems.Count > 0 || setup.Service is null)
        {
            var message = Errors.InvalidConfiguration(setup.Problems);
            LogInvalidConfiguration(logger, message);
            await client.PostInitErrorAsync(new ErrorReport(message, "InvalidConfiguration", []), cancellationToken);
            return ExitInitFailed;
        }

        var handler = new RotationInvocationHandler(setup.Service, setup.FanOut, setup.AccountConcurrency, setup.Options, timeProvider, logger, new EmfMetricsWriter(metricsOutput, timeProvider));
        var loop = new RuntimeLoop(client, handler, timeProvider, logger);
        try
        {
            await loop.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is RuntimeApiException or HttpRequestException)
        {
            LogRuntimeApiFailed(logger, ex);
            return ExitRuntimeApiFailed;
        }

        return 0;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Initialisation failed: {ErrorType}")]
    private static partial void LogInitFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Problems}")]
    private static partial void LogInvalidConfiguration(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Runtime API failed; exiting so Lambda starts a fresh environment")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception);
}
