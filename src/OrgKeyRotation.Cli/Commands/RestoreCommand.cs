using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Core.Configuration;
using OrgKeyRotation.Engine.Contracts;

namespace OrgKeyRotation.Cli.Commands;

/// <summary><c>keyrot restore</c>: emergency reactivation of a key that a rotation deactivated.</summary>
internal static class RestoreCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("restore", "Emergency restore: set an inactive access key of a user Active again (sends an alert). Use when a consumer still needed the old key.");
        var account = new Option<string>("--account") { Description = "12-digit account id of the user.", HelpName = "ID", Required = true };
        var user = new Option<string>("--user") { Description = "IAM user name.", HelpName = "NAME", Required = true };
        var key = new Option<string>("--key") { Description = "Access key id of the user's key to reactivate (AKIA..., 20 characters).", HelpName = "KEY_ID", Required = true };
        var output = ScopeOptions.OutputOption("table", "json");
        account.Validators.Add(r => Check(r, AwsIdentifiers.IsAccountId, "--account '{0}' is not a 12-digit AWS account id."));
        user.Validators.Add(r => Check(r, AwsIdentifiers.IsUserName, $"--user '{{0}}' is not an IAM user name ({AwsIdentifiers.NameRule64})."));
        key.Validators.Add(r => Check(r, AwsIdentifiers.IsAccessKeyId, $"--key '{{0}}' is not an access key id ({AwsIdentifiers.AccessKeyIdRule})."));
        var common = new CommonOptions();
        command.Options.Add(account);
        command.Options.Add(user);
        command.Options.Add(key);
        command.Options.Add(output);
        common.AddTo(command);
        examples.Add(command, ["keyrot restore --account 111122223333 --user ci-deployer --key AKIAIOSFODNN7EXAMPLE"]);

        command.SetAction((parse, ct) =>
        {
            var accountId = parse.GetRequiredValue(account);
            return new EngineRunner(context, common).RunAsync(
                parse,
                config => config,
                asOf: null,
                [EngineRunner.AccountsInScope([accountId])],
                async (service, _, token) =>
                {
                    var result = await service.RestoreAsync(accountId, parse.GetRequiredValue(user), parse.GetRequiredValue(key), token);
                    if (parse.GetValue(output) == OutputFormat.Json)
                    {
                        context.Out.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.ActionResult));
                    }
                    else
                    {
                        context.Out.WriteLine($"{result.Action} {result.AccessKeyId ?? parse.GetRequiredValue(key)}: {result.Outcome}: {result.Reason}");
                    }

                    // A key that does not exist is the planner's Block: nothing was restored either way.
                    if (result.Outcome is Outcome.Failed or Outcome.Blocked)
                    {
                        context.Error.WriteLine($"error: restore failed: {result.Error ?? result.Reason}");
                        return ExitCodes.Failures;
                    }

                    return ExitCodes.Ok;
                },
                ct);
        });
        return command;
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<string, bool> isValid, string message)
    {
        var value = result.GetValueOrDefault<string>();
        if (value is not null && !isValid(value))
        {
            result.AddError(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, value));
        }
    }
}
