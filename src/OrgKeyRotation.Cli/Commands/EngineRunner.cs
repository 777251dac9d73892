using System.CommandLine;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Core.Errors;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>
/// The path every engine command takes: load and check the configuration, check the operator's input against it,
/// build the engine, run the command's body, and turn failures into exit codes. Nothing reaches AWS before the
/// configuration and the input are known good (exit code 2 otherwise).
/// </summary>
internal sealed class EngineRunner(CliContext context, CommonOptions common)
{
    /// <summary>Input checks that need the configuration; each returns an error message or null.</summary>
    public delegate string? ScopeCheck(RotationConfig config);

    public async Task<int> RunAsync(
        ParseResult parse,
        Func<RotationConfig, RotationConfig> adjust,
        DateTimeOffset? asOf,
        IReadOnlyList<ScopeCheck> checks,
        Func<IRotationService, RotationConfig, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var verbose = parse.GetValue(common.Verbose);
        try
        {
            var config = LoadConfig(context, parse.GetValue(common.Config), out var problems);
            if (config is null)
            {
                WriteProblems(context.Error, problems);
                return ExitCodes.BadInput;
            }

            config = adjust(config);
            foreach (var check in checks)
            {
                if (check(config) is { } error)
                {
                    context.Error.WriteLine($"error: {error}");
                    return ExitCodes.BadInput;
                }
            }

            var time = asOf is { } date ? new ShiftedTimeProvider(context.Time, date) : context.Time;
            var logger = new StderrLogger(context.Error, common.LogLevel(parse));
            var service = context.ServiceFactory(new ServiceRequest(config, common.Connection(parse), time, logger, context.Time));
            return await body(service, config, cancellationToken);
        }
        catch (Exception e)
        {
            return ReportException(context.Error, e, verbose, cancellationToken);
        }
    }

    /// <summary>Loads the configuration from <paramref name="path"/> or, without one, from the environment.</summary>
    public static RotationConfig? LoadConfig(CliContext context, string? path, out IReadOnlyList<ConfigProblem> problems)
    {
        ConfigResult result;
        if (path is null)
        {
            result = context.ConfigSource.FromEnvironment(context.Environment);
        }
        else
        {
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems = [new ConfigProblem("--config", $"cannot read '{path}': {e.Message}")];
                return null;
            }

            result = context.ConfigSource.FromJson(json);
        }

        problems = result.Problems;
        return problems.Count == 0 ? result.Config : null;
    }

    public static void WriteProblems(TextWriter writer, IReadOnlyList<ConfigProblem> problems)
    {
        writer.WriteLine($"error: the configuration has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing was done:");
        foreach (var p in problems)
        {
            writer.WriteLine($"  {p.Path}: {p.Message}");
        }
    }

    /// <summary>Checks that every account named on the command line is in the configured scope, when the scope is explicit.</summary>
    public static ScopeCheck AccountsInScope(IReadOnlyList<string> accounts) => config =>
    {
        if (config.Discovery.Organization)
        {
            return null; // the scope is only known after Organizations discovery; the engine checks it there
        }

        var missing = accounts.Where(a => !config.Accounts.ContainsKey(a)).ToList();
        return missing.Count == 0 ? null : $"account {string.Join(", ", missing)} is not in the configured scope (accounts: {string.Join(", ", config.Accounts.Keys)}).";
    };

    /// <summary>Maps an exception to an exit code, printing what failed and what to do.</summary>
    public static int ReportException(TextWriter error, Exception exception, bool verbose, CancellationToken cancellationToken)
    {
        var e = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        var (code, message) = e switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Cancelled, "cancelled; work in progress may be incomplete: run the same command again, it resumes safely."),
            AwsCredentialsException or AwsTransportException or CentralRotatorRefusedException => (ExitCodes.CouldNotStart, e.Message),
            AwsServiceException { Kind: AwsErrorKind.InvalidCredentials } => (ExitCodes.CouldNotStart, $"{e.Message}. The credentials were refused: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile, or the session's expiry."),
            AwsServiceException => (ExitCodes.Failures, e.Message),
            _ => (ExitCodes.Failures, $"unexpected {e.GetType().Name}: {e.Message}{(verbose ? "" : " (run with --verbose for details)")}"),
        };
        error.WriteLine($"error: {message}");
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }

        return code;
    }
}
