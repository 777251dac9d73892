using System.CommandLine;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Commands;

/// <summary><c>keyrot plan</c> and <c>keyrot rotate</c>: one sweep, dry or not, rendered as rows per key.</summary>
internal static class SweepCommands
{
    public static Command Plan(CliContext context, HelpExamples examples)
    {
        var command = new Command("plan", "Dry run: show, per key, what a rotation would do now (or --as-of a date). Changes nothing in AWS.");
        return Build(command, context, examples, dryRunOption: null);
    }

    public static Command Rotate(CliContext context, HelpExamples examples)
    {
        var command = new Command("rotate", "Rotate: create and verify new keys, hand them over through Secrets Manager, deactivate and delete old keys when safe.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only, change nothing (the same as 'keyrot plan')." };
        return Build(command, context, examples, dryRun);
    }

    private static Command Build(Command command, CliContext context, HelpExamples examples, Option<bool>? dryRunOption)
    {
        var common = new CommonOptions();
        var scope = new ScopeOptions("table", "json", "csv");
        common.AddTo(command);
        scope.AddTo(command);
        var isPlan = dryRunOption is null;
        if (dryRunOption is not null)
        {
            command.Options.Add(dryRunOption);
            scope.AsOf.Description += " Only with --dry-run.";
            command.Validators.Add(result =>
            {
                if (result.GetResult(scope.AsOf) is not null && !result.GetValue(dryRunOption))
                {
                    result.AddError("--as-of only plans: use 'keyrot plan --as-of DATE' or add --dry-run. A real rotation always runs at the current time.");
                }
            });
        }

        examples.Add(command, isPlan
            ?
            [
                "keyrot plan --config rotation.json",
                "keyrot plan --as-of 2027-03-01 --output csv > due-in-march.csv",
                "keyrot plan --account 111122223333 --output json | jq '.rows[] | select(.action != \"None\")'",
            ]
            :
            [
                "keyrot rotate --config rotation.json",
                "keyrot rotate --account 111122223333 --concurrency 4",
                "keyrot rotate --dry-run --output json",
            ]);

        command.SetAction((parse, ct) =>
        {
            var dryRun = isPlan || parse.GetValue(dryRunOption!);
            if (scope.Read(parse, context, common) is not { } values)
            {
                return Task.FromResult(ExitCodes.BadInput);
            }

            var (accounts, format, quiet, target) = (values.Accounts, values.Format, values.Quiet, values.Target);
            var runner = new EngineRunner(context, common);
            return runner.RunAsync(
                parse,
                values.WithConcurrency,
                values.AsOf,
                [EngineRunner.AccountsInScope(accounts)],
                async (service, config, token) =>
                {
                    var live = !dryRun && context.ErrorIsTerminal && !quiet;
                    SweepResult sweep;
                    await using (var progress = new RotationProgress(context.Error, context.Time, ExpectedAccounts(config, accounts), live))
                    {
                        var request = new SweepRequest { DryRun = dryRun, Accounts = values.RequestAccounts, Progress = progress };
                        if (!dryRun && !quiet && !live)
                        {
                            context.Error.WriteLine($"rotating {ExpectedAccounts(config, accounts)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all discovered"} accounts...");
                        }

                        sweep = await service.SweepAsync(request, token);

                        if (!dryRun && !quiet)
                        {
                            await progress.StopAsync();
                            context.Error.WriteLine($"rotation finished: {progress.Line()}");
                        }
                    }

                    var plan = PlanView.From(sweep);
                    target.Write(w => Renderers.WritePlan(w, plan, format, values.Color), quiet);
                    if (!quiet)
                    {
                        if (format == OutputFormat.Table && !target.IsFile)
                        {
                            context.Out.WriteLine();
                            context.Out.WriteLine(Summary(plan));
                        }
                        else
                        {
                            context.Error.WriteLine(Summary(plan));
                        }
                    }

                    WriteFailures(context.Error, plan);
                    return plan.HasFailures ? ExitCodes.Failures : ExitCodes.Ok;
                },
                ct);
        });
        return command;
    }

    /// <summary>How many accounts the sweep will cover, when the configuration says so without discovery.</summary>
    private static int? ExpectedAccounts(RotationConfig config, string[] accounts) =>
        accounts.Length > 0 ? accounts.Length : config.Discovery.Organization ? null : config.Accounts.Count;

    private static string Summary(PlanDocument plan)
    {
        var c = plan.Counts;
        var verb = plan.DryRun ? "planned" : "done";
        return $"{(plan.DryRun ? "Dry run" : "Rotation")} {plan.SweepId}: {c.Accounts} accounts, {c.Users} users; {verb}: rotate {c.Rotated}, deactivate {c.Deactivated}, delete {c.Deleted}, reactivate {c.Reactivated}; warnings {c.Warnings}, failed {c.FailedNotBlocked}, blocked {c.Blocked}, not started {c.NotStarted}.";
    }

    private static void WriteFailures(TextWriter error, PlanDocument plan)
    {
        foreach (var account in plan.FailedAccounts)
        {
            error.WriteLine($"error: account {account.AccountId} {account.Outcome.ToLowerInvariant()}: {account.Error ?? "no detail"}");
        }

        foreach (var id in plan.NotStartedAccounts.Where(id => plan.FailedAccounts.All(f => f.AccountId != id)))
        {
            error.WriteLine($"error: account {id} was not started; run the command again to finish it.");
        }

        foreach (var row in plan.Rows.Where(r => r.Outcome == nameof(Outcome.Failed) && r.UserName != "-"))
        {
            error.WriteLine($"error: {row.AccountId}/{row.UserName} {row.AccessKeyId ?? ""} {row.Action} failed: {row.Error ?? row.Reason}");
        }

        foreach (var row in plan.Rows.Where(r => r.Outcome == nameof(Outcome.Blocked)))
        {
            error.WriteLine($"blocked: {row.AccountId}/{row.UserName} {row.AccessKeyId ?? ""} needs a person: {row.Error ?? row.Reason}");
        }
    }
}
