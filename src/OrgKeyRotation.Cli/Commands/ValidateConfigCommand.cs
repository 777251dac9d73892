using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;

namespace OrgKeyRotation.Cli.Commands;

/// <summary><c>keyrot validate-config</c>: every problem of a configuration, with its path. Never calls AWS.</summary>
internal static class ValidateConfigCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("validate-config", "Check a configuration file (or, without --config, the environment variables) and print every problem with its path. Makes no AWS call. Exit code 2 when there is a problem.");
        var config = new Option<string?>("--config") { Description = "Configuration file (JSON). Without it the environment variables are checked.", HelpName = "FILE" };
        var output = ScopeOptions.OutputOption("table", "json");
        command.Options.Add(config);
        command.Options.Add(output);
        examples.Add(command, ["keyrot validate-config --config rotation.json", "ACCOUNTS_USERS_JSON='{\"111122223333\":[\"ci-deployer\"]}' keyrot validate-config"]);

        command.SetAction(parse =>
        {
            var path = parse.GetValue(config);
            try
            {
                var loaded = EngineRunner.LoadConfig(context, path, out var problems);
                if (parse.GetValue(output) == OutputFormat.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(new ValidationDocument(loaded is not null, problems), CliJsonContext.Default.ValidationDocument));
                }
                else if (loaded is null)
                {
                    foreach (var p in problems)
                    {
                        context.Out.WriteLine($"{p.Path}: {p.Message}");
                    }

                    context.Error.WriteLine($"{problems.Count} problem{(problems.Count == 1 ? "" : "s")} in {path ?? "the environment"}.");
                }
                else
                {
                    var scope = loaded.Discovery.Organization
                        ? "all accounts of the Organization" + (loaded.Discovery.ExcludeAccounts.Count > 0 ? $" except {loaded.Discovery.ExcludeAccounts.Count}" : "")
                        : $"{loaded.Accounts.Count} accounts, {loaded.Accounts.Values.Sum(u => u.Count)} users";
                    context.Out.WriteLine($"valid: {scope}; rotate after {loaded.Policy.MaxKeyAgeDays} days; role {loaded.RoleName}{(loaded.DryRun ? "; dry run" : "")}.");
                }

                return loaded is null ? ExitCodes.BadInput : ExitCodes.Ok;
            }
            catch (Exception e)
            {
                return EngineRunner.ReportException(context.Error, e, verbose: false, CancellationToken.None);
            }
        });
        return command;
    }
}
