using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Hosting;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>Options every command that reaches AWS takes. Built per command so each help page lists exactly what applies.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Configuration file (JSON). Without it the environment is read: ACCOUNTS_USERS_JSON, ROTATION_ROLE_NAME, SNS_TOPIC_ARN and the other variables in docs/cli.md.",
        HelpName = "FILE",
    };

    public Option<string?> Profile { get; } = new("--profile") { Description = "AWS profile of the shared config and credentials files.", HelpName = "NAME" };

    public Option<string?> Region { get; } = new("--region") { Description = "AWS region, e.g. us-east-1 (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's).", HelpName = "REGION" };

    public Option<Uri?> EndpointUrl { get; } = new("--endpoint-url")
    {
        Description = "Send every AWS call to this endpoint, e.g. a local emulator http://127.0.0.1:5000 (default: AWS_ENDPOINT_URL).",
        HelpName = "URL",
        CustomParser = ParseEndpoint,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only results and errors." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Also print the engine's debug log and stack traces." };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Profile);
        command.Options.Add(Region);
        command.Options.Add(EndpointUrl);
        command.Options.Add(Quiet);
        command.Options.Add(Verbose);
        command.Validators.Add(result =>
        {
            if (result.GetValue(Quiet) && result.GetValue(Verbose))
            {
                result.AddError("--quiet and --verbose cannot be combined.");
            }
        });
    }

    public AwsConnection Connection(ParseResult parse) => new(parse.GetValue(Profile), parse.GetValue(Region), parse.GetValue(EndpointUrl));

    public LogLevel LogLevel(ParseResult parse) =>
        parse.GetValue(Verbose) ? Microsoft.Extensions.Logging.LogLevel.Debug : parse.GetValue(Quiet) ? Microsoft.Extensions.Logging.LogLevel.Error : Microsoft.Extensions.Logging.LogLevel.Warning;

    private static Uri? ParseEndpoint(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (InputRules.TryParseEndpoint(text, out var uri))
        {
            return uri;
        }

        result.AddError($"--endpoint-url '{text}' is not an absolute http(s) URL such as http://127.0.0.1:5000.");
        return null;
    }
}

/// <summary>Options of the commands that look at many accounts: plan, rotate, report.</summary>
internal sealed class ScopeOptions
{
    public ScopeOptions(params string[] formats)
    {
        Output = OutputOption(formats);
    }

    public Option<OutputFormat> Output { get; }

    public Option<string?> Out { get; } = new("--out") { Description = "Write the output to this file instead of standard output.", HelpName = "FILE" };

    public Option<DateTimeOffset?> AsOf { get; } = new("--as-of")
    {
        Description = "Evaluate the policy as of this date: yyyy-MM-dd (midnight UTC) or ISO 8601 date and time (UTC unless an offset is given).",
        HelpName = "DATE",
        CustomParser = ParseAsOf,
    };

    public Option<int?> Concurrency { get; } = new("--concurrency")
    {
        Description = "Accounts processed at once (1-256; default: the configuration's, 16).",
        HelpName = "N",
    };

    public Option<string[]> Accounts { get; } = new("--account")
    {
        Description = "Limit to this account id (repeatable); it must be in the configured scope.",
        HelpName = "ID",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        Concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n and (< 1 or > 256))
            {
                result.AddError($"--concurrency {n} is out of range: use 1-256.");
            }
        });
        Accounts.Validators.Add(result =>
        {
            foreach (var id in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!AwsIdentifiers.IsAccountId(id))
                {
                    result.AddError($"--account '{id}' is not a 12-digit AWS account id.");
                }
            }
        });
        command.Options.Add(Output);
        command.Options.Add(Out);
        command.Options.Add(AsOf);
        command.Options.Add(Concurrency);
        command.Options.Add(Accounts);
    }

    /// <summary>The values of one invocation; null when the output file cannot be written (the reason is printed).</summary>
    public ScopeValues? Read(ParseResult parse, CliContext context, CommonOptions common)
    {
        var target = OutputTarget.Prepare(context, parse.GetValue(Out));
        return target is null
            ? null
            : new ScopeValues(parse.GetValue(Accounts) ?? [], parse.GetValue(Concurrency), parse.GetValue(Output), parse.GetValue(common.Quiet), target, parse.GetValue(AsOf),
                !target.IsFile && context.OutIsTerminal && context.ColorAllowed);
    }

    private static DateTimeOffset? ParseAsOf(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (InputRules.TryParseAsOf(text, out var asOf))
        {
            return asOf;
        }

        result.AddError($"--as-of '{text}' is not a date: use yyyy-MM-dd (e.g. 2027-01-31) or ISO 8601 (e.g. 2027-01-31T12:00:00Z).");
        return null;
    }

    /// <summary>The --output option, accepting exactly <paramref name="formats"/>; absent, it is Table (every command's first format).</summary>
    public static Option<OutputFormat> OutputOption(params string[] formats) => new("--output", "-o")
    {
        Description = $"Output format: {string.Join(", ", formats)} (default: {formats[0]}).",
        HelpName = string.Join('|', formats),
        CustomParser = result => ParseFormat(result, formats),
    };

    private static OutputFormat ParseFormat(ArgumentResult result, string[] allowed)
    {
        var text = result.Tokens[0].Value;
        if (allowed.Contains(text, StringComparer.OrdinalIgnoreCase) && Enum.TryParse<OutputFormat>(text, ignoreCase: true, out var format))
        {
            return format;
        }

        result.AddError($"--output '{text}' is not one of: {string.Join(", ", allowed)}.");
        return OutputFormat.Table;
    }
}

/// <summary>
/// What a scope command was asked for: the accounts (empty: every one in scope), --concurrency over the configuration's,
/// the output format and where it goes, --quiet, --as-of, and whether the output is coloured (a terminal that allows it).
/// </summary>
internal sealed record ScopeValues(string[] Accounts, int? Concurrency, OutputFormat Format, bool Quiet, OutputTarget Target, DateTimeOffset? AsOf, bool Color)
{
    public RotationConfig WithConcurrency(RotationConfig config) =>
        Concurrency is { } n ? config with { Concurrency = config.Concurrency with { Accounts = n } } : config;

    /// <summary>The --account values as a request's scope: null for every account in scope.</summary>
    public IReadOnlyList<string>? RequestAccounts => Accounts.Length > 0 ? Accounts : null;
}
