using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Commands;

/// <summary>
/// <c>keyrot release-secrets</c>: the first step of removing OrgKeyRotation (docs/deploy.md, "Removing OrgKeyRotation").
/// It releases every hand-over secret in scope from the rotator's resource policy before the rotator's roles are
/// removed, after which nobody could change or delete those secrets. A dry run unless <c>--apply</c>; keys are never touched.
/// </summary>
internal static class ReleaseSecretsCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command(
            "release-secrets",
            "Before removing OrgKeyRotation: release every hand-over secret in scope from the rotator's resource policy, so that the account's administrators can delete or manage it once the rotator's roles are gone (its user keeps reading its key; access keys are not touched). Lists what it would release unless --apply. With central secrets, --apply runs only as secrets.rotatorArn.");
        var apply = new Option<bool>("--apply") { Description = "Release the secrets (default: list what would be released, change nothing)." };
        var accounts = new Option<string[]>("--account") { Description = "Limit to this account id (repeatable); it must be in the configured scope.", HelpName = "ID", Arity = ArgumentArity.ZeroOrMore };
        var output = ScopeOptions.OutputOption("table", "json");
        var common = new CommonOptions();
        command.Options.Add(apply);
        command.Options.Add(accounts);
        command.Options.Add(output);
        common.AddTo(command);
        accounts.Validators.Add(result =>
        {
            foreach (var id in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Core.Configuration.AwsIdentifiers.IsAccountId(id))
                {
                    result.AddError($"--account '{id}' is not a 12-digit AWS account id.");
                }
            }
        });
        examples.Add(command,
        [
            "keyrot release-secrets --config rotation.json",
            "keyrot release-secrets --config rotation.json --account 111122223333 --apply",
        ]);

        command.SetAction((parse, ct) =>
        {
            var scope = parse.GetValue(accounts) ?? [];
            var applying = parse.GetValue(apply);
            return new EngineRunner(context, common).RunAsync(
                parse,
                config => config,
                asOf: null,
                [EngineRunner.AccountsInScope(scope)],
                async (service, _, token) =>
                {
                    var result = await service.ReleaseSecretsAsync(scope.Length > 0 ? scope : null, applying, token);
                    if (parse.GetValue(output) == OutputFormat.Json)
                    {
                        context.Out.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.ReleaseResult));
                    }
                    else
                    {
                        TextTable.Write(
                            context.Out,
                            ["ACCOUNT", "USER", "SECRET", "OUTCOME", "REASON"],
                            result.Secrets.Select(s => (IReadOnlyList<string>)[s.AccountId, s.UserName ?? "-", s.SecretName, s.Outcome.ToString(), s.Reason]).ToList());
                    }

                    foreach (var account in result.FailedAccounts)
                    {
                        context.Error.WriteLine($"error: account {account.AccountId} could not be read: {account.Error}");
                    }

                    var count = result.Secrets.Count(s => s.Outcome is Outcome.Planned or Outcome.Succeeded);
                    var failures = result.Secrets.Count(s => s.Outcome == Outcome.Failed) + result.FailedAccounts.Count;
                    context.Error.WriteLine(applying
                        ? $"Released {count} secrets; {result.Secrets.Count(s => s.Outcome == Outcome.Skipped)} left as they were; {failures} failures."
                        : $"Dry run: {count} secrets would be released. Run again with --apply, then remove the function and the member roles (docs/deploy.md, \"Removing OrgKeyRotation\").");
                    return failures > 0 ? ExitCodes.Failures : ExitCodes.Ok;
                },
                ct);
        });
        return command;
    }
}
