using System.CommandLine;
using System.Text.Json;
using OrgKeyRotation.Cli.Invocation;
using OrgKeyRotation.Cli.Output;
using OrgKeyRotation.Engine.Contracts;
using OrgKeyRotation.Engine.SecretsManagerRotation;

namespace OrgKeyRotation.Cli.Commands;

/// <summary><c>keyrot rotation-step</c>: one step of the Secrets Manager rotation protocol, as the Lambda runs it.</summary>
internal static class RotationStepCommand
{
    public static Command Create(CliContext context, HelpExamples examples)
    {
        var command = new Command("rotation-step", "Run one Secrets Manager rotation step on a managed secret, as Secrets Manager would invoke the Lambda. For recovery and debugging.");
        var secretId = new Option<string>("--secret-id") { Description = "Secret name or ARN.", HelpName = "SECRET", Required = true };
        var token = new Option<string>("--token") { Description = "ClientRequestToken: the version id of the rotation in progress.", HelpName = "TOKEN", Required = true };
        var step = new Option<string>("--step") { Description = "The step to run.", Required = true };
        step.AcceptOnlyFromAmong([.. RotationSteps.Names]);
        secretId.Validators.Add(r => NotBlank(r, "--secret-id"));
        token.Validators.Add(r => NotBlank(r, "--token"));
        var output = ScopeOptions.OutputOption("table", "json");
        var common = new CommonOptions();
        command.Options.Add(secretId);
        command.Options.Add(token);
        command.Options.Add(step);
        command.Options.Add(output);
        common.AddTo(command);
        examples.Add(command, ["keyrot rotation-step --secret-id iam-key-rotation/111122223333/ci-deployer --token 5f0c8a4e-3b7d-4c1e-9a2f-0d6e1b7c9a10 --step testSecret"]);

        command.SetAction((parse, ct) => new EngineRunner(context, common).RunAsync(
            parse,
            config => config,
            asOf: null,
            [],
            async (service, _, cancel) =>
            {
                var result = await service.RunRotationStepAsync(
                    new RotationStepRequest(parse.GetRequiredValue(step), parse.GetRequiredValue(secretId), parse.GetRequiredValue(token)), cancel);
                if (parse.GetValue(output) == OutputFormat.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.RotationStepResult));
                }
                else
                {
                    context.Out.WriteLine($"{result.Step} {result.SecretId}: {result.Outcome}: {result.Message}");
                }

                return result.Outcome == Outcome.Failed ? ExitCodes.Failures : ExitCodes.Ok;
            },
            ct));
        return command;
    }

    private static void NotBlank(System.CommandLine.Parsing.OptionResult result, string name)
    {
        if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
        {
            result.AddError($"{name} must not be empty.");
        }
    }
}
