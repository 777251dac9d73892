using System.CommandLine;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Commands;

/// <summary><c>keyrot report</c>: read-only inventory and CIS compliance of every key in scope.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command(
            "report",
            "Inventory and compliance of every key in scope (read-only): keys older than the policy, unused 45+ days (CIS 1.12), users with two active keys (CIS 1.13), never-used keys, exempt users, managed vs unmanaged users.");
        var common = new CommonOptions();
        var scope = new ScopeOptions("table", "json", "csv", "html");
        common.AddTo(command);
        scope.AddTo(command);
        examples.Add(command,
        [
            "keyrot report --config rotation.json",
            "keyrot report --output html --out artifacts/report.html",
            "keyrot report --as-of 2027-01-01 --output csv > keys.csv",
        ]);

        command.SetAction((parse, ct) =>
        {
            var accounts = parse.GetValue(scope.Accounts) ?? [];
            var concurrency = parse.GetValue(scope.Concurrency);
            var format = parse.GetValue(scope.Output);
            var quiet = parse.GetValue(common.Quiet);
            var target = OutputTarget.Prepare(context, parse.GetValue(scope.Out));
            if (target is null)
            {
                return Task.FromResult(ExitCodes.BadInput);
            }

            return new EngineRunner(context, common).RunAsync(
                parse,
                config => concurrency is { } n ? config with { Concurrency = config.Concurrency with { Accounts = n } } : config,
                parse.GetValue(scope.AsOf),
                [EngineRunner.AccountsInScope(accounts)],
                async (service, _, token) =>
                {
                    var inventory = await service.InventoryAsync(new SweepRequest { DryRun = true, Accounts = accounts.Length > 0 ? accounts : null }, token);
                    var report = ComplianceView.From(inventory);
                    var color = !target.IsFile && context.OutIsTerminal && context.ColorAllowed;
                    target.Write(w => Renderers.WriteReport(w, report, format, color), quiet);
                    foreach (var failed in report.FailedAccounts)
                    {
                        context.Error.WriteLine($"error: account {failed.AccountId} could not be read: {failed.Error ?? failed.Outcome}");
                    }

                    return report.FailedAccounts.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
                },
                ct);
        });
        return command;
    }
}
