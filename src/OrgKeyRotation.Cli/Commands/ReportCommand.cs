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
            if (scope.Read(parse, context, common) is not { } values)
            {
                return Task.FromResult(ExitCodes.BadInput);
            }

            return new EngineRunner(context, common).RunAsync(
                parse,
                values.WithConcurrency,
                values.AsOf,
                [EngineRunner.AccountsInScope(values.Accounts)],
                async (service, _, token) =>
                {
                    var inventory = await service.InventoryAsync(new SweepRequest { DryRun = true, Accounts = values.RequestAccounts }, token);
                    var report = ComplianceView.From(inventory);
                    values.Target.Write(w => Renderers.WriteReport(w, report, values.Format, values.Color), values.Quiet);
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
