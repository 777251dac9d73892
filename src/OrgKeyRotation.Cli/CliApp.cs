using System.CommandLine;
using OrgKeyRotation.Cli.Commands;
using OrgKeyRotation.Cli.Invocation;

namespace OrgKeyRotation.Cli;

/// <summary>The whole CLI behind one call, so tests run it in-process with fake streams, environment and engine.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        // The engine logs from many tasks at once; keep its lines whole.
        context = context with { Error = TextWriter.Synchronized(context.Error) };
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };

        if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine($"error: {error.Message}");
            }

            var name = parse.CommandResult.Command == root ? "" : parse.CommandResult.Command.Name + " ";
            context.Error.WriteLine($"Run 'keyrot {name}--help' for usage.");
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var examples = new HelpExamples();
        var root = new RootCommand("keyrot: rotate IAM user access keys across the accounts of an AWS Organization, with the same engine as the rotation Lambda.")
        {
            SweepCommands.Plan(context, examples),
            SweepCommands.Rotate(context, examples),
            ReportCommand.Create(context, examples),
            RestoreCommand.Create(context, examples),
            ValidateConfigCommand.Create(context, examples),
            SettingsCommand.Create(context, examples),
            PermissionsCommand.Create(context, examples),
            RotationStepCommand.Create(context, examples),
            CredentialProcessCommand.Create(context, examples),
            ReleaseSecretsCommand.Create(context, examples),
        };
        examples.Add(root,
        [
            "keyrot validate-config --config rotation.json",
            "keyrot settings",
            "keyrot plan --config rotation.json",
            "keyrot rotate --config rotation.json",
            "keyrot report --output html --out report.html",
        ]);
        examples.Attach(root);
        return root;
    }
}
